package io.trapline.recorder;

import net.openhft.chronicle.bytes.BytesStore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A 32-bit check over an event's header fields and payload, so that a flipped bit in a queue file is
 * reported instead of being read as a different event. Each 64-bit word is mixed with a multiply and a
 * shift-xor (both invertible), so any single changed word changes the 64-bit state; the final fold to
 * 32 bits keeps the header fixed-size. Cheap enough to compute on every append and every read.
 */
public final class EventChecksum {
    private static final long K = 0x9E37_79B9_7F4A_7C15L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private EventChecksum() {
    }

    private static long mix(long h, long v) {
        h = (h ^ v) * K;
        return h ^ (h >>> 29);
    }

    /** Packs the small header fields into one word. */
    static long packed(int type, int device, int queue, int region, int size, int flags) {
        return (type & 0xFFL) | (device & 0xFFL) << 8 | (queue & 0xFFFFL) << 16 | (region & 0xFFFFL) << 32
                | (size & 0xFFL) << 48 | (flags & 0xFFL) << 56;
    }

    static long header(long seq, long time, long packed, long address, long value, int payloadLength) {
        long h = mix(0x5452_4150_4C49_4E45L, seq);
        h = mix(h, time);
        h = mix(h, packed);
        h = mix(h, address);
        h = mix(h, value);
        return mix(h, payloadLength);
    }

    static long payload(long h, byte[] b, int off, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = mix(h, (long) LONGS.get(b, off + i));
        }
        long tail = 0;
        for (int s = 0; i < len; i++, s += 8) {
            tail |= (b[off + i] & 0xFFL) << s;
        }
        return mix(h, tail);
    }

    static long payload(long h, BytesStore<?, ?> b, long off, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = mix(h, b.readLong(off + i));
        }
        long tail = 0;
        for (int s = 0; i < len; i++, s += 8) {
            tail |= (b.readByte(off + i) & 0xFFL) << s;
        }
        return mix(h, tail);
    }

    /** The payload at a native address (mapped memory). */
    static long payload(long h, long address, int len) {
        net.openhft.chronicle.core.UnsafeMemory m = net.openhft.chronicle.core.UnsafeMemory.MEMORY;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = mix(h, m.readLong(address + i));
        }
        long tail = 0;
        for (int s = 0; i < len; i++, s += 8) {
            tail |= (m.readByte(address + i) & 0xFFL) << s;
        }
        return mix(h, tail);
    }

    static int fold(long h) {
        return (int) (h ^ (h >>> 32));
    }
}
