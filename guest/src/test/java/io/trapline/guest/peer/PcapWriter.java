package io.trapline.guest.peer;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A classic pcap writer (little-endian, microsecond timestamps, link type 1 = Ethernet) for looking at a
 * test's frames in Wireshark. Debugging aid only; capture export proper lives in the analysis module.
 */
public final class PcapWriter implements AutoCloseable {
    private final DataOutputStream out;

    public PcapWriter(OutputStream out) throws IOException {
        this.out = new DataOutputStream(out);
        int32(0xa1b2c3d4); // magic, microsecond resolution
        int16(2);
        int16(4);
        int32(0); // this zone
        int32(0); // sigfigs
        int32(65535); // snaplen
        int32(1); // LINKTYPE_ETHERNET
    }

    public void frame(long timeNs, byte[] frame) throws IOException {
        int32((int) (timeNs / 1_000_000_000L));
        int32((int) (timeNs / 1_000 % 1_000_000));
        int32(frame.length);
        int32(frame.length);
        out.write(frame);
    }

    private void int32(int v) throws IOException {
        out.writeInt(Integer.reverseBytes(v));
    }

    private void int16(int v) throws IOException {
        out.writeShort(Short.reverseBytes((short) v));
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
