package io.trapline.emulator.virtio.net;

import io.trapline.emulator.memory.LittleEndian;
import io.trapline.emulator.net.OnesComplement;

/**
 * Completes a partial checksum the way a NIC does for VIRTIO_NET_HDR_F_NEEDS_CSUM (virtio 1.2, 5.1.6.2):
 * the one's-complement sum from csum_start to the end of the frame is folded, inverted and stored at
 * csum_start + csum_offset (the driver has put the pseudo-header sum there already).
 */
final class InternetChecksum {
    private InternetChecksum() {
    }

    /** {@code packet} holds the virtio_net_hdr at 0 and the frame of {@code length} bytes at {@code frameAt}. */
    static void complete(byte[] packet, int frameAt, int length) {
        int start = LittleEndian.u16(packet, VirtioNetHeader.CSUM_START);
        int at = start + LittleEndian.u16(packet, VirtioNetHeader.CSUM_OFFSET);
        if (start >= length || at + 2 > length) {
            return;
        }
        int result = OnesComplement.checksum(OnesComplement.add(0, packet, frameAt + start, length - start));
        packet[frameAt + at] = (byte) (result >>> 8);
        packet[frameAt + at + 1] = (byte) result;
    }
}
