package io.trapline.emulator.virtio.ring;

/**
 * Layout of {@code struct virtq_used}, virtio 1.2 section 2.7.8 "The Virtqueue Used Ring":
 * flags u16, idx u16, ring[queue size] of {@code virtq_used_elem} (id u32, len u32), then avail_event u16.
 */
public final class UsedRing {
    public static final int FLAGS = 0;
    public static final int IDX = 2;
    public static final int RING = 4;
    public static final int ELEM_SIZE = 8;
    public static final int ELEM_ID = 0;
    public static final int ELEM_LEN = 4;

    /** Device asks the driver not to kick (ignored with VIRTIO_F_EVENT_IDX), section 2.7.10. */
    public static final int F_NO_NOTIFY = 1;

    private UsedRing() {
    }

    public static int ringEntry(int slot) {
        return RING + ELEM_SIZE * slot;
    }

    public static int availEvent(int queueSize) {
        return RING + ELEM_SIZE * queueSize;
    }

    public static int size(int queueSize) {
        return RING + ELEM_SIZE * queueSize + 2;
    }

    /** Fills {@code b} with a little-endian {@code virtq_used_elem}. */
    static void putElem(byte[] b, int id, long len) {
        for (int i = 0; i < 4; i++) {
            b[ELEM_ID + i] = (byte) (id >>> (8 * i));
            b[ELEM_LEN + i] = (byte) (len >>> (8 * i));
        }
    }
}
