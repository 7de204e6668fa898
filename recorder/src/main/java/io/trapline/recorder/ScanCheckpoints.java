package io.trapline.recorder;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Where documents start in a capture's queue file, by the sequence of their first event, as the scans of one reader
 * found them: a scan from a later sequence starts looking for its document at the nearest one before it instead of at
 * the start of the file (replay's look-ahead opens a cursor just past the event it is at, many times). Only documents
 * whose first event verified (checksum, sequence continuity) are recorded, one every {@link #SPACING} events or so.
 */
final class ScanCheckpoints {
    /** Events between two recorded documents, at least. */
    static final long SPACING = 4096;

    private final ConcurrentSkipListMap<Long, Long> offsets = new ConcurrentSkipListMap<>();

    /** Records that the document at file offset {@code offset} starts with the event {@code sequence}. */
    void add(long sequence, long offset) {
        offsets.putIfAbsent(sequence, offset);
    }

    /**
     * The recorded document with the greatest first sequence at most {@code sequence}, as {first sequence, file
     * offset}; {0, 0} (the start of the file) when there is none.
     */
    long[] floor(long sequence) {
        Map.Entry<Long, Long> e = offsets.floorEntry(sequence);
        return e == null ? new long[] {0, 0} : new long[] {e.getKey(), e.getValue()};
    }
}
