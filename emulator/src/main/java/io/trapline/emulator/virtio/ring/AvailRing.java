package io.trapline.emulator.virtio.ring;

/**
 * Layout of {@code struct virtq_avail}, virtio 1.2 section 2.7.6 "The Virtqueue Available Ring":
 * flags u16, idx u16, ring[queue size] u16, then used_event u16 (meaningful only with VIRTIO_F_EVENT_IDX).
 */
public final class AvailRing {
    public static final int FLAGS = 0;
    public static final int IDX = 2;
    public static final int RING = 4;

    /** Driver asks the device not to interrupt (ignored with VIRTIO_F_EVENT_IDX), section 2.7.7. */
    public static final int F_NO_INTERRUPT = 1;

    private AvailRing() {
    }

    public static int ringEntry(int slot) {
        return RING + 2 * slot;
    }

    public static int usedEvent(int queueSize) {
        return RING + 2 * queueSize;
    }

    /** Bytes the structure occupies, used_event included. */
    public static int size(int queueSize) {
        return RING + 2 * queueSize + 2;
    }
}
