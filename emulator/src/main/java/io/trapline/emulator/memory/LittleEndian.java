package io.trapline.emulator.memory;

/** Little-endian field access on byte arrays: descriptors, ring entries and headers are all little-endian. */
public final class LittleEndian {
    private LittleEndian() {
    }

    public static int u8(byte[] b, int off) {
        return b[off] & 0xFF;
    }

    public static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    public static long u32(byte[] b, int off) {
        return s32(b, off) & 0xFFFF_FFFFL;
    }

    public static int s32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    public static long u64(byte[] b, int off) {
        return u32(b, off) | u32(b, off + 4) << 32;
    }

    /** Reads {@code size} (1, 2, 4 or 8) bytes as an unsigned value. */
    public static long get(byte[] b, int off, int size) {
        switch (size) {
            case 1: return u8(b, off);
            case 2: return u16(b, off);
            case 4: return u32(b, off);
            case 8: return u64(b, off);
            default: throw new IllegalArgumentException("access size " + size);
        }
    }

    public static void put16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    public static void put32(byte[] b, int off, long v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    public static void put64(byte[] b, int off, long v) {
        put32(b, off, v);
        put32(b, off + 4, v >>> 32);
    }

    /** Writes the low {@code size} (1, 2, 4 or 8) bytes of {@code v}. */
    public static void put(byte[] b, int off, int size, long v) {
        for (int i = 0; i < size; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
