package io.trapline.analysis;

import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;

/**
 * A fixed-width column of the batch being filled, written straight into its buffers' memory. Arrow's setters
 * load the vector's buffers and recompute their addresses on every call; in the exits table's row loop that was
 * most of the cost of a row (three columns: ~0.6 s of ~2 s per 20 M events). Rows come from
 * {@link TableWriter#newRow}, which keeps them within every vector's capacity and rebinds the addresses when
 * the vectors grow; a fresh batch's buffers are zeroed, so rows start as NULL.
 */
final class DirectColumn {
    private final BaseFixedWidthVector vector;
    private long values;
    private long validity;

    DirectColumn(BaseFixedWidthVector vector) {
        this.vector = vector;
        rebind();
    }

    /** Reads the buffers' addresses again (after the vector was allocated or grown). */
    void rebind() {
        values = vector.getDataBufferAddress();
        validity = vector.getValidityBufferAddress();
    }

    void setLong(int row, long v) {
        MemoryUtil.putLong(values + ((long) row << 3), v);
        setValid(row);
    }

    void setInt(int row, int v) {
        MemoryUtil.putInt(values + ((long) row << 2), v);
        setValid(row);
    }

    void setShort(int row, short v) {
        MemoryUtil.putShort(values + ((long) row << 1), v);
        setValid(row);
    }

    void setNull(int row) {
        long a = validity + (row >>> 3);
        MemoryUtil.putByte(a, (byte) (MemoryUtil.getByte(a) & ~(1 << (row & 7))));
    }

    private void setValid(int row) {
        long a = validity + (row >>> 3);
        MemoryUtil.putByte(a, (byte) (MemoryUtil.getByte(a) | 1 << (row & 7)));
    }
}
