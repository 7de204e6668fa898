package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureException;
import io.trapline.recorder.IoErrors;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Streams a classic libpcap file (the format QEMU's {@code filter-dump} writes): either byte order, micro- or
 * nanosecond timestamps, Ethernet link type. One reusable frame buffer; a damaged record ends the stream
 * and is described by {@link #problem()} (the frames before it stay usable). A compressed pcap whose xz or gzip
 * stream breaks off or does not decode is refused as a whole instead, as a compressed trace is: a
 * {@link CaptureException} naming the file and the last whole record before the break.
 */
final class PcapReader implements AutoCloseable {
    static final int LINKTYPE_ETHERNET = 1;
    /** Largest frame accepted (a 64 KiB GSO frame plus headers). */
    static final int MAX_FRAME = 256 * 1024;

    private final InputStream in;
    private final String file;
    private final boolean swapped;
    private final boolean nanos;
    private final byte[] header = new byte[16];
    private final byte[] frame = new byte[MAX_FRAME];
    private long record;
    /** Records read whole, and whether the 24-byte file header was (where a damaged compressed stream breaks off). */
    private long whole;
    private boolean headerRead;
    private long timeNs;
    private int length;
    private String problem;

    PcapReader(InputStream in, String file) {
        this.in = in;
        this.file = file;
        byte[] g = new byte[24];
        int n = readFully(g, 24);
        if (n < 24) {
            throw new CaptureException(file + ": not a pcap file (shorter than the 24-byte header)");
        }
        long magic = le32(g, 0);
        switch ((int) magic) {
            case 0xa1b2c3d4 -> { swapped = false; nanos = false; }
            case 0xa1b23c4d -> { swapped = false; nanos = true; }
            case 0xd4c3b2a1 -> { swapped = true; nanos = false; }
            case 0x4d3cb2a1 -> { swapped = true; nanos = true; }
            default -> throw new CaptureException(file + ": not a classic pcap file (magic 0x"
                    + Long.toHexString(magic) + "; pcapng is not supported)");
        }
        long linkType = u32(g, 20) & 0x0fffffff;
        if (linkType != LINKTYPE_ETHERNET) {
            throw new CaptureException(file + ": pcap link type " + linkType + " is not Ethernet (1)");
        }
        headerRead = true;
    }

    /** Next frame; false at the end or at a damaged record (then {@link #problem()} says why). */
    boolean next() {
        if (problem != null) {
            return false;
        }
        int n = readFully(header, 16);
        if (n == 0) { // the end (of a compressed stream, too: one that breaks off throws instead)
            return false;
        }
        record++;
        if (n < 16) {
            return damagedRecord("record " + record + ": truncated record header");
        }
        long sec = u32(header, 0);
        long sub = u32(header, 4);
        long incl = u32(header, 8);
        if (sub >= (nanos ? 1_000_000_000L : 1_000_000L)) {
            return damagedRecord("record " + record + ": bad timestamp fraction " + sub);
        }
        if (incl > MAX_FRAME) {
            return damagedRecord("record " + record + ": frame length " + incl + " exceeds " + MAX_FRAME + " bytes");
        }
        int got = readFully(frame, (int) incl);
        if (got < incl) {
            return damagedRecord("record " + record + ": truncated frame (" + got + " of " + incl + " bytes)");
        }
        timeNs = sec * 1_000_000_000L + (nanos ? sub : sub * 1000);
        length = (int) incl;
        whole++;
        return true;
    }

    /**
     * Ends the stream at a damaged record. In a compressed pcap the record may be what a damaged xz or gzip stream
     * decoded to before its check failed: the rest of the stream is decoded first, and a stream that breaks off or
     * does not decode is refused as such.
     */
    private boolean damagedRecord(String why) {
        checkCompressedStream();
        if (problem == null) {
            problem = why;
        }
        return false;
    }

    /** Decodes the rest of a compressed pcap (a damaged part of it is refused); nothing for a plain one. */
    private void checkCompressedStream() {
        if (in instanceof DecompressingReader) {
            while (readFully(frame, frame.length) == frame.length) {
                // decoded only to find out whether the stream is whole
            }
        }
    }

    private int readFully(byte[] b, int len) {
        int off = 0;
        while (off < len) {
            int r;
            try {
                r = in.read(b, off, len - off);
            } catch (IOException | RuntimeException e) {
                if (in instanceof DecompressingReader d && e instanceof IOException io) {
                    throw damaged(d, io);
                }
                problem = "record " + (record + 1) + ": read error: " + e.getMessage();
                return off;
            }
            if (r < 0) {
                break;
            }
            off += r;
        }
        return off;
    }

    /** A compressed pcap whose stream broke off or does not decode, named with the last whole record before it. */
    private CaptureException damaged(DecompressingReader d, IOException e) {
        String where = headerRead ? "after record " + whole : "before the first record";
        String what = e instanceof EOFException ? "truncated " + d.format() + " data: the stream breaks off " + where
                : "corrupt " + d.format() + " data " + where + " (" + IoErrors.describe(e) + ")";
        return new CaptureException(file + ": " + what + "; nothing imported", e);
    }

    private long u32(byte[] b, int o) {
        return swapped ? be32(b, o) : le32(b, o);
    }

    private static long le32(byte[] b, int o) {
        return (b[o] & 0xffL) | (b[o + 1] & 0xffL) << 8 | (b[o + 2] & 0xffL) << 16 | (b[o + 3] & 0xffL) << 24;
    }

    private static long be32(byte[] b, int o) {
        return (b[o + 3] & 0xffL) | (b[o + 2] & 0xffL) << 8 | (b[o + 1] & 0xffL) << 16 | (b[o] & 0xffL) << 24;
    }

    long record() {
        return record;
    }

    long timeNs() {
        return timeNs;
    }

    byte[] frame() {
        return frame;
    }

    int length() {
        return length;
    }

    String problem() {
        return problem;
    }

    String file() {
        return file;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // nothing useful to do: the frames were already read
        }
    }

    // ---- Ethernet/IPv4/TCP facts used for direction and alignment ----

    /** Source MAC of an Ethernet frame equals {@code mac} (6 bytes). */
    static boolean sourceIs(byte[] f, int len, byte[] mac) {
        if (len < 14 || mac == null) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            if (f[6 + i] != mac[i]) {
                return false;
            }
        }
        return true;
    }

    /** An IPv4 TCP segment with SYN set and ACK clear (a connection request). */
    static boolean isTcpSyn(byte[] f, int len) {
        if (len < 34 || f[12] != 0x08 || f[13] != 0x00 || (f[14] & 0xf0) != 0x40 || f[23] != 6) {
            return false;
        }
        int ihl = (f[14] & 0x0f) * 4;
        int tcp = 14 + ihl;
        if (ihl < 20 || len < tcp + 14) {
            return false;
        }
        int flags = f[tcp + 13] & 0xff;
        return (flags & 0x02) != 0 && (flags & 0x10) == 0;
    }
}
