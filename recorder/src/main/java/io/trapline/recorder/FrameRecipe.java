package io.trapline.recorder;

import java.util.Arrays;

/**
 * Format 3.0's transmitted frames stored once: a FRAME_TX event whose bytes are mostly those of the DMA reads just
 * before it (the device read the frame from guest memory, then sent it) is stored as a recipe instead of the frame,
 * flagged {@link EventFlags#PAYLOAD_RECIPE}. A recipe copies ranges of earlier DMA_READ payloads in the same
 * document and spells out the bytes the device changed (checksums, TSO header fields, a VLAN tag). Readers never
 * see it: {@link EventCursor} rebuilds the frame.
 *
 * <p>Layout (little-endian): the frame's length (u32), then operations up to the payload's end:
 * <ul>
 * <li>{@link #COPY} (u8), back (u32: from this event's header back to the source event's header), offset in the
 *     source's payload (u32), length (u32);</li>
 * <li>{@link #BYTES} (u8), length (u32), then that many bytes of the frame.</li>
 * </ul>
 * The encoder keeps one instance per writer; it is not thread-safe.
 */
final class FrameRecipe {
    static final int COPY = 1;
    static final int BYTES = 2;
    static final int COPY_SIZE = 13;
    static final int BYTES_HEADER = 5;
    /** An alignment with a source is taken when this many bytes agree (shorter frames are stored whole). */
    static final int MIN_MATCH = 16;
    /** After bytes that differ, this many equal ones in a row resume copying (the fields devices patch are short). */
    private static final int RESYNC = 8;
    /** Differing bytes in a row after which the alignment is dropped and another source looked for. */
    private static final int MAX_DIFF = 64;
    /**
     * Sources tried per alignment search, so that a group of many DMA reads (a hostile guest's descriptor chains) costs
     * a bounded time per frame.
     */
    private static final int MAX_TRIES = 32;
    /** A recipe is kept only when it saves at least this many bytes over the frame itself. */
    static final int MIN_SAVING = 64;

    private byte[] out = new byte[2048];
    private int length;
    /** The frame being encoded: {@code frame[frameAt..]}. */
    private byte[] frame;
    private int frameAt;
    /** Frame bytes not yet written as a BYTES operation: where they start in the frame, and how many. */
    private int literalFrom;
    private int literalLength;
    /** The last COPY operation (its offset in the recipe), and where it ended in the frame and in its source. */
    private int lastCopyAt = -1;
    private int lastCopyFrameEnd;
    private int lastCopySource;
    private int lastCopySourceEnd;
    /**
     * Where the previous frame's last copy ended: the source's header offset in the document (-1: none) and the
     * offset in its payload. The next frame may go on from there (segments of one large buffer).
     */
    private int previousSourceAt = -1;
    private int previousSourceEnd;

    /**
     * Encodes the frame {@code f[fAt..fAt+n)} against the DMA read events at {@code sources[0..count)} (their header
     * offsets in {@code doc}, in order), for a FRAME_TX event whose header will be at {@code eventAt} in {@code doc}.
     * Returns the recipe's length ({@link #bytes()} holds it), or -1 when it would not save {@link #MIN_SAVING}
     * bytes: the frame is then stored whole.
     */
    int encode(byte[] f, int fAt, int n, byte[] doc, int eventAt, int[] sources, int count) {
        frame = f;
        frameAt = fAt;
        literalLength = 0;
        lastCopyAt = -1;
        length = 0;
        ensure(4);
        EventBytes.putInt(out, 0, n);
        length = 4;
        int i = 0;
        int k = -1; // the source aligned with the frame at i, and the offset in its payload that i corresponds to
        int j = 0;
        int next = 0;
        while (i < n) {
            if (k < 0 || j >= payloadLength(doc, sources[k])) {
                long found = n - i < MIN_MATCH ? -1 : align(f, fAt + i, n - i, doc, sources, count, next);
                if (found < 0 && n - i >= MIN_MATCH) {
                    found = goOn(f, fAt + i, doc, sources, count);
                }
                if (found < 0) {
                    literal(i, n - i);
                    break;
                }
                k = (int) (found >>> 32);
                j = (int) found;
                next = k + 1;
            }
            int src = sources[k] + EventLayout.HEADER_SIZE;
            int span = Math.min(n - i, payloadLength(doc, sources[k]) - j);
            int m = Arrays.mismatch(f, fAt + i, fAt + i + span, doc, src + j, src + j + span);
            int equal = m < 0 ? span : m;
            if (equal > 0) {
                copy(i, equal, k, j, eventAt - sources[k]);
                i += equal;
                j += equal;
                continue;
            }
            // Bytes that differ in place (the device patched them): spelled out until the two agree again.
            int d = 1;
            while (d < MAX_DIFF && d < span
                    && !equalRun(f, fAt + i + d, doc, src + j + d, Math.min(RESYNC, span - d))) {
                d++;
            }
            literal(i, d);
            i += d;
            j += d;
            if (d >= MAX_DIFF) {
                k = -1; // not this source after all
            }
        }
        flushLiteral();
        frame = null;
        if (lastCopyAt >= 0) {
            previousSourceAt = sources[lastCopySource];
            previousSourceEnd = lastCopySourceEnd;
        }
        return length <= n - MIN_SAVING ? length : -1;
    }

