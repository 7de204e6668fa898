package io.trapline.emulator.virtio.net;

import io.trapline.emulator.memory.LittleEndian;

/**
 * Completes a partial checksum the way a NIC does for VIRTIO_NET_HDR_F_NEEDS_CSUM (virtio 1.2, 5.1.6.2):
 * the one's-complement sum from csum_start to the end of the frame is folded, inverted and stored at
 * csum_start + csum_offset (the driver has put the pseudo-header sum there already).
 */
final class InternetChecksum {
    private InternetChecksum() {
    }

    static void complete(byte[] frame, int length, byte[] header) {
        int start = LittleEndian.u16(header, VirtioNetHeader.CSUM_START);
        int at = start + LittleEndian.u16(header, VirtioNetHeader.CSUM_OFFSET);
        if (start >= length || at + 2 > length) {
            return;
        }
        long sum = 0;
        int i = start;
        for (; i + 1 < length; i += 2) {
            sum += (frame[i] & 0xFF) << 8 | (frame[i + 1] & 0xFF);
        }
        if (i < length) {
            sum += (frame[i] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        int result = (int) ~sum & 0xFFFF;
        frame[at] = (byte) (result >>> 8);
        frame[at + 1] = (byte) result;
    }
}
