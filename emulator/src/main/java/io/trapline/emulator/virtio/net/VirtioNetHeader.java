package io.trapline.emulator.virtio.net;

/**
 * {@code struct virtio_net_hdr}, virtio 1.2 section 5.1.6: flags u8, gso_type u8, hdr_len u16, gso_size u16,
 * csum_start u16, csum_offset u16, then num_buffers u16 when VERSION_1 or MRG_RXBUF is negotiated
 * (12 bytes; 10 without).
 */
public final class VirtioNetHeader {
    public static final int FLAGS = 0;
    public static final int GSO_TYPE = 1;
    public static final int HDR_LEN = 2;
    public static final int GSO_SIZE = 4;
    public static final int CSUM_START = 6;
    public static final int CSUM_OFFSET = 8;
    public static final int NUM_BUFFERS = 10;
    public static final int LENGTH = 10;
    public static final int LENGTH_WITH_NUM_BUFFERS = 12;

    public static final int F_NEEDS_CSUM = 1;
    public static final int F_DATA_VALID = 2;
    public static final int GSO_NONE = 0;

    private VirtioNetHeader() {
    }
}