    /** The recipe {@link #encode} made. */
    byte[] bytes() {
        return out;
    }

    /**
     * A source whose payload agrees with the next {@link #MIN_MATCH} frame bytes at its start, or where it would end
     * with the frame: (index << 32 | offset), or -1. The sources after {@code from} are tried first (the next buffer
     * of a frame spread over several), then from the latest read backwards (a frame's buffers are the last reads
     * before it).
     */
    private static long align(byte[] f, int at, int remaining, byte[] doc, int[] sources, int count, int from) {
        int tries = 0;
        for (int k = from; k > 0 && k < count && tries < MAX_TRIES / 2; k++, tries++) {
            long found = alignAt(f, at, remaining, doc, sources, k);
            if (found >= 0) {
                return found;
            }
        }
        for (int k = count - 1; k >= 0 && tries < MAX_TRIES; k--, tries++) {
            long found = alignAt(f, at, remaining, doc, sources, k);
            if (found >= 0) {
                return found;
            }
        }
        return -1;
    }

    /** The previous frame's source where its last copy ended, if it is among the sources and agrees: as {@link #align}. */
    private long goOn(byte[] f, int at, byte[] doc, int[] sources, int count) {
        if (previousSourceAt < 0) {
            return -1;
        }
        for (int k = count - 1, tries = 0; k >= 0 && sources[k] >= previousSourceAt && tries < MAX_TRIES; k--, tries++) {
            if (sources[k] == previousSourceAt) {
                int len = payloadLength(doc, sources[k]);
                boolean agrees = previousSourceEnd + MIN_MATCH <= len
                        && equalRun(f, at, doc, sources[k] + EventLayout.HEADER_SIZE + previousSourceEnd, MIN_MATCH);
                return agrees ? (long) k << 32 | previousSourceEnd : -1;
            }
        }
        return -1;
    }

    private static long alignAt(byte[] f, int at, int remaining, byte[] doc, int[] sources, int k) {
        int len = payloadLength(doc, sources[k]);
        if (len < MIN_MATCH) {
            return -1;
        }
        int src = sources[k] + EventLayout.HEADER_SIZE;
        if (equalRun(f, at, doc, src, MIN_MATCH)) {
            return (long) k << 32;
        }
        int tail = len - remaining; // the frame ends where the source ends (a header before it, e.g. virtio's)
        if (tail > 0 && equalRun(f, at, doc, src + tail, MIN_MATCH)) {
            return (long) k << 32 | tail;
        }
        return -1;
    }

    private static boolean equalRun(byte[] a, int aAt, byte[] b, int bAt, int n) {
        if (n >= 8 && EventBytes.getLong(a, aAt) != EventBytes.getLong(b, bAt)) {
            return false; // most tries fail in their first eight bytes: no call into the vectorized compare for them
        }
        return n == 8 || Arrays.mismatch(a, aAt, aAt + n, b, bAt, bAt + n) < 0;
    }

    private static int payloadLength(byte[] doc, int eventAt) {
        return EventBytes.getInt(doc, eventAt + EventLayout.PAYLOAD_LENGTH);
    }

