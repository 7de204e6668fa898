package io.trapline.emulator.virtio.ring;

/**
 * Layout of {@code struct virtq_desc}, virtio 1.2 section 2.7.5 "The Virtqueue Descriptor Table":
 * addr u64 at 0, len u32 at 8, flags u16 at 12, next u16 at 14; 16 bytes, little-endian.
 */
public final class Descriptor {
    public static final int SIZE = 16;
    public static final int ADDR = 0;
    public static final int LEN = 8;
    public static final int FLAGS = 12;
    public static final int NEXT = 14;

    /** This descriptor continues via the {@code next} field. */
    public static final int F_NEXT = 1;
    /** Buffer is device write-only (otherwise device read-only). */
    public static final int F_WRITE = 2;
    /** Buffer holds a table of descriptors (section 2.7.5.3). */
    public static final int F_INDIRECT = 4;

    private Descriptor() {
    }

    // Field access on a descriptor's 16 little-endian bytes at {@code at} in {@code b}.

    static long addr(byte[] b, int at) {
        return u32(b, at + ADDR) | u32(b, at + ADDR + 4) << 32;
    }

    static long len(byte[] b, int at) {
        return u32(b, at + LEN);
    }

    static int flags(byte[] b, int at) {
        return u16(b, at + FLAGS);
    }

    static int next(byte[] b, int at) {
        return u16(b, at + NEXT);
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (long) (b[at + 3] & 0xFF) << 24);
    }
}
