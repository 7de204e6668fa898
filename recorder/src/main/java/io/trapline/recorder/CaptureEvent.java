package io.trapline.recorder;

/**
 * A read-only view of one event. Implementations are flyweights: the view is valid until the cursor that
 * produced it moves on; copy out what you need to keep.
 */
public interface CaptureEvent {
    long sequence();

    long timeNs();

    EventType type();

    int device();

    /** Queue index (kicks) or vCPU (accesses, exits). */
    int queue();

    /** BAR index, or the capture's region index for OTHER_* events. */
    int region();

    /** Access size in bytes (0 when the event is not an access). */
    int size();

    int flags();

    long address();

    long value();

    int payloadLength();

    /** Payload byte {@code i} (0 <= i < payloadLength), read in place. */
    byte payloadByte(int i);

    /** Copies the payload into {@code dst[off..]}; returns the number of bytes copied. */
    int copyPayload(byte[] dst, int off);

    default boolean hasFlag(int flag) {
        return (flags() & flag) != 0;
    }
}
