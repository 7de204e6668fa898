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
}
