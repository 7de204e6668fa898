package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventCursor;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fills one table's record batches from a capture's events: {@link #onEvent} sees every event in order and
 * writes zero or more rows into the bound batch. One instance serves all captures of a scan, in turn.
 */
abstract class TableWriter {
    protected VectorSchemaRoot root;
    /** Vectors for the columns the consumer did not ask for: writers may fill them, they are never exported. */
    private VectorSchemaRoot unread;
    protected int rows;
    /** Rows every vector of the batch has room for (set from the vectors on the first row). */
    private int capacity;
    /** The capture column when the consumer reads it, else null (nothing to fill). */
    private DirectColumn captureColumn;
    /** The direct columns of this batch, rebound when the vectors grow. */
    private final List<DirectColumn> direct = new java.util.ArrayList<>();
    private int captureIndex;
    protected CaptureMetadata meta;

    /**
     * Binds the writer to a freshly allocated batch holding the columns the consumer reads; {@code unreadColumns}
     * holds the table's other columns (null when the batch has them all).
     */
    final void bind(VectorSchemaRoot batch, VectorSchemaRoot unreadColumns) {
        this.root = batch;
        this.unread = unreadColumns;
        this.rows = 0;
        this.capacity = 0;
        direct.clear();
        this.captureColumn = reads("capture") ? direct((IntVector) vector("capture")) : null;
        bindColumns();
    }

    /**
     * Looks up the table's columns ({@link #i64v} and the like). A column the consumer does not read comes from the
     * unread vectors; writers that can save work check {@link #reads} and leave such a column alone.
     */
    abstract void bindColumns();

    /** Whether the consumer reads this column (else the writer need not compute it). */
    protected final boolean reads(String column) {
        return root.getVector(column) != null;
    }

    private FieldVector vector(String name) {
        FieldVector v = root.getVector(name);
        return v != null || unread == null ? v : unread.getVector(name);
    }

    /** The current capture's index in the scan's list (its code in the capture dictionary). */
    protected final int captureIndex() {
        return captureIndex;
    }

    /** Whether the table's rows come from the events (else {@link #beginCapture} writes them and no event is read). */
    boolean readsEvents() {
        return true;
    }

    /** Starts the capture with this index in the scan's list (its code in the capture dictionary). */
    void beginCapture(CaptureSource source, CaptureMetadata metadata, int index) {
        this.captureIndex = index;
        beginCapture(source, metadata);
    }

    void beginCapture(CaptureSource source, CaptureMetadata metadata) {
        this.meta = metadata;
    }

    /**
     * The values of a dictionary-encoded column of this table, by dictionary id ({@link #DICT_CAPTURE} is the
     * reader's); null when the table has no such dictionary.
     */
    java.util.List<String> dictionary(long id) {
        return null;
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
        if (r >= capacity) {
            grow(r);
        }
        if (captureColumn != null) {
            captureColumn.setInt(r, captureIndex);
        }
        return r;
    }

    /**
     * Makes every vector hold row {@code r}. Below {@link #capacity} fixed-width columns can be written with
     * {@code set} (no per-value capacity check); text columns always use {@code setSafe}, which grows their data.
     */
    private void grow(int r) {
        capacity = Integer.MAX_VALUE;
        for (VectorSchemaRoot batch : unread == null ? List.of(root) : List.of(root, unread)) {
            for (FieldVector v : batch.getFieldVectors()) {
                while (v.getValueCapacity() <= r) {
                    v.reAlloc();
                }
                capacity = Math.min(capacity, v.getValueCapacity());
            }
        }
        for (DirectColumn d : direct) {
            d.rebind();
        }
    }

    /** A fixed-width column of this batch written through {@link DirectColumn}; null stays null. */
    protected final DirectColumn direct(org.apache.arrow.vector.BaseFixedWidthVector v) {
        if (v == null) {
            return null;
        }
        DirectColumn d = new DirectColumn(v);
        direct.add(d);
        return d;
    }

    int rowCount() {
        return rows;
    }

    // column helpers
    /** Dictionary ids: the capture column (every table), then per-table small vocabularies. */
    static final long DICT_CAPTURE = 1;
    static final Field CAPTURE = dict("capture", DICT_CAPTURE);

    /**
     * A text column written as codes into a dictionary of its few values (DuckDB reads it as VARCHAR): a code
     * is one int per row where text would be a copy of its bytes.
     */
    static Field dict(String name, long id) {
        return new Field(name, new FieldType(true, ArrowType.Utf8.INSTANCE,
                new org.apache.arrow.vector.types.pojo.DictionaryEncoding(id, false, new ArrowType.Int(32, true))), null);
    }

    static Field i64(String name) {
        return new Field(name, FieldType.nullable(new ArrowType.Int(64, true)), null);
    }

    static Field i32(String name) {
        return new Field(name, FieldType.nullable(new ArrowType.Int(32, true)), null);
    }

    static Field str(String name) {
        return new Field(name, FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
    }

    static Field i16(String name) {
        return new Field(name, FieldType.nullable(new ArrowType.Int(16, true)), null);
    }

    static Field bool(String name) {
        return new Field(name, FieldType.nullable(ArrowType.Bool.INSTANCE), null);
    }

    protected BigIntVector i64v(String name) {
        return (BigIntVector) vector(name);
    }

    protected IntVector i32v(String name) {
        return (IntVector) vector(name);
    }

    protected VarCharVector strv(String name) {
        return (VarCharVector) vector(name);
    }

    protected SmallIntVector i16v(String name) {
        return (SmallIntVector) vector(name);
    }

    protected BitVector boolv(String name) {
        return (BitVector) vector(name);
    }

    // fixed-width columns: rows come from newRow(), within the batch's capacity
    static void setOrNull(BigIntVector v, int row, long value, boolean present) {
        if (present) {
            v.set(row, value);
        } else {
            v.setNull(row);
        }
    }

    static void setOrNull(IntVector v, int row, int value, boolean present) {
        if (present) {
            v.set(row, value);
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
