package io.trapline.emulator.virtio.pci;

/** Device-independent feature bits, virtio 1.2 section 6 "Reserved Feature Bits" (and legacy ones). */
public final class VirtioFeatures {
    /** Legacy: interrupt even with interrupts suppressed when the ring runs empty. */
    public static final int NOTIFY_ON_EMPTY = 24;
    /** Legacy: device accepts any split of header and data across buffers. */
    public static final int ANY_LAYOUT = 27;
    public static final int RING_INDIRECT_DESC = 28;
    public static final int RING_EVENT_IDX = 29;
    /** Legacy: QEMU offers it so that a driver that accepts everything blindly is detectable. */
    public static final int BAD_FEATURE = 30;
    public static final int VERSION_1 = 32;
    public static final int ACCESS_PLATFORM = 33;
    public static final int RING_PACKED = 34;
    /** Per-queue reset through common cfg queue_reset (virtio 1.2, 2.6.1); QEMU 7.2 offers it. */
    public static final int RING_RESET = 40;

    private VirtioFeatures() {
    }

    public static long bit(int feature) {
        return 1L << feature;
    }

    public static boolean has(long features, int feature) {
        return (features & bit(feature)) != 0;
    }
}
