package io.trapline.recorder;

/**
 * Where recorded events go, in order: a {@link CaptureWriter} on the recording thread, an
 * {@link AsyncCaptureWriter} that hands them to a writer thread, or something that only counts them.
 */
public interface EventSink {
    /**
     * Takes one event ({@code payload} may be null when {@code length} is 0); the payload bytes are only read
     * during the call. Returns the event's sequence number.
     */
    long append(long timeNs, EventType type, int device, int queue, int region, int size, long address, long value,
                int flags, byte[] payload, int offset, int length);

    /** Takes a header-only event; returns its sequence number. */
    default long append(long timeNs, EventType type, int device, int queue, int region, int size, long address, long value) {
        return append(timeNs, type, device, queue, region, size, address, value, 0, null, 0, 0);
    }
}
