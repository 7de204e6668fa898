package io.trapline.recorder;

import net.openhft.chronicle.bytes.BytesStore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * A 32-bit check over an event's header fields and payload, so that a flipped bit in a queue file is
 * reported instead of being read as a different event. Which one a capture uses follows its format version
 * ({@link #usesCrc32c}):
 * <ul>
 * <li>from format 2.0: CRC-32C over the header's first 44 bytes as stored (sequence to payload length) followed by
 *     the payload: it finds every burst of up to 32 flipped bits, and the JDK computes it with the CPU's CRC
 *     instruction, several times faster than the chain below (a recording's writer thread needs 8–20% less CPU, a
 *     verifying scan of payload events is 1.7× as fast; docs/benchmarks.md);</li>
 * <li>formats 1.x: each 64-bit word mixed with a multiply and a shift-xor (both invertible), so any single
 *     changed word changes the 64-bit state, folded to 32 bits ({@link #header}, {@link #payload}, {@link #fold}).</li>
 * </ul>
 */
public final class EventChecksum {
    /** The bytes of a stored header the CRC covers: every field before the checksum itself. */
    static final int CRC_HEADER_BYTES = EventLayout.CHECKSUM;
    private static final long K = 0x9E37_79B9_7F4A_7C15L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private EventChecksum() {
    }

    private static long mix(long h, long v) {
        h = (h ^ v) * K;
        return h ^ (h >>> 29);
    }

    /** True when events of a capture of format {@code major.x} carry a CRC-32C (2.0 on). */
    static boolean usesCrc32c(int major) {
        return major >= 2;
    }

    /**
     * The CRC-32C of an event whose header is stored at {@code header[headerAt..]} and whose payload is
     * {@code payload[payloadAt..payloadAt+length)} (the same array right after the header, or another one).
     */
    static int crc32c(byte[] header, int headerAt, byte[] payload, int payloadAt, int length) {
        CRC32C crc = new CRC32C();
        crc.update(header, headerAt, CRC_HEADER_BYTES);
        if (length > 0) {
            crc.update(payload, payloadAt, length);
        }
        return (int) crc.getValue();
    }

    /**
     * The checksum of an event whose header is laid out as stored at {@code header[headerAt..]} (the checksum field
     * itself is not read) and whose payload is {@code payload[payloadAt..payloadAt+length)}: CRC-32C or, for formats
     * 1.x, the multiply chain.
     */
    static int of(boolean crc32c, byte[] header, int headerAt, byte[] payload, int payloadAt, int length) {
        if (crc32c) {
            return crc32c(header, headerAt, payload, payloadAt, length);
        }
        long h = header(EventBytes.getLong(header, headerAt + EventLayout.SEQUENCE),
                EventBytes.getLong(header, headerAt + EventLayout.TIME_NS), EventBytes.getLong(header, headerAt + EventLayout.TYPE),
                EventBytes.getLong(header, headerAt + EventLayout.ADDRESS), EventBytes.getLong(header, headerAt + EventLayout.VALUE),
                length);
        if (length > 0) {
            h = payload(h, payload, payloadAt, length);
        }
        return fold(h);
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
