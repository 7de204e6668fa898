package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventCursor;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.nio.charset.StandardCharsets;

/**
 * Fills one table's record batches from a capture's events: {@link #onEvent} sees every event in order and
 * writes zero or more rows into the bound batch. One instance serves all captures of a scan, in turn.
 */
abstract class TableWriter {
    protected VectorSchemaRoot root;
    protected int rows;
    private VarCharVector captureColumn;
    private byte[] captureName;
    protected CaptureMetadata meta;

    /** Binds the writer to a freshly allocated batch. */
    final void bind(VectorSchemaRoot batch) {
        this.root = batch;
        this.rows = 0;
        this.captureColumn = (VarCharVector) batch.getVector("capture");
        bindColumns();
    }

    abstract void bindColumns();

    void beginCapture(CaptureSource source, CaptureMetadata metadata) {
        this.captureName = source.name().getBytes(StandardCharsets.UTF_8);
        this.meta = metadata;
    }

    abstract void onEvent(EventCursor c);

    /** The capture's events have all been seen: write rows still held back. */
    void endCapture() {
    }

    /** Whether rows written in this batch still wait for a later event (the batch must not end yet). */
    boolean holdsBatch() {
        return false;
    }

    /** Starts a row: fills its capture column and returns its index. */
    protected final int newRow() {
        int r = rows++;
        captureColumn.setSafe(r, captureName);
        return r;
    }

    int rowCount() {
        return rows;
    }

    // column helpers
    static final Field CAPTURE = str("capture");

    static Field i64(String name) {
        return new Field(name, FieldType.nullable(new ArrowType.Int(64, true)), null);
    }

    static Field i32(String name) {
        return new Field(name, FieldType.nullable(new ArrowType.Int(32, true)), null);
    }

    static Field str(String name) {
        return new Field(name, FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
    }

    static Field bool(String name) {
        return new Field(name, FieldType.nullable(ArrowType.Bool.INSTANCE), null);
    }

    protected BigIntVector i64v(String name) {
        return (BigIntVector) root.getVector(name);
    }

    protected IntVector i32v(String name) {
        return (IntVector) root.getVector(name);
    }

    protected VarCharVector strv(String name) {
        return (VarCharVector) root.getVector(name);
    }

    protected BitVector boolv(String name) {
        return (BitVector) root.getVector(name);
    }

    static void setOrNull(BigIntVector v, int row, long value, boolean present) {
        if (present) {
            v.setSafe(row, value);
        } else {
            v.setNull(row);
        }
    }

    static void setOrNull(IntVector v, int row, int value, boolean present) {
        if (present) {
            v.setSafe(row, value);
        } else {
            v.setNull(row);
        }
    }

    static void setOrNull(VarCharVector v, int row, byte[] value) {
        if (value != null) {
            v.setSafe(row, value);
        } else {
            v.setNull(row);
        }
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
