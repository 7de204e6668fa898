package io.trapline.recorder;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Appends events to a new capture. One producer thread; appends are allocation-free. {@link #append} writes each
 * event as one Chronicle document; {@link #appendEncoded} puts consecutive events into one document of about
 * {@link #BATCH_BYTES} (Chronicle's cost per document is larger than copying a small event). A document becomes
 * visible to readers only once it is complete, so a writer killed mid-append loses at most the document it was
 * writing. {@code capture.json} is written at creation (status "recording") and again, with the event summary, on
 * {@link #close()}.
 */
public final class CaptureWriter implements EventSink, AutoCloseable {
    /** A batch document is closed once it holds at least this many bytes (events are never split). */
    static final int BATCH_BYTES = 16 << 10;
    /**
     * A batch of {@link #appendEncoded} ends at the first event that starts a group once it holds {@link #BATCH_BYTES}
     * (so that a frame and the DMA reads it was made of share a document), and inside a group only past this size.
     */
    static final int MAX_BATCH_BYTES = 1 << 20;

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    /**
     * The open batch: the events {@link #appendEncoded} took since the last document, laid out as on disk. They go
     * into the queue as one document at {@link #endBatch}, with one copy into Chronicle's mapped memory instead of
     * a call into its bounds-checked API per event and field.
     */
    private byte[] batch;
    private int batchLength;
    /** Sequence and times before the open batch: what is left if writing it fails. */
    private long batchFirstSequence;
    private long firstTimeBeforeBatch;
    private long lastTimeBeforeBatch;
    private CaptureMetadata metadata;
    private final List<String> regions = new ArrayList<>();
    private final Map<String, Integer> regionIndex = new HashMap<>();
    private final long[] countByType = new long[256];
    /** Whether {@link #append} puts consecutive events into shared documents ({@link #createBatched}). */
    private boolean batchAppends;
    private long nextSequence;
    /** Bytes of the events in the queue so far: headers and payloads, not Chronicle's framing or index. */
    private long eventBytes;
    private long firstTime = -1;
    private long lastTime;
    private boolean closed;
    /** The checksum the capture's format version calls for ({@link EventChecksum#usesCrc32c}). */
    private final boolean crc32c;
    /** An event's header laid out for the checksum, when it is written field by field ({@link #append}). */
    private final byte[] header = new byte[EventLayout.HEADER_SIZE];
    /**
     * Whether transmitted frames may be stored as recipes over the DMA reads before them (format 3.0 and later), and
     * the DMA_READ events with a payload in the open batch since the current group started (their offsets in it).
     */
    private final boolean recipes;
    private final FrameRecipe recipe = new FrameRecipe();
    private int[] groupReads = new int[64];
    private int groupReadCount;

    private CaptureWriter(Path dir, CaptureMetadata metadata) {
        this.dir = dir;
        this.metadata = metadata;
        this.crc32c = EventChecksum.usesCrc32c(metadata.format().major());
        this.recipes = metadata.format().major() >= 3;
        if (metadata.regions() != null) {
            for (String name : metadata.regions()) { // regions known up front: capture.json need not be rewritten for them
                regionIndex.put(name, regions.size());
                regions.add(name);
            }
        }
        metadata.writeTo(dir);
        try {
            this.queue = EventQueue.open(dir.resolve(EventQueue.DIRECTORY), false);
        } catch (RuntimeException e) {
            throw new CaptureException(dir.resolve(EventQueue.DIRECTORY) + ": cannot create event queue: " + e.getMessage(), e);
        }
        this.appender = queue.createAppender();
    }

    /** Creates a capture in {@code dir}, which must not exist or be empty. */
    public static CaptureWriter create(Path dir, CaptureMetadata metadata) {
        checkRegions(metadata);
        boolean existed = Files.exists(dir);
        prepareDirectory(dir);
        try {
            return new CaptureWriter(dir, metadata);
        } catch (RuntimeException e) {
            removeUnused(dir, existed); // no event was written: leave the directory as it was (absent or empty)
            throw e;
        }
    }

    /** Deletes what a capture that never got its first event wrote into {@code dir}, and {@code dir} unless kept. */
    static void removeUnused(Path dir, boolean keepDir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir) || !keepDir) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: the failure being reported matters more
        }
    }

    /** Region names given up front must be distinct: an event names its region by index. */
    static void checkRegions(CaptureMetadata metadata) {
        if (metadata.regions() != null && new HashSet<>(metadata.regions()).size() != metadata.regions().size()) {
            throw new IllegalArgumentException("region names are not distinct: " + metadata.regions());
        }
    }

    /**
     * Creates a capture whose {@link #append} puts consecutive events into documents of about {@link #BATCH_BYTES}
     * (the layout recordings have): Chronicle's work per document is paid once per batch, and a scan walks the
     * events inside a document at about twice the speed. A batch becomes readable when it is complete, at
     * {@link #flush} or at {@link #close}; a writer killed meanwhile loses that open batch.
     */
    public static CaptureWriter createBatched(Path dir, CaptureMetadata metadata) {
        CaptureWriter w = create(dir, metadata);
        w.batchAppends = true;
        return w;
    }

    /** Checks that {@code dir} may hold a new capture (absent or empty, not inside a capture) and creates it. */
    static void prepareDirectory(Path dir) {
        CapturePaths.refuseInsideCapture(dir);
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new CaptureException(dir + ": exists and is not a directory");
                }
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new CaptureException(dir + ": directory is not empty (refusing to overwrite)");
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CaptureException(dir + ": cannot create capture directory: " + IoErrors.describe(e), e);
        }
    }

    /** Opens the queue of a capture whose directory {@link #prepareDirectory} accepted. */
    static CaptureWriter createPrepared(Path dir, CaptureMetadata metadata) {
        return new CaptureWriter(dir, metadata);
    }

    public Path directory() {
        return dir;
    }

    public CaptureMetadata metadata() {
        return metadata;
    }

    /** Replaces the metadata (e.g. once negotiated features or BAR addresses are known); written at once. */
    public void updateMetadata(CaptureMetadata updated) {
        metadata = updated.withRegions(regions);
        metadata.writeTo(dir);
    }

    /** The region index for an unmodelled device region name, registering it (and rewriting capture.json) if new. */
    public int region(String name) {
        Integer idx = regionIndex.get(name);
        if (idx != null) {
            return idx;
        }
        if (regions.size() >= 0xFFFF) {
            throw new IllegalStateException("too many regions");
        }
        int i = regions.size();
        regions.add(name);
        regionIndex.put(name, i);
        metadata = metadata.withRegions(regions);
        metadata.writeTo(dir);
        return i;
    }

    /** Appends a header-only event; returns its sequence number. */
    @Override
    public long append(long timeNs, EventType type, int device, int queue, int region, int size, long address, long value) {
        return append(timeNs, type, device, queue, region, size, address, value, 0, null, 0, 0);
    }

    /**
     * Appends an event with an optional payload ({@code payload} may be null when {@code length} is 0).
     * Time must not go backwards. Returns the event's sequence number.
     */
    @Override
    public long append(long timeNs, EventType type, int device, int queue, int region, int size, long address,
                       long value, int flags, byte[] payload, int offset, int length) {
        if (closed) {
            throw new IllegalStateException("capture writer is closed");
        }
        checkEvent(lastTime, timeNs, device, queue, region, size, flags, length);
        if (type == EventType.MARK) {
            phases.note(timeNs, value, payload, offset, length);
        }
        long packed = EventChecksum.packed(type.code(), device, queue, region, size, flags);
        if (batchAppends) {
            int code = type.code();
            int e = startInBatch(code);
            int r = recipeFor(code, payload, offset, length, e);
            byte[] d = batchRoom(EventLayout.HEADER_SIZE + (r >= 0 ? r : length));
            if (r >= 0) {
                EventLayout.putHeader(d, e, nextSequence, timeNs, packed | (long) EventFlags.PAYLOAD_RECIPE << 56,
                        address, value, r); // sealInBatch completes it
                System.arraycopy(recipe.bytes(), 0, d, e + EventLayout.HEADER_SIZE, r);
            } else {
                EventLayout.putHeader(d, e, nextSequence, timeNs, packed, address, value, length);
                if (length > 0) {
                    System.arraycopy(payload, offset, d, e + EventLayout.HEADER_SIZE, length);
                }
                noteRead(code, e, length);
            }
            return sealInBatch(e, timeNs);
        }
        long seq = nextSequence;
        byte[] hd = header;
        EventLayout.putHeader(hd, 0, seq, timeNs, packed, address, value, length);
        EventBytes.putInt(hd, EventLayout.CHECKSUM, EventChecksum.of(crc32c, hd, 0, payload, offset, length));
        endBatch();
        try (DocumentContext dc = appender.writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.write(hd, 0, EventLayout.HEADER_SIZE);
            if (length > 0) {
                b.write(payload, offset, length);
            }
        }
        eventBytes += EventLayout.HEADER_SIZE + length;
        nextSequence = seq + 1;
        countByType[type.code()]++;
        if (firstTime < 0) {
            firstTime = timeNs;
        }
        lastTime = timeNs;
        return seq;
    }

    /**
     * Appends an event already laid out as on disk ({@link EventLayout}) at {@code buf[at..]}, its payload right
     * after the header, but for three fields written into the capture only: the sequence number, the time
     * ({@code timeNs}; the buffer's time field is not read) and the checksum. {@code buf} is only read, so that a
     * ring the recording thread is filling is never written by the writer thread. The fields were checked when the
     * event was encoded; time order is checked again here.
     *
     * <p>Events come in groups: an event that is not a device output (a guest access, a received frame, a mark...)
     * starts one, and the device's outputs after it continue it. A FRAME_TX is stored as a {@link FrameRecipe} over
     * its group's DMA reads when that saves bytes. The batch document is closed at the start of a group once it holds
     * {@link #BATCH_BYTES} (inside one only past {@link #MAX_BATCH_BYTES}), so that a frame and the DMA reads it was
     * made of share a document. Where documents end depends only on the events and on {@link #endBatch} calls, so
     * the same events give the same queue bytes.
     */
    long appendEncoded(byte[] buf, int at, long timeNs) {
        return appendFields(timeNs, EventBytes.getLong(buf, at + EventLayout.TYPE),
                EventBytes.getLong(buf, at + EventLayout.ADDRESS), EventBytes.getLong(buf, at + EventLayout.VALUE),
                buf, at + EventLayout.HEADER_SIZE, EventBytes.getInt(buf, at + EventLayout.PAYLOAD_LENGTH));
    }

    /**
     * As {@link #appendEncoded}, from the header's fields ({@code packed}: type, device, queue, region, size and
     * flags as at {@link EventLayout#TYPE}) and the payload at {@code buf[payloadAt..]}: the asynchronous writer's
     * ring carries only these.
     */
    long appendFields(long timeNs, long packed, long address, long value, byte[] buf, int payloadAt, int length) {
        if (closed) {
            throw new IllegalStateException("capture writer is closed");
        }
        checkTime(lastTime, timeNs); // before it touches the batch: a refused read must not become a recipe source
        int type = (int) packed & 0xFF;
        if (type == MARK) {
            phases.note(timeNs, value, buf, payloadAt, length);
        }
        int e = startInBatch(type);
        int r = recipeFor(type, buf, payloadAt, length, e);
        byte[] d;
        if (r >= 0) {
            d = batchRoom(EventLayout.HEADER_SIZE + r);
            System.arraycopy(recipe.bytes(), 0, d, e + EventLayout.HEADER_SIZE, r);
            packed |= (long) EventFlags.PAYLOAD_RECIPE << 56;
            length = r;
        } else {
            d = batchRoom(EventLayout.HEADER_SIZE + length);
            System.arraycopy(buf, payloadAt, d, e + EventLayout.HEADER_SIZE, length);
            noteRead(type, e, length);
        }
        EventBytes.putLong(d, e + EventLayout.TYPE, packed);
        EventBytes.putLong(d, e + EventLayout.ADDRESS, address);
        EventBytes.putLong(d, e + EventLayout.VALUE, value);
        EventBytes.putInt(d, e + EventLayout.PAYLOAD_LENGTH, length);
        return sealInBatch(e, timeNs);
    }

    /**
     * Where the next event of type {@code type} goes in the batch: a group starts at an event that is not a device
     * output, and the batch is written first if it is full (see {@link #appendEncoded}).
     */
    private int startInBatch(int type) {
        boolean inGroup = DEVICE_OUTPUT[type];
        if (!inGroup ? batchLength >= BATCH_BYTES : batchLength >= MAX_BATCH_BYTES) {
            endBatch();
        }
        if (!inGroup) {
            groupReadCount = 0;
        }
        return batchLength;
    }

    /** The recipe's length ({@link #recipe} holds it) when the event is a frame worth storing so at {@code e}, else -1. */
    private int recipeFor(int type, byte[] payload, int offset, int length, int e) {
        if (!recipes || type != FRAME_TX_CODE || groupReadCount == 0 || length < FrameRecipe.MIN_SAVING) {
            return -1;
        }
        return recipe.encode(payload, offset, length, batchRoom(0), e, groupReads, groupReadCount);
    }

    /** A DMA read stored at {@code e} in the batch: a source for the frames of its group. */
    private void noteRead(int type, int e, int length) {
        if (type == DMA_READ_CODE && length > 0 && recipes) {
            if (groupReadCount == groupReads.length) {
                groupReads = Arrays.copyOf(groupReads, 2 * groupReadCount);
            }
            groupReads[groupReadCount++] = e;
        }
    }

    private static final int FRAME_TX_CODE = EventType.FRAME_TX.code();
    private static final int DMA_READ_CODE = EventType.DMA_READ.code();
    /** By type code: what a device does in answer to an input or a timer of its own (a group goes on through them). */
    private static final boolean[] DEVICE_OUTPUT = new boolean[256];

    static {
        for (EventType t : new EventType[] {EventType.DMA_READ, EventType.DMA_WRITE, EventType.INTX, EventType.MSI,
                EventType.KICK, EventType.FRAME_TX, EventType.RX_READY}) {
            DEVICE_OUTPUT[t.code()] = true;
        }
    }

    /**
     * Completes the event laid out at {@code batch[e..]}, right after the open batch's events: its sequence number,
     * time and checksum, then takes it into the batch (which is written once it holds {@link #BATCH_BYTES}). Callers
     * check the event's time before laying it out.
     */
    private long sealInBatch(int e, long timeNs) {
        byte[] d = batch;
        long packed = EventBytes.getLong(d, e + EventLayout.TYPE);
        int length = EventBytes.getInt(d, e + EventLayout.PAYLOAD_LENGTH);
        long seq = nextSequence;
        EventBytes.putLong(d, e + EventLayout.SEQUENCE, seq);
        EventBytes.putLong(d, e + EventLayout.TIME_NS, timeNs);
        EventBytes.putInt(d, e + EventLayout.CHECKSUM, EventChecksum.of(crc32c, d, e, d, e + EventLayout.HEADER_SIZE, length));
        if (e == 0) {
            batchFirstSequence = seq;
            firstTimeBeforeBatch = firstTime;
            lastTimeBeforeBatch = lastTime;
        }
        batchLength = e + EventLayout.HEADER_SIZE + length;
        nextSequence = seq + 1;
        countByType[(int) packed & 0xFF]++;
        if (firstTime < 0) {
            firstTime = timeNs;
        }
        lastTime = timeNs;
        return seq;
    }

    /** The batch array, grown if it has no room for {@code size} more bytes (a batch ends past BATCH_BYTES). */
    private byte[] batchRoom(int size) {
        if (batch == null) {
            batch = new byte[2 * BATCH_BYTES];
        }
        if (batchLength + size > batch.length) {
            batch = Arrays.copyOf(batch, Math.max(batchLength + size, 2 * batch.length));
        }
        return batch;
    }

    /**
     * Writes the open batch as one document, making its events visible to readers. If that fails, the batch's events
     * are not in the capture, and the count, summary and times go back to before them.
     */
    void endBatch() {
        if (batchLength == 0) {
            return;
        }
        DocumentContext dc = null;
        try {
            dc = appender.writingDocument();
            dc.wire().bytes().write(batch, 0, batchLength);
            dc.close();
            eventBytes += batchLength;
            groupReadCount = 0; // the group's DMA reads are no longer in the batch
        } catch (RuntimeException | Error e) {
            if (dc != null && dc.isOpen()) {
                dc.rollbackOnClose();
                try {
                    dc.close();
                } catch (RuntimeException | Error again) {
                    e.addSuppressed(again);
                }
            }
            forgetBatch();
            throw e;
        }
        batchLength = 0;
    }

    private void forgetBatch() {
        for (int e = 0; e < batchLength; e += EventLayout.HEADER_SIZE + EventBytes.getInt(batch, e + EventLayout.PAYLOAD_LENGTH)) {
            countByType[batch[e + EventLayout.TYPE] & 0xFF]--;
        }
        nextSequence = batchFirstSequence;
        groupReadCount = 0;
        firstTime = firstTimeBeforeBatch;
        lastTime = lastTimeBeforeBatch;
        batchLength = 0;
    }

    /** Throws if an event cannot follow one at {@code previousTimeNs} or a field does not fit its header slot. */
    static void checkEvent(long previousTimeNs, long timeNs, int device, int queue, int region, int size, int flags,
                           int length) {
        checkTime(previousTimeNs, timeNs);
        if ((device & ~0xFF) != 0 || (queue & ~0xFFFF) != 0 || (region & ~0xFFFF) != 0 || (size & ~0xFF) != 0
                || (flags & ~0xFF) != 0 || (flags & EventFlags.PAYLOAD_RECIPE) != 0 || length < 0
                || length > EventLayout.MAX_PAYLOAD) {
            throw new IllegalArgumentException("event field out of range: device " + device + " queue " + queue
                    + " region " + region + " size " + size + " flags " + flags + " payload " + length);
        }
    }

    /** Throws if an event at {@code timeNs} cannot follow one at {@code previousTimeNs}. */
    static void checkTime(long previousTimeNs, long timeNs) {
        if (timeNs < previousTimeNs) {
            throw new IllegalArgumentException("event time " + timeNs + " ns is before the previous event's " + previousTimeNs + " ns");
        }
    }

    /** Events appended so far. */
    public long count() {
        return nextSequence;
    }

    /** Bytes of the events written to the queue so far (headers and payloads; an open batch once it is written). */
    public long eventBytes() {
        return eventBytes;
    }

    public long count(EventType type) {
        return countByType[type.code()];
    }

    /** Records the event summary so far in capture.json (status stays "recording"). */
    public void flush() {
        endBatch();
        metadata = metadata.withEvents(CaptureMetadata.STATUS_RECORDING, summary());
        metadata.writeTo(dir);
    }

    private CaptureMetadata.EventSummary summary() {
        return new CaptureMetadata.EventSummary(nextSequence, Math.max(firstTime, 0), lastTime);
    }

    private static final int MARK = EventType.MARK.code();
    /** The phases the marks appended so far make, for capture.json's event summary once the capture is complete. */
    private final PhaseSpans phases = new PhaseSpans();

    /**
     * Closes the queue after a failure, leaving capture.json at status "recording" with the events appended so
     * far: the capture then reads like one whose writer died, every complete event still readable.
     */
    void closeIncomplete() {
        if (closed) {
            return;
        }
        try {
            endBatch();
        } catch (RuntimeException ignored) {
            // the queue failed: what was complete before stays readable
        }
        closed = true;
        try {
            queue.close();
        } finally {
            flush();
        }
    }

    /** Closes the queue and marks the capture complete in capture.json. */
    @Override
    public void close() {
        close(UnaryOperator.identity());
    }

    /**
     * Closes the queue and marks the capture complete, with {@code update} applied to its metadata first (what is
     * known only at the end, e.g. BAR addresses): capture.json is written once.
     */
    public void close(UnaryOperator<CaptureMetadata> update) {
        if (closed) {
            return;
        }
        try {
            complete(update);
        } finally {
            if (closed) { // not when the update threw: the writer is then still open
                releaseQueue();
            }
        }
    }

    /**
     * Writes the last batch and marks the capture complete (capture.json, with {@code update} applied first); the
     * queue stays open until {@link #releaseQueue}. The capture is whole once this returns: closing the queue only
     * unmaps its files and writes nothing to them (CloseOrderTest checks that), so that can happen later and
     * elsewhere.
     */
    void complete(UnaryOperator<CaptureMetadata> update) {
        if (closed) {
            throw new IllegalStateException("capture writer is closed");
        }
        CaptureMetadata updated = update.apply(metadata).withRegions(regions);
        endBatch();
        closed = true;
        CaptureMetadata.EventSummary events = summary();
        metadata = updated.withEvents(CaptureMetadata.STATUS_COMPLETE, new CaptureMetadata.EventSummary(events.count(),
                events.firstTimeNs(), events.lastTimeNs(), phases.spans(lastTime)));
        metadata.writeTo(dir);
    }

    /** Closes the queue (after {@link #complete}): its files are unmapped. */
    void releaseQueue() {
        queue.close();
    }
}
