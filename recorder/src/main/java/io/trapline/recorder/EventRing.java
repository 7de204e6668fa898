package io.trapline.recorder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.SoftReference;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bounded single-producer/single-consumer ring of events in one preallocated byte array: the recording thread
 * copies each event in, the writer thread takes them out in the same order. A record never wraps around the end
 * of the array (a skip marker sends the reader back to the start instead), so its payload can be handed on in
 * place. Positions only grow; a record's offset in the array is its position modulo the capacity. While the
 * consumer keeps up, a lap ends early, after the hot window (a skip marker there too): the bytes both threads touch
 * then stay few enough for the caches, and the rest of the array is room for the consumer's slow moments.
 *
 * <p>Record layout (little-endian, 8-byte aligned): size (u32, whole record including padding; {@link #SKIP}
 * sends the reader to the start of the array), the payload's length (u32, with {@link #TAKES_INPUT_TIME} in bit
 * 31), the header fields the recording thread knows (type, device, queue, region, size and flags packed as in
 * {@link EventLayout}, address, value), the time unless {@link #TAKES_INPUT_TIME}, then the payload. The writer
 * thread lays the stored header out from these and adds the sequence number and checksum. No slot is carried for
 * what the recording thread does not write: a record of a 2-byte DMA read takes 40 bytes instead of 64, so fewer
 * cache lines pass from one core to the other (docs/benchmarks.md, fourteenth round). The writer thread only
 * reads the ring, so no cache line of it is written by both threads.
 */
final class EventRing {
    static final int SIZE = 0;
    /** u32: the payload's length, and {@link #TAKES_INPUT_TIME}. */
    static final int LENGTH = 4;
    /**
     * Bit of {@link #LENGTH}: an output held behind its input, which takes the input's time (the writer thread puts
     * it in the capture); its record has no time slot.
     */
    static final int TAKES_INPUT_TIME = 1 << 31;
    /** u64: type, device, queue, region, size and flags, as at {@link EventLayout#TYPE}. */
    static final int PACKED = 8;
    static final int ADDRESS = 16;
    static final int VALUE = 24;
    /** u64: the time, in a record without {@link #TAKES_INPUT_TIME}; its payload follows. */
    static final int TIME = 32;
    /** Where the payload starts in a record with a time, and in one without. */
    static final int TIMED_PAYLOAD = 40;
    static final int UNTIMED_PAYLOAD = 32;
    static final int SKIP = -1;

    final byte[] buffer;
    private final int mask;
    /**
     * The hot window: while the consumer keeps up, the producer goes back to the start of the array once a lap
     * passes this many bytes, so the records it writes and the consumer reads stay in a part of the array that
     * fits the caches; when the consumer falls behind, the lap goes on into the rest of the array instead of waiting.
     */
    private final int hot;

    /**
     * Producer side: where the next record goes, and the consumer's position as last seen. Written for every event,
     * so kept off the cache line of the fields above, which the consumer reads for every record.
     */
    private final Cursor cursor = new Cursor();

    private final Position published = new Position();
    private final Position consumed = new Position();

    /**
     * The array of the last ring given back ({@link #recycle}), for the next ring of its size: zeroing a new array
     * costs the recording thread time per capture (1–5 ms for a 16 MiB one, the more, the more the run has pushed
     * the heap out of the caches), and nothing depends on its contents, since every record is written in full
     * before it is published.
     * Held softly, so the collector can take it back when memory runs short.
     */
    private static final AtomicReference<SoftReference<byte[]>> SPARE = new AtomicReference<>();

    EventRing(int capacity) {
        this(capacity, capacity);
    }

    /** A ring of {@code capacity} bytes whose laps end after {@code hotBytes} while the consumer keeps up. */
    EventRing(int capacity, int hotBytes) {
        if (Integer.bitCount(capacity) != 1 || capacity < 2 * recordSize(EventLayout.MAX_PAYLOAD)) {
            throw new IllegalArgumentException("ring capacity " + capacity + " must be a power of two of at least twice the largest event");
        }
        if (hotBytes <= 0 || hotBytes > capacity) {
            throw new IllegalArgumentException("hot window " + hotBytes + " must be positive and at most the ring capacity " + capacity);
        }
        this.hot = hotBytes;
        SoftReference<byte[]> spare = SPARE.getAndSet(null);
        byte[] reused = spare == null ? null : spare.get();
        this.buffer = reused != null && reused.length == capacity ? reused : new byte[capacity];
        this.mask = capacity - 1;
    }

    /** Gives the array to the next ring made; only once neither thread will touch this ring again. */
    void recycle() {
        SPARE.set(new SoftReference<>(buffer));
    }

    /** Bytes of a record with a time and {@code payloadLength} payload bytes. */
    static int recordSize(int payloadLength) {
        return (TIMED_PAYLOAD + payloadLength + 7) & ~7;
    }

    /** Bytes of a record that takes its input's time ({@link #TAKES_INPUT_TIME}). */
    static int outputRecordSize(int payloadLength) {
        return (UNTIMED_PAYLOAD + payloadLength + 7) & ~7;
    }

    /**
     * The size of the record at {@code offset}. Throws if it is not one a claim can have made (the ring written out of
     * turn), so that no reader stays on one record for ever.
     */
    int sizeAt(int offset) {
        int size = getInt(offset + SIZE);
        if (size < UNTIMED_PAYLOAD || (size & 7) != 0 || size > buffer.length - offset) {
            throw new IllegalStateException("event ring: the record at offset " + offset + " has a size of " + size
                    + " bytes, which no claim makes");
        }
        return size;
    }

    /** The payload's length of the record at {@code offset}. */
    int payloadLength(int offset) {
        return getInt(offset + LENGTH) & ~TAKES_INPUT_TIME;
    }

    /** Where the payload of the record at {@code offset} starts. */
    int payloadAt(int offset) {
        return offset + ((getInt(offset + LENGTH) & TAKES_INPUT_TIME) != 0 ? UNTIMED_PAYLOAD : TIMED_PAYLOAD);
    }

    int capacity() {
        return buffer.length;
    }

    int hotBytes() {
        return hot;
    }

    // --- producer ---

    /**
     * Claims room for a record of {@code size} bytes (from {@link #recordSize}) and returns its offset in
     * {@link #buffer}, or -1 when the consumer has not yet freed enough room. Nothing is visible to the consumer
     * before {@link #publish()}.
     */
    int claim(int size) {
        return claim(size, true);
    }

    /**
     * As {@link #claim(int)}; {@code mayWrapEarly} false keeps the record right behind the one before it unless the
     * array ends (records held back together count their room in positions, see {@link #head()}).
     */
    int claim(int size, boolean mayWrapEarly) {
        Cursor c = cursor;
        long head = c.head;
        int offset = (int) (head & mask);
        int skip = 0;
        if (offset + size > buffer.length) {
            skip = buffer.length - offset;
        } else if (offset + size > hot && mayWrapEarly && consumerNear(c, head) && head - offset + size <= c.tailSeen) {
            skip = buffer.length - offset; // the consumer has left the lap's start: back to the hot window
        }
        long needed = head + skip + size - buffer.length;
        if (needed > c.tailSeen) {
            c.tailSeen = consumed.getAcquire();
            if (needed > c.tailSeen) {
                return -1;
            }
        }
        if (skip > 0) {
            putInt(offset + SIZE, SKIP);
            head += skip;
            offset = 0;
        }
        putInt(offset + SIZE, size);
        c.head = head + size;
        return offset;
    }

    /**
     * Whether the consumer is within the hot window's half behind {@code head}. Past the hot window this is asked at
     * every claim; the consumer's position is read again only every {@link #LOOK_EVERY} bytes, since reading it
     * moves a cache line the consumer writes.
     */
    private boolean consumerNear(Cursor c, long head) {
        if (head - c.tailSeen <= hot >> 1) {
            return true;
        }
        if (head < c.nextLook) {
            return false;
        }
        c.nextLook = head + LOOK_EVERY;
        c.tailSeen = consumed.getAcquire();
        return head - c.tailSeen <= hot >> 1;
    }

    private static final int LOOK_EVERY = 4 << 10;

    /** Where the next claim starts. */
    long head() {
        return cursor.head;
    }

    /** Drops every record claimed at or after {@code position}, which must not have been published. */
    void rewind(long position) {
        if (position < published.getPlain() || position > cursor.head) {
            throw new IllegalStateException("cannot rewind to " + position + " (published " + published.getPlain() + ", head " + cursor.head + ")");
        }
        cursor.head = position;
    }

    /** Makes every record claimed so far visible to the consumer. */
    void publish() {
        published.setRelease(cursor.head);
    }

    /** True when the consumer has taken every published record. */
    boolean drained() {
        return consumed.getAcquire() == published.getPlain();
    }

    // --- consumer ---

    /** The producer's published position: records before it may be read. */
    long readLimit() {
        return published.getAcquire();
    }

    /** The offset of {@code position} in {@link #buffer}. */
    int offsetOf(long position) {
        return (int) (position & mask);
    }

    /**
     * Where the record at {@code position} starts: {@code position} itself, or past a skip marker there to the start
     * of the array (a skip marker is always followed by a record).
     */
    long recordStart(long position) {
        int at = offsetOf(position);
        return getInt(at + SIZE) == SKIP ? position + buffer.length - at : position;
    }

    /** Frees everything before {@code position} for the producer. */
    void release(long position) {
        consumed.setRelease(position);
    }

    long consumedPosition() {
        return consumed.getPlain();
    }

    /** Hands the record at {@code offset} to {@code sink} as an event at {@code timeNs} (its payload in place). */
    long appendTo(EventSink sink, int offset, long timeNs) {
        long packed = getLong(offset + PACKED);
        return sink.append(timeNs, EventType.ofCode((int) packed & 0xFF), (int) (packed >>> 8) & 0xFF,
                (int) (packed >>> 16) & 0xFFFF, (int) (packed >>> 32) & 0xFFFF, (int) (packed >>> 48) & 0xFF,
                getLong(offset + ADDRESS), getLong(offset + VALUE), (int) (packed >>> 56) & 0xFF,
                buffer, payloadAt(offset), payloadLength(offset));
    }

    // --- fields ---

    void putInt(int offset, int v) {
        EventBytes.putInt(buffer, offset, v);
    }

    void putLong(int offset, long v) {
        EventBytes.putLong(buffer, offset, v);
    }

    int getInt(int offset) {
        return EventBytes.getInt(buffer, offset);
    }

    long getLong(int offset) {
        return EventBytes.getLong(buffer, offset);
    }

    /** The producer's positions, padded so that no field the consumer reads shares their cache line. */
    @SuppressWarnings("unused")
    private static final class Cursor {
        private long p1, p2, p3, p4, p5, p6, p7, p8;
        long head;
        long tailSeen;
        /** Past the hot window: where the consumer's position is next read again. */
        long nextLook;
        private long q1, q2, q3, q4, q5, q6, q7, q8;
    }

    /** A position written by one thread and read by the other, padded against false sharing with its neighbours. */
    @SuppressWarnings("unused")
    private static final class Position {
        private static final VarHandle VALUE;

        static {
            try {
                VALUE = MethodHandles.lookup().findVarHandle(Position.class, "value", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private long p1, p2, p3, p4, p5, p6, p7;
        private long value;
        private long q1, q2, q3, q4, q5, q6, q7;

        long getAcquire() {
            return (long) VALUE.getAcquire(this);
        }

        long getPlain() {
            return value;
        }

        void setRelease(long v) {
            VALUE.setRelease(this, v);
        }
    }
}