    /** Frame bytes {@code [i, i+n)} equal source {@code k}'s payload from {@code j}: a COPY, unless too short to pay. */
    private void copy(int i, int n, int k, int j, int back) {
        if (n < COPY_SIZE && literalLength > 0) {
            literalLength += n; // cheaper spelled out than as an operation of its own
            return;
        }
        flushLiteral();
        if (lastCopyAt >= 0 && lastCopyFrameEnd == i && lastCopySource == k && lastCopySourceEnd == j) {
            EventBytes.putInt(out, lastCopyAt + 9, EventBytes.getInt(out, lastCopyAt + 9) + n);
        } else {
            ensure(COPY_SIZE);
            lastCopyAt = length;
            out[length] = COPY;
            EventBytes.putInt(out, length + 1, back);
            EventBytes.putInt(out, length + 5, j);
            EventBytes.putInt(out, length + 9, n);
            length += COPY_SIZE;
        }
        lastCopyFrameEnd = i + n;
        lastCopySource = k;
        lastCopySourceEnd = j + n;
    }

    private void literal(int i, int n) {
        if (literalLength == 0) {
            literalFrom = i;
        }
        literalLength += n;
    }

    private void flushLiteral() {
        if (literalLength == 0) {
            return;
        }
        ensure(BYTES_HEADER + literalLength);
        out[length] = BYTES;
        EventBytes.putInt(out, length + 1, literalLength);
        System.arraycopy(frame, frameAt + literalFrom, out, length + BYTES_HEADER, literalLength);
        length += BYTES_HEADER + literalLength;
        literalLength = 0;
        lastCopyAt = -1;
    }

    private void ensure(int more) {
        if (length + more > out.length) {
            out = Arrays.copyOf(out, Math.max(length + more, 2 * out.length));
        }
    }

    // --- decoding ---

    /** The bytes of the document a recipe's event lies in, as seen from that event's header. */
    interface Document {
        /** How far the document reaches back from the event's header (the sources must lie in that range). */
        long bytesBefore();

        int readInt(long relative);

        void read(long relative, byte[] dst, int off, int len);

        /** Whether an event stored whole as a dma_read with a payload starts {@code back} bytes before the event's header. */
        boolean isSource(long back);
    }

    /**
     * Rebuilds the frame from {@code recipe[0..recipeLength)} into {@code dst} (at least the declared frame length).
     * Returns null, or what is wrong with the recipe: a reader never reads outside the event's document or past a
     * source's payload, whatever the recipe says.
     */
    static String decode(byte[] recipe, int recipeLength, Document doc, byte[] dst) {
        if (recipeLength < 4) {
            return "frame recipe of " + recipeLength + " bytes has no frame length";
        }
        int n = EventBytes.getInt(recipe, 0); // the frame's length
        if (n < 0 || n > dst.length) {
            return "frame recipe declares " + n + " bytes";
        }
        int w = 0;
        int p = 4;
        while (p < recipeLength) {
            int op = recipe[p];
            if (op == COPY && p + COPY_SIZE <= recipeLength) {
                long back = EventBytes.getInt(recipe, p + 1) & 0xFFFF_FFFFL;
                int offset = EventBytes.getInt(recipe, p + 5);
                int len = EventBytes.getInt(recipe, p + 9);
                if (back < EventLayout.HEADER_SIZE || back > doc.bytesBefore()) {
                    return "frame recipe copies from " + back + " bytes back, outside its document";
                }
                if (!doc.isSource(back)) {
                    return "frame recipe copies from " + back + " bytes back, where no dma_read event stored whole starts";
                }
                int sourceLength = doc.readInt(-back + EventLayout.PAYLOAD_LENGTH);
                if (sourceLength < 0 || EventLayout.HEADER_SIZE + (long) sourceLength > back || offset < 0 || len <= 0
                        || (long) offset + len > sourceLength || (long) w + len > n) {
                    return "frame recipe copies " + len + " bytes at " + offset + " of a " + sourceLength
                            + "-byte payload " + back + " bytes back";
                }
                doc.read(-back + EventLayout.HEADER_SIZE + offset, dst, w, len);
                w += len;
                p += COPY_SIZE;
            } else if (op == BYTES && p + BYTES_HEADER <= recipeLength) {
                int len = EventBytes.getInt(recipe, p + 1);
                if (len <= 0 || (long) p + BYTES_HEADER + len > recipeLength || (long) w + len > n) {
                    return "frame recipe spells out " + len + " bytes that do not fit";
                }
                System.arraycopy(recipe, p + BYTES_HEADER, dst, w, len);
                w += len;
                p += BYTES_HEADER + len;
            } else {
                return "frame recipe has an unknown or cut operation " + op + " at " + p;
            }
        }
        return w == n ? null : "frame recipe makes " + w + " of its " + n + " bytes";
    }
}
