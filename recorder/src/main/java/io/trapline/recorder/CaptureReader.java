package io.trapline.recorder;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Opens a capture directory for reading: validates {@code capture.json} and the event queue, and hands out
 * cursors for sequential scans from the start or from a sequence number. Every problem is a
 * {@link CaptureException} with one line naming the file.
 */
public final class CaptureReader implements AutoCloseable {
    private final Path dir;
    private final CaptureMetadata metadata;
    private final Path eventsFile;
    private final SingleChronicleQueue queue;
    /** Where the scans of this reader found documents start: where a scan from a later sequence starts looking. */
    private final ScanCheckpoints checkpoints = new ScanCheckpoints();

    private CaptureReader(Path dir, CaptureMetadata metadata, Path eventsFile, SingleChronicleQueue queue) {
        this.dir = dir;
        this.metadata = metadata;
        this.eventsFile = eventsFile;
        this.queue = queue;
    }

    public static CaptureReader open(Path dir) {
        if (!Files.exists(dir)) {
            throw new CaptureException(dir + ": no such capture (path does not exist)");
        }
        if (!Files.isDirectory(dir)) {
            throw new CaptureException(dir + ": not a capture (a capture is a directory holding capture.json and events/)");
        }
        CaptureMetadata metadata = CaptureMetadata.readFrom(dir);
        Path eventsDir = dir.resolve(EventQueue.DIRECTORY);
        if (!Files.isDirectory(eventsDir)) {
            throw new CaptureException(eventsDir + ": missing (the capture has no event queue)");
        }
        List<Path> files = EventQueue.dataFiles(eventsDir);
        if (files.isEmpty()) {
            if (metadata.events() != null && metadata.events().count() > 0) {
                throw new CaptureException(eventsDir + ": no event files, but capture.json declares "
                        + metadata.events().count() + " events");
            }
            return new CaptureReader(dir, metadata, null, null);
        }
        if (files.size() > 1) {
            throw new CaptureException(eventsDir + ": expected one event file, found " + files.size());
        }
        long length = fileLength(files.get(0));
        if (length == 0) { // the queue writes its header when it makes the file: Chronicle would wait for one
            throw new CaptureException(files.get(0) + ": truncated: the queue file is empty");
        }
        if (length % EventQueue.FILE_GRANULE != 0) {
            throw new CaptureException(files.get(0) + ": truncated: " + length
                    + " bytes is not a whole number of the MiB blocks the queue is written in");
        }
        // The store header is checked here, for every reader: Chronicle reads it only when a tailer is made, reports
        // damage there as an undeclared StreamCorruptedException, and waits for a writer on one that looks half written.
        String damage = storeHeaderDamage(files.get(0));
        if (damage != null) {
            throw damagedHeader(files.get(0), damage, null);
        }
        SingleChronicleQueue queue;
        try {
            queue = EventQueue.open(eventsDir, true);
        } catch (Exception e) { // Chronicle throws checked exceptions undeclared
            Path meta = eventsDir.resolve(EventQueue.METADATA_FILE);
            String why = rootMessage(e);
            if (why.contains(meta.getFileName().toString())) {
                // Chronicle reads a damaged metadata file as one it cannot lock: name the file and what is wrong
                throw new CaptureException(meta + ": the queue's metadata file is damaged or unreadable (" + why + ")", e);
            }
            throw new CaptureException(files.get(0) + ": cannot open event queue: " + why, e);
        }
        // What follows the header's first field is Chronicle's to parse: a tailer does, and fails on garbage there.
        try (ExcerptTailer parsesHeader = queue.createTailer()) {
            parsesHeader.index();
        } catch (Exception e) {
            queue.close();
            // Chronicle's own message says where its parser broke (a null field, a hex dump), not what is wrong
            throw damagedHeader(files.get(0), "its fields after 'header' do not parse as Chronicle Queue's store header",
                    e);
        }
        return new CaptureReader(dir, metadata, files.get(0), queue);
    }

    public Path directory() {
        return dir;
    }

    public CaptureMetadata metadata() {
        return metadata;
    }

    /** The queue file holding the events (for messages), or null when the capture has no events. */
    public Path eventsFile() {
        return eventsFile;
    }

    ScanCheckpoints checkpoints() {
        return checkpoints;
    }

    /** A cursor positioned before the first event. */
    public EventCursor cursor() {
        return cursor(0);
    }

    /**
     * A cursor positioned before the event with sequence {@code fromSequence} (at the end if there is none). Both walk
     * the mapped queue file; one from a later sequence first passes over the documents before the one holding it
     * (see EventCursor), without using Chronicle's index.
     */
    public EventCursor cursor(long fromSequence) {
        return cursor(fromSequence, MappedQueueFile.WINDOW);
    }

    /**
     * A scan from the start that skips the checksum of events another cursor sharing {@code progress} has verified
     * already (see {@link ChecksumProgress}); everything else is checked as usual.
     */
    public EventCursor cursor(ChecksumProgress progress) {
        return new EventCursor(this, queue, 0, MappedQueueFile.WINDOW, progress);
    }

    /** A cursor that reads through Chronicle's tailer even from the start (the reference the mapped scan is tested against). */
    EventCursor tailerCursor() {
        return cursor(0, 0);
    }

    /** A scan from the start that maps {@code window} bytes of the file at a time (0: through the tailer). */
    EventCursor cursor(long fromSequence, long window) {
        if (fromSequence < 0) {
            throw new CaptureException(dir + ": --from must be a sequence number >= 0, got " + fromSequence);
        }
        return new EventCursor(this, queue, fromSequence, window);
    }

    /** Scans the whole capture (verifying every event) and counts events by type, in type order. */
    public Map<EventType, Long> countByType() {
        long[] counts = new long[256];
        try (EventCursor c = cursor()) {
            while (c.next()) {
                counts[c.type().code()]++;
            }
        }
        Map<EventType, Long> out = new EnumMap<>(EventType.class);
        for (EventType t : EventType.values()) {
            if (counts[t.code()] > 0) {
                out.put(t, counts[t.code()]);
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (queue != null) {
            queue.close();
        }
    }

    private static long fileLength(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new CaptureException(file + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    private static CaptureException damagedHeader(Path file, String damage, Throwable cause) {
        return new CaptureException(file + ": not a readable event queue (damaged header: " + damage + ")", cause);
    }

    private static String storeHeaderDamage(Path file) {
        try {
            return MappedQueueFile.storeHeaderDamage(file);
        } catch (java.io.IOException e) {
            throw new CaptureException(file + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.replace('\n', ' ');
    }
}
