package io.trapline.recorder;

/**
 * What an event's fields say about each other, beyond what its checksum covers: an event written with a payload that
 * contradicts its own length verifies as stored, but no device transferred it. Checked where the meaning is used
 * (replay serves a DMA read's payload to the device) and by {@code trapline info}, which vouches for the capture.
 */
public final class EventConsistency {
    private EventConsistency() {
    }

    /**
     * What is inconsistent in the current event of {@code e}, in words for an error line, or null. A {@code dma_read}
     * holds the {@code value} bytes it read, none when it faulted (nothing was transferred); a {@code dma_write}
     * holds the {@code value} bytes it wrote (capture-format.md, event types).
     */
    public static String problem(CaptureEvent e) {
        EventType t = e.type();
        if (t != EventType.DMA_READ && t != EventType.DMA_WRITE) {
            return null;
        }
        int n = e.payloadLength();
        if (t == EventType.DMA_READ && e.hasFlag(EventFlags.FAULT)) {
            return n == 0 ? null : "a dma_read that faulted (nothing was read) holds a payload of " + n + " bytes";
        }
        return n == e.value() ? null : "a " + t.label() + " of " + Long.toUnsignedString(e.value())
                + " bytes holds a payload of " + n + " bytes";
    }
}
