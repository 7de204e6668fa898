package io.trapline.recorder;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A sequential scan over a capture's events: a flyweight over Chronicle's mapped bytes. {@link #next()}
 * verifies each event (sequence continuity, known type, length, checksum) and makes it current; the
 * accessors then read fields and payload in place, without copying or allocating.
 *
 * <p>A Chronicle document holds one or more events back to back (format 1.1; 1.0 captures have one per document),
 * so the cursor walks the events inside a document before moving to the next one. A frame stored as a
 * {@link FrameRecipe} (format 3.0) is rebuilt from its document when its payload is first read: readers see the
 * frame, never the recipe.
 */
public final class EventCursor implements CaptureEvent, AutoCloseable {
    private final CaptureReader reader;
    private final ExcerptTailer tailer;
    /** The mapped queue file the scan walks, or null when it reads through the tailer. */
    private final MappedQueueFile file;
    /**
     * A scan from a later sequence: the document it started looking from, {first sequence, file offset} (the start of
     * the file, or one an earlier scan verified), and whether it landed on a later document that has not verified yet.
     */
    private long[] lookedFrom;
    private boolean landed;
    /** The next document whose first event at or after this sequence verifies is recorded (see ScanCheckpoints). */
    private long nextCheckpoint;
    private DocumentContext document;
    private Bytes<?> bytes;
    /** Offset of the current event in {@code bytes} (when {@code native0} is 0). */
    private long base;
    /** Native address of the current event when its document is contiguous in mapped memory, else 0. */
    private long native0;
    /** Bytes of the current document after the current event: the next events of the same document. */
    private long documentLeft;
    /** Events before this sequence are verified but skipped (a cursor positioned inside a document). */
    private final long fromSequence;
    private long expectedSequence;
    /** Shared with cursors scanning the same capture at the same time (null: this cursor checksums every event). */
    private final ChecksumProgress shared;
    /** Events below this sequence were checksummed by another cursor (the shared mark, as last read). */
    private long checkedElsewhereBelow;
    /** This cursor's own checksummed progress is published when it reaches this sequence. */
    private long publishAt;
    private boolean started;
    private long read;
    private long checksummedHere;
    /**
     * In an incomplete capture, a document that cannot be read at or after this sequence ends the scan: capture.json's
     * count (0 without one), the events its writer had written whole when it last recorded it. Long.MAX_VALUE in a
     * complete capture, where every unreadable document is corruption.
     */
    private final long unreadableEndsFrom;
    /**
     * A complete capture's declared event count (Long.MAX_VALUE otherwise): an event at or past it means capture.json
     * and the queue disagree, as fewer events than it declares do ({@link #endOfEvents}).
     */
    private final long declaredCount;
    /**
     * In a complete capture, the device indexes capture.json declares (an access or device event naming another is an
     * error); null in an incomplete one, whose writer may not have declared its devices yet (an import does so last).
     */
    private final boolean[] declaredDevices;
    /** Why this scan ended before the queue file's readable end (an incomplete capture's unreadable tail), or null. */
    private UnreadableEventsException unreadableEnd;
    /** See {@link #raisePendingFault()}: a field, so that no compiler takes the length for a constant. */
    private int faultProbeLength = 1;
    private Object faultProbe;
    /** The checksum the capture's format version calls for ({@link EventChecksum#usesCrc32c}). */
    private final boolean crc32c;
    /** The current event's bytes, copied for the CRC (grown to the largest event seen). */
    private byte[] scratch = new byte[EventLayout.HEADER_SIZE + 2048];

    private long sequence;
    private long timeNs;
    private EventType type;
    private long packed;
    private long address;
    private long value;
    /** The payload as readers see it, and as stored (they differ for a frame stored as a recipe). */
    private int payloadLength;
    private int storedLength;
    /** Whether the capture's format may store frames as recipes, and whether the current event is one. */
    private final boolean recipes;
    private boolean recipe;
    /** The current recipe's frame, once rebuilt ({@code frameReady}); the recipe's bytes while rebuilding. */
    private byte[] frame = new byte[2048];
    private boolean frameReady;
    private byte[] recipeBytes = new byte[256];
    /** Offset of the current event from the start of its document (what a recipe may copy from). */
    private long eventOffset;
    /** The current document as a recipe sees it: the bytes before the current event. */
    private final FrameRecipe.Document recipeSources = new FrameRecipe.Document() {
        @Override
        public long bytesBefore() {
            return eventOffset;
        }

        @Override
        public int readInt(long relative) {
            return EventCursor.this.readInt(relative);
        }

        @Override
        public void read(long relative, byte[] dst, int off, int len) {
            readInto(relative, dst, off, len);
        }

        @Override
        public boolean isSource(long back) {
            return Arrays.binarySearch(readOffsets, 0, readCount, eventOffset - back) >= 0;
        }
    };
    /**
     * Offsets in the current document of the dma_read events before the current one that a recipe may copy from
     * (stored whole, with a payload), in ascending order: a recipe pointing anywhere else is corrupt.
     */
    private long[] readOffsets = new long[64];
    private int readCount;

    EventCursor(CaptureReader reader, SingleChronicleQueue queue, long fromSequence, long window) {
        this(reader, queue, fromSequence, window, null);
    }

    EventCursor(CaptureReader reader, SingleChronicleQueue queue, long fromSequence, long window,
                ChecksumProgress shared) {
        this.reader = reader;
        this.crc32c = EventChecksum.usesCrc32c(reader.metadata().format().major());
        this.recipes = reader.metadata().format().major() >= 3;
        this.shared = shared;
        this.fromSequence = fromSequence;
        CaptureMetadata meta = reader.metadata();
        this.unreadableEndsFrom = meta.complete() ? Long.MAX_VALUE : meta.events() == null ? 0 : meta.events().count();
        this.declaredCount = meta.complete() && meta.events() != null ? meta.events().count() : Long.MAX_VALUE;
        if (meta.complete()) {
            declaredDevices = new boolean[256];
            for (CaptureMetadata.DeviceInfo d : meta.devices()) {
                declaredDevices[d.index()] = true; // 0..255: CaptureMetadata.readFrom checks
            }
        } else {
            declaredDevices = null;
        }
        this.file = queue != null && window > 0 ? MappedQueueFile.open(reader.eventsFile(), window) : null;
        if (queue == null || file != null) {
            this.tailer = null;
            if (file != null && fromSequence > 0) {
                lookFor(fromSequence);
            }
            return;
        }
        // The file cannot be mapped (or a test reads through the tailer): Chronicle's tailer reads it from the start,
        // and the events before fromSequence are verified and skipped.
        try {
            this.tailer = queue.createTailer();
        } catch (Exception e) { // Chronicle throws checked exceptions undeclared
            throw new CaptureException(reader.eventsFile() + ": not a readable event queue (Chronicle Queue cannot read it)",
                    e);
        }
    }

    /**
     * Moves the scan to the last document whose first event's sequence is at most {@code sequence}: from the nearest
     * document before it that a scan of this reader verified (else the start of the file), it passes over documents
     * reading only their first event's sequence, until one starts past {@code sequence}. Chronicle's index of the queue
     * is not used: it is not checked by anything, and a damaged one sends Chronicle's tailer to the wrong place or makes
     * it map memory for positions far past the end of the file. The document landed on is verified when read, with
     * the events after it; when it does not verify (a damaged document header sent the walk astray), {@link #next}
     * reads from where the walk started instead, so that damage is reported where it is.
     */
    private void lookFor(long sequence) {
        lookedFrom = reader.checkpoints().floor(sequence);
        long first = lookedFrom[0];
        long at = lookedFrom[1];
        file.seek(at);
        try {
            UnsafeMemory m = UnsafeMemory.MEMORY;
            boolean moved = false;
            while (file.next() >= EventLayout.HEADER_SIZE) {
                long s = m.readLong(file.address() + EventLayout.SEQUENCE);
                if (s > sequence || (moved ? s <= first : s < first)) {
                    break; // past it, or out of order (damaged): the scan from the last document finds out which
                }
                first = s;
                at = file.offset();
                moved = true;
            }
            raisePendingFault();
        } catch (RuntimeException | InternalError e) {
            // a document running past the end, a read fault: the scan from the last document reaches it and says so
        }
        landed = at != lookedFrom[1];
        file.seek(at);
        expectedSequence = first;
        nextCheckpoint = first;
    }

    /** Back to where {@link #lookFor} started looking: the document it landed on did not verify. */
    private boolean readFromWhereItLooked() {
        closeDocument();
        landed = false;
        native0 = 0;
        unreadableEnd = null;
        file.seek(lookedFrom[1]);
        expectedSequence = lookedFrom[0];
        nextCheckpoint = lookedFrom[0];
        return nextEvent();
    }

    /**
     * Moves to the next event; false at the end of the capture. Throws {@link CaptureException} on corruption. In an
     * incomplete capture, an event past the ones capture.json declares that cannot be read (a document that does not
     * verify or runs past the end of the file, mapped memory that faults) is the end: its writer failed or died
     * there ({@link #unreadableTail()}).
     */
    public boolean next() {
        if (!landed) {
            return nextEvent();
        }
        boolean found;
        try {
            found = nextEvent();
        } catch (RuntimeException | InternalError e) {
            if (started) {
                throw e; // the landing verified: what failed after it is where it is
            }
            return readFromWhereItLooked();
        }
        if (!found && !started) {
            return readFromWhereItLooked();
        }
        landed = false;
        return found;
    }

    private boolean nextEvent() {
        try {
            while (true) {
                if (!step()) {
                    return false;
                }
                if (sequence >= fromSequence) {
                    if (unreadableEndsFrom != Long.MAX_VALUE) {
                        // An incomplete capture's file may end under the mapping. A read that faulted leaves the bytes
                        // it was copying into as they were, and an event can verify on them (the one before held the
                        // same): the fault, still pending, ends the scan at this event, not in the caller's code.
                        try {
                            raisePendingFault();
                        } catch (InternalError f) {
                            expectedSequence = sequence; // this event is the unreadable one
                            return endAtFault(f);
                        }
                    }
                    read++;
                    return true;
                }
            }
        } catch (UnreadableEventsException e) {
            return endAtUnreadable(e);
        } catch (InternalError e) {
            // a read fault surfaces a little after the read (see raisePendingFault): anywhere in the step
            return endAtFault(e);
        }
    }

    /** Ends the scan at an unreadable event of an incomplete capture past the ones it declares; else throws. */
    private boolean endAtUnreadable(UnreadableEventsException e) {
        closeDocument();
        try {
            raisePendingFault();
        } catch (InternalError f) {
            return endAtFault(f); // the event read as garbage because reading it faulted
        }
        if (expectedSequence < unreadableEndsFrom) {
            throw e;
        }
        native0 = 0;
        unreadableEnd = e;
        return false;
    }

    /** The same for a fault reading the event; an InternalError that is not a read fault is an error in any capture. */
    private boolean endAtFault(InternalError f) {
        closeDocument();
        CaptureException c = truncated(f);
        if (!(c instanceof UnreadableEventsException u) || expectedSequence < unreadableEndsFrom) {
            throw c;
        }
        native0 = 0;
        unreadableEnd = u;
        return false;
    }

    /**
     * Has the JVM throw a read fault it holds for this thread. A read of mapped memory whose page cannot be read (the
     * file is shorter than the mapping, or its device fails) does not throw where it happens: the JVM skips the read
     * (a load gives garbage) and throws an InternalError about an "unsafe memory access" at the thread's next return
     * from the VM into Java code. Such a fault would otherwise surface in the caller, after this cursor has reported
     * the garbage as an unreadable event or the end of the events. Allocating a two-dimensional array of a size the
     * compilers cannot know calls into the VM in the interpreter and in compiled code alike: a fault from the reads
     * before it is thrown there.
     */
    private void raisePendingFault() {
        faultProbe = new byte[faultProbeLength][0];
    }

    /**
     * Where this scan of an incomplete capture ended, when its queue file stops being readable after the events
     * capture.json declares: the capture, the number of events before that end (the sequence of the first unreadable
     * one) and what is unreadable there, for a reader to warn that the capture ends early; null when the scan ended
     * where the events end.
     */
    public UnreadableTail unreadableTail() {
        return unreadableEnd == null ? null : new UnreadableTail(reader.directory(), expectedSequence, unreadableEnd.reason());
    }

    /** The next event, in the current document or the next one. */
    private boolean step() {
        if (documentLeft > 0) {
            long size = EventLayout.HEADER_SIZE + storedLength;
            eventOffset += size;
            try {
                if (native0 != 0) {
                    native0 += size;
                } else {
                    base += size;
                }
                return verify(documentLeft);
            } catch (RuntimeException | InternalError e) {
                throw unreadable(e);
            }
        }
        closeDocument();
        eventOffset = 0;
        readCount = 0;
        if (unreadableEnd != null) {
            return false;
        }
        if (file != null) {
            return nextInFile();
        }
        if (tailer == null) {
            return endOfEvents();
        }
        try {
            document = tailer.readingDocument();
            if (!document.isPresent()) {
                closeDocument();
                return endOfEvents();
            }
            bytes = document.wire().bytes();
            base = bytes.readPosition();
            long length = bytes.readRemaining();
            native0 = nativeAddress(length);
            return verify(length);
        } catch (Exception | InternalError e) { // Exception: Chronicle's undeclared checked ones too
            throw unreadable(e);
        }
    }

    /** Closes the current document and turns a failure while reading it into the error to report. */
    private CaptureException unreadable(Throwable e) {
        closeDocument();
        if (e instanceof CaptureException c) {
            return c;
        }
        if (e instanceof InternalError f) {
            return truncated(f);
        }
        return corrupt("unreadable event (" + CaptureReader.rootMessage(e) + ")");
    }

    /**
     * Mapped memory that cannot be read faults (the JVM throws an InternalError about an "unsafe memory access"): the
     * file is shorter than the queue expects, or its pages there are not backed.
     */
    private CaptureException truncated(InternalError e) {
        UnreadableEventsException u = corrupt(expectedSequence, "unreadable: the queue file is damaged or truncated", e);
        return IoErrors.isMappedMemoryFault(e) ? u : new CaptureException(u.getMessage(), e);
    }

    /** The fast path: the next data document straight from the mapped queue file. */
    private boolean nextInFile() {
        int length;
        try {
            length = file.next();
        } catch (InternalError e) {
            throw truncated(e);
        }
        if (length < 0) {
            native0 = 0;
            return endOfEvents();
        }
        native0 = file.address();
        boolean found;
        try {
            found = verify(length);
        } catch (InternalError e) {
            throw truncated(e);
        }
        if (sequence >= nextCheckpoint && sequence < unreadableEndsFrom) { // a fault in it is an error, not an end
            reader.checkpoints().add(sequence, file.offset());
            nextCheckpoint = sequence + ScanCheckpoints.SPACING;
        }
        return found;
    }

    /**
     * Reads the event at {@code native0} (else at {@code base} in {@code bytes}), the first of the {@code length}
     * bytes left in its document, verifies it and makes it current.
     */
    private boolean verify(long length) {
        if (length < EventLayout.HEADER_SIZE) {
            documentLeft = 0;
            throw corrupt("event of " + length + " bytes is shorter than the " + EventLayout.HEADER_SIZE + "-byte header");
        }
        int checksum;
        if (native0 != 0) {
            // The hot path: fields straight from mapped memory (the event lies in one mapped chunk).
            UnsafeMemory m = UnsafeMemory.MEMORY;
            sequence = m.readLong(native0 + EventLayout.SEQUENCE);
            timeNs = m.readLong(native0 + EventLayout.TIME_NS);
            packed = m.readLong(native0 + EventLayout.TYPE);
            address = m.readLong(native0 + EventLayout.ADDRESS);
            value = m.readLong(native0 + EventLayout.VALUE);
            storedLength = m.readInt(native0 + EventLayout.PAYLOAD_LENGTH);
            checksum = m.readInt(native0 + EventLayout.CHECKSUM);
        } else {
            sequence = bytes.readLong(base + EventLayout.SEQUENCE);
            timeNs = bytes.readLong(base + EventLayout.TIME_NS);
            packed = bytes.readLong(base + EventLayout.TYPE);
            address = bytes.readLong(base + EventLayout.ADDRESS);
            value = bytes.readLong(base + EventLayout.VALUE);
            storedLength = bytes.readInt(base + EventLayout.PAYLOAD_LENGTH);
            checksum = bytes.readInt(base + EventLayout.CHECKSUM);
        }
        if (storedLength < 0 || storedLength > length - EventLayout.HEADER_SIZE) {
            documentLeft = 0;
            throw corrupt("payload length " + storedLength + " does not fit the " + length + " bytes left in its document");
        }
        documentLeft = length - EventLayout.HEADER_SIZE - storedLength;
        boolean checksummed = !checkedElsewhere();
        if (checksummed) {
            checksummedHere++;
            if (computedChecksum() != checksum) {
                documentLeft = 0;
                throw corrupt("checksum mismatch (the event's bytes were altered)");
            }
        }
        if (started || expectedSequence > 0) {
            if (sequence != expectedSequence) {
                documentLeft = 0;
                throw corrupt("sequence " + sequence + " where " + expectedSequence + " was expected");
            }
        } else if (sequence != 0) {
            documentLeft = 0;
            throw corrupt("first event has sequence " + sequence + ", expected 0");
        }
        type = EventType.ofCode((int) (packed & 0xFF));
        if (type == null) {
            documentLeft = 0;
            throw corrupt("unknown event type code " + (packed & 0xFF));
        }
        if (sequence >= declaredCount) {
            documentLeft = 0;
            throw new CaptureException(metadataFile() + ": declares " + declaredCount + " events but the queue holds more"
                    + " (an event with sequence " + sequence + " follows)");
        }
        if (declaredDevices != null && type.role() != EventType.Role.SOURCE && !declaredDevices[device()]) {
            documentLeft = 0;
            throw new CaptureException(metadataFile() + ": the event at sequence " + sequence + " (" + type.label()
                    + ") names device " + device() + ", which 'devices' does not declare");
        }
        payloadLength = storedLength;
        recipe = recipes && (packed >>> 56 & EventFlags.PAYLOAD_RECIPE) != 0;
        if (recipe) {
            frameReady = false;
            int n = storedLength >= 4 ? readInt(EventLayout.HEADER_SIZE) : -1;
            if (type != EventType.FRAME_TX || n < 0 || n > EventLayout.MAX_PAYLOAD) {
                documentLeft = 0;
                throw corrupt(type != EventType.FRAME_TX ? "a " + type + " event is stored as a frame recipe"
                        : "frame recipe declares " + n + " bytes");
            }
            payloadLength = n;
        } else if (recipes && type == EventType.DMA_READ && storedLength > 0) {
            if (readCount == readOffsets.length) {
                readOffsets = Arrays.copyOf(readOffsets, 2 * readCount);
            }
            readOffsets[readCount++] = eventOffset;
        }
        started = true;
        expectedSequence = sequence + 1;
        if (checksummed && shared != null && expectedSequence >= publishAt) {
            shared.reached(expectedSequence);
            publishAt = expectedSequence + ChecksumProgress.PUBLISH_EVERY;
        }
        return true;
    }

    /** The checksum of the current event's bytes, as its capture's format computes it. */
    private int computedChecksum() {
        if (crc32c) {
            // The CRC runs over a copy: the JDK's intrinsic takes arrays (or direct buffers), not a mapped address.
            // The header is laid out again from the fields already read; only a payload is copied.
            int stored = storedLength;
            int size = EventLayout.HEADER_SIZE + stored;
            if (scratch.length < size) {
                scratch = new byte[Math.max(size, scratch.length * 2)];
            }
            byte[] s = scratch;
            EventLayout.putHeader(s, 0, sequence, timeNs, packed, address, value, stored);
            if (stored > 0) {
                if (native0 != 0) {
                    UnsafeMemory.MEMORY.readBytes(native0 + EventLayout.HEADER_SIZE, s, EventLayout.HEADER_SIZE, stored);
                } else {
                    bytes.read(base + EventLayout.HEADER_SIZE, s, EventLayout.HEADER_SIZE, stored);
                }
            }
            return EventChecksum.crc32c(s, 0, s, EventLayout.HEADER_SIZE, stored);
        }
        long h = EventChecksum.header(sequence, timeNs, packed, address, value, storedLength);
        if (storedLength > 0) {
            h = native0 != 0 ? EventChecksum.payload(h, native0 + EventLayout.HEADER_SIZE, storedLength)
                    : EventChecksum.payload(h, bytes, base + EventLayout.HEADER_SIZE, storedLength);
        }
        return EventChecksum.fold(h);
    }

    /** Whether another cursor sharing {@link #shared} has checksummed the event this one is about to read. */
    private boolean checkedElsewhere() {
        if (shared == null) {
            return false;
        }
        if (expectedSequence < checkedElsewhereBelow) {
            return true;
        }
        checkedElsewhereBelow = shared.verifiedBelow();
        return expectedSequence < checkedElsewhereBelow;
    }

    private long nativeAddress(long length) {
        try {
            return bytes.addressForRead(base, (int) length);
        } catch (UnsupportedOperationException | java.nio.BufferUnderflowException e) {
            return 0;
        }
    }

    private boolean endOfEvents() {
        raisePendingFault(); // a header that read as 0 because reading it faulted is not the end of the events
        CaptureMetadata meta = reader.metadata();
        if (meta.complete() && meta.events() != null && expectedSequence < meta.events().count()
                && (started || expectedSequence == 0)) {
            String where = reader.eventsFile() != null ? reader.eventsFile().toString() : reader.directory() + "/events";
            throw new CaptureException(where + ": truncated: capture.json declares " + meta.events().count()
                    + " events but the queue ends after " + expectedSequence);
        }
        return false;
    }

    private Path metadataFile() {
        return reader.directory().resolve(CaptureMetadata.FILE_NAME);
    }

    private UnreadableEventsException corrupt(String what) {
        return corrupt(expectedSequence, what, null);
    }

    private UnreadableEventsException corrupt(long at, String what) {
        return corrupt(at, what, null);
    }

    private UnreadableEventsException corrupt(long at, String what, Throwable cause) {
        String where = reader.eventsFile() != null ? reader.eventsFile().toString() : reader.directory().toString();
        String index = tailer != null ? String.format(" (queue index 0x%x)", tailer.index())
                : file != null ? String.format(" (queue index 0x%x, file offset %d)", at, file.offset()) : "";
        return new UnreadableEventsException(where, "corrupt event at sequence " + at + index + ": " + what, cause);
    }

    /**
     * An error naming the current event as corrupt, as a scan names one (file, sequence, where in the file), for a
     * reader that finds its fields contradict each other ({@link EventConsistency}).
     */
    public CaptureException corruptEvent(String what) {
        return new CaptureException(corrupt(sequence, what).getMessage());
    }

    /** The int at {@code relative} bytes from the current event's header. */
    private int readInt(long relative) {
        return native0 != 0 ? UnsafeMemory.MEMORY.readInt(native0 + relative) : bytes.readInt(base + relative);
    }

    /** Copies {@code len} bytes from {@code relative} bytes after the current event's header (before it if negative). */
    private void readInto(long relative, byte[] dst, int off, int len) {
        if (native0 != 0) {
            UnsafeMemory.MEMORY.copyMemory(native0 + relative, dst, sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET + off, len);
        } else {
            bytes.read(base + relative, dst, off, len);
        }
    }

    /** Rebuilds the current recipe's frame (once per event); a recipe that does not add up is reported as corruption. */
    private void rebuildFrame() {
        if (frameReady) {
            return;
        }
        if (recipeBytes.length < storedLength) {
            recipeBytes = new byte[Math.max(storedLength, 2 * recipeBytes.length)];
        }
        readInto(EventLayout.HEADER_SIZE, recipeBytes, 0, storedLength);
        if (frame.length < payloadLength) {
            frame = new byte[Math.max(payloadLength, 2 * frame.length)];
        }
        String wrong = FrameRecipe.decode(recipeBytes, storedLength, recipeSources, frame);
        if (wrong != null) {
            throw corrupt(sequence, wrong);
        }
        frameReady = true;
    }

    private void closeDocument() {
        documentLeft = 0;
        if (document != null) {
            DocumentContext d = document;
            document = null;
            bytes = null;
            d.close();
        }
    }

    /** Events whose checksum this cursor computed (the others were verified by a cursor sharing its progress). */
    long eventsChecksummed() {
        return checksummedHere;
    }

    /** Events returned by {@link #next()} so far. */
    public long eventsRead() {
        return read;
    }

    @Override
    public void close() {
        closeDocument();
        native0 = 0;
        if (tailer != null) {
            tailer.close();
        }
        if (file != null) {
            file.close();
        }
    }

    /** File offset of the current event's document header when this scan walks the mapped file, else -1. */
    long fileOffset() {
        return file != null ? file.offset() : -1;
    }

    /** Whether this scan walks the mapped queue file (else Chronicle's tailer): for tests. */
    boolean readsMappedFile() {
        return file != null;
    }

    @Override
    public long sequence() {
        return sequence;
    }

    @Override
    public long timeNs() {
        return timeNs;
    }

    @Override
    public EventType type() {
        return type;
    }

    @Override
    public int device() {
        return (int) (packed >>> 8) & 0xFF;
    }

    @Override
    public int queue() {
        return (int) (packed >>> 16) & 0xFFFF;
    }

    @Override
    public int region() {
        return (int) (packed >>> 32) & 0xFFFF;
    }

    @Override
    public int size() {
        return (int) (packed >>> 48) & 0xFF;
    }

    @Override
    public int flags() {
        return (int) (packed >>> 56) & (recipes ? 0xFF & ~EventFlags.PAYLOAD_RECIPE : 0xFF);
    }

    @Override
    public long address() {
        return address;
    }

    @Override
    public long value() {
        return value;
    }

    @Override
    public int payloadLength() {
        return payloadLength;
    }

    /** Bytes the payload takes in the capture: fewer than {@link #payloadLength} for a frame stored as a recipe. */
    public int storedPayloadLength() {
        return storedLength;
    }

    /** Whether the current event is a frame stored as a recipe over the DMA reads before it (format 3.0). */
    public boolean storedAsRecipe() {
        return recipe;
    }

    @Override
    public byte payloadByte(int i) {
        if (i < 0 || i >= payloadLength) {
            throw new IndexOutOfBoundsException(i);
        }
        if (recipe) {
            rebuildFrame();
            return frame[i];
        }
        return native0 != 0 ? UnsafeMemory.MEMORY.readByte(native0 + EventLayout.HEADER_SIZE + i)
                : bytes.readByte(base + EventLayout.HEADER_SIZE + i);
    }

    @Override
    public int copyPayload(byte[] dst, int off) {
        if (off < 0 || off + payloadLength > dst.length) {
            throw new IndexOutOfBoundsException("payload of " + payloadLength + " bytes at " + off + " in " + dst.length);
        }
        if (recipe) {
            rebuildFrame();
            System.arraycopy(frame, 0, dst, off, payloadLength);
            return payloadLength;
        }
        if (file != null && native0 == 0) {
            throw new IllegalStateException("no current event");
        }
        readInto(EventLayout.HEADER_SIZE, dst, off, payloadLength); // where the current event is, in any document
        return payloadLength;
    }
}
