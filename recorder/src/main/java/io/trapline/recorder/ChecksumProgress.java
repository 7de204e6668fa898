package io.trapline.recorder;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far the cursors scanning one capture at the same time have checksummed it, so that each event's checksum
 * is computed once rather than once per cursor (a query reading two tables scans the capture twice,
 * concurrently). A cursor skips the checksum of an event another cursor has verified already and still checks
 * everything else (sequence continuity, lengths, type); a cursor that is ahead checksums, and moves the mark on
 * only past events whose checksum matched, so every event is checksummed by some cursor before any of them
 * hands it out. Share one instance per capture among cursors (a SQL session shares it across its statements); the file must not change
 * meanwhile (a capture being appended to only grows).
 */
public final class ChecksumProgress {
    /** Cursors publish their progress every this many events (a store per event would cost more than it saves). */
    static final int PUBLISH_EVERY = 1024;

    private final AtomicLong verifiedBelow = new AtomicLong();

    /** Every event with a lower sequence has been checksummed by some cursor and matched. */
    public long verifiedBelow() {
        return verifiedBelow.get();
    }

    /**
     * A cursor has checksummed every event below {@code sequence}. Two cursors publishing at once may leave the
     * lower of their two marks: that only makes another cursor checksum more, never less.
     */
    void reached(long sequence) {
        if (sequence > verifiedBelow.get()) {
            verifiedBelow.lazySet(sequence);
        }
    }
}
