package io.trapline.analysis;

import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.ChecksumProgress;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.UnreadableTail;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One table of one or more captures as a stream of Arrow record batches: scans the captures in turn with a
 * flyweight cursor and fills batches of {@link #BATCH_ROWS} rows, so memory stays flat whatever the capture
 * size. The scan runs on a producer thread owned by this reader, ahead of the
 * consumer (DuckDB asks from its worker threads; a Chronicle tailer must stay on one thread), so converting
 * the next batches overlaps with consuming the current one, and tables started together are converted at the
 * same time. Each batch has its own buffers: a consumer (DuckDB through the C stream interface) may still hold
 * the previous one.
 *
 * <p>A reader can be narrowed to the columns its consumer reads: the stream's schema holds only those, and the
 * table's writer skips the work for the others. A failure (a corrupt capture) is kept, so that the caller can
 * report it as itself rather than as the consumer's error.
 */
public final class CaptureTableReader extends ArrowReader {
    public static final int BATCH_ROWS = 1 << 16;
    /** Batches converted ahead of the consumer whatever their size: enough to overlap conversion with consumption. */
    static final int PREFETCH = 2;
    /**
     * Bytes of batches converted ahead beyond {@link #PREFETCH} batches. DuckDB may drain the tables of a statement
     * one after the other (the per-packet query: all of exits, then packets); a narrow table then converts up to
     * this far ahead meanwhile instead of waiting, and its scan checksums the events for both.
     */
    static final long PREFETCH_BYTES = 64L << 20;

    static {
        // Every write goes through setSafe, which grows a vector before writing past its capacity, so Arrow's
        // per-access bounds checks (a reference-count read on every set) only cost time. Respect an explicit choice.
        if (System.getProperty("arrow.enable_unsafe_memory_access") == null) {
            System.setProperty("arrow.enable_unsafe_memory_access", "true");
        }
    }

    private static final Object END = new Object();

    private final Table table;
    private final Schema schema;
    private final List<CaptureSource> captures;
    private final TableWriter writer;
    private final BatchQueue ready = new BatchQueue(PREFETCH, PREFETCH_BYTES);
    private Thread producer;
    private volatile boolean closing;
    private boolean finished;
    private long rowsRead;
    private volatile RuntimeException failure;
    /** Incomplete captures whose scan ended at an unreadable tail (added by the producer thread). */
    private final List<UnreadableTail> unreadableTails = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Checksum progress shared with other readers of the same captures, by capture path (null: not shared). */
    private java.util.concurrent.ConcurrentMap<java.nio.file.Path, ChecksumProgress> sharedChecksums;

    // the producer thread's
    private int nextCapture;
    private CaptureReader reader;
    private EventCursor cursor;
    private VectorSchemaRoot unread;

    public CaptureTableReader(BufferAllocator allocator, Table table, List<CaptureSource> captures,
                              AnalysisOptions options) {
        this(allocator, table, captures, options, null);
    }

    /** A reader whose batches hold only {@code columns} of the table (null: all of them). */
    public CaptureTableReader(BufferAllocator allocator, Table table, List<CaptureSource> captures,
                              AnalysisOptions options, Set<String> columns) {
        super(allocator);
        this.table = table;
        this.schema = table.schema(columns);
        this.captures = List.copyOf(captures);
        this.writer = table.newWriter(options);
    }

    public Table table() {
        return table;
    }

    /**
     * Shares checksum work with the other readers given the same map (the tables of one statement, scanning the
     * same captures at the same time): each event is then checksummed by one of them instead of by each. Call
     * before {@link #start()}.
     */
    public void shareChecksums(java.util.concurrent.ConcurrentMap<java.nio.file.Path, ChecksumProgress> progress) {
        this.sharedChecksums = progress;
    }

    /** The exception that ended the scan, or null. */
    public RuntimeException failure() {
        return failure;
    }

    /**
     * The captures whose events this reader's scan read up to an unreadable tail (incomplete captures whose queue file
     * stops being readable after the events capture.json declares), in scan order.
     */
    public List<UnreadableTail> unreadableTails() {
        return List.copyOf(unreadableTails);
    }

    /**
     * Starts converting batches ahead of the first {@link #loadNextBatch()} (which starts it otherwise); the
     * producer stops after {@link #PREFETCH} batches, or more up to {@link #PREFETCH_BYTES}, until the consumer
     * takes them.
     */
    public synchronized void start() throws IOException {
        if (producer != null) {
            return;
        }
        VectorSchemaRoot root = getVectorSchemaRoot();
        fillDictionaries();
        Schema batchSchema = root.getSchema();
        unread = unreadColumns();
        producer = new Thread(() -> produce(batchSchema), "trapline-scan-" + table.label());
        producer.setDaemon(true);
        producer.start();
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        start();
        if (finished) {
            return false;
        }
        Object next;
        try {
            next = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while scanning " + table.label());
        }
        if (next == END) {
            finished = true;
            return false;
        }
        if (next instanceof RuntimeException e) {
            finished = true;
            failure = e;
            throw e;
        }
        if (next instanceof Error e) {
            finished = true;
            throw e;
        }
        VectorSchemaRoot root = getVectorSchemaRoot();
        try (VectorSchemaRoot batch = (VectorSchemaRoot) next) {
            for (int i = 0; i < batch.getFieldVectors().size(); i++) {
                batch.getVector(i).makeTransferPair(root.getVector(i)).transfer();
            }
            root.setRowCount(batch.getRowCount());
        }
        rowsRead += root.getRowCount();
        return true;
    }

    private void produce(Schema batchSchema) {
        try {
            while (!closing) {
                VectorSchemaRoot batch = VectorSchemaRoot.create(batchSchema, allocator);
                boolean filled;
                try {
                    filled = fill(batch);
                } catch (Throwable e) {
                    batch.close();
                    throw e;
                }
                if (!filled) {
                    batch.close();
                    ready.put(END, 0);
                    return;
                }
                try {
                    ready.put(batch, bytes(batch));
                } catch (InterruptedException e) {
                    batch.close();
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            // closed before the consumer took everything
        } catch (Throwable e) {
            // Whatever ends the scan goes to the consumer, which otherwise waits for a batch forever: an Error, or a
            // checked exception a library throws undeclared, as much as a corrupt capture's CaptureException.
            try {
                ready.put(e instanceof RuntimeException || e instanceof Error ? e
                        : new IllegalStateException("scanning " + table.label() + ": " + e, e), 0);
            } catch (InterruptedException closed) {
                // closed: nobody waits for the failure
            }
        } finally {
            closeCurrent();
        }
    }

    private static long bytes(VectorSchemaRoot batch) {
        long n = 0;
        for (FieldVector v : batch.getFieldVectors()) {
            n += v.getBufferSize();
        }
        return n;
    }

    private boolean fill(VectorSchemaRoot root) {
        for (FieldVector v : root.getFieldVectors()) {
            v.setInitialCapacity(BATCH_ROWS + 64);
            v.allocateNew();
        }
        writer.bind(root, unread);
        while (writer.rowCount() < BATCH_ROWS || writer.holdsBatch()) {
            if (cursor == null && !openNext()) {
                break;
            }
            if (writer.readsEvents() && cursor.next()) {
                writer.onEvent(cursor);
            } else {
                writer.endCapture();
                closeCurrent();
            }
        }
        root.setRowCount(writer.rowCount());
        return writer.rowCount() > 0;
    }

    private boolean openNext() {
        if (nextCapture >= captures.size()) {
            return false;
        }
        CaptureSource s = captures.get(nextCapture++);
        reader = CaptureReader.open(s.path());
        cursor = sharedChecksums == null ? reader.cursor()
                : reader.cursor(sharedChecksums.computeIfAbsent(s.path().toAbsolutePath().normalize(),
                        p -> new ChecksumProgress()));
        writer.beginCapture(s, reader.metadata(), nextCapture - 1);
        return true;
    }

    /** The table's columns left out of this reader's schema, as vectors the writer may fill (null when none). */
    private VectorSchemaRoot unreadColumns() {
        Set<String> kept = new java.util.HashSet<>();
        for (Field f : schema.getFields()) {
            kept.add(f.getName());
        }
        List<Field> fields = new ArrayList<>();
        for (Field f : table.schema().getFields()) {
            if (!kept.contains(f.getName())) {
                fields.add(inMemory(f));
            }
        }
        if (fields.isEmpty()) {
            return null;
        }
        VectorSchemaRoot r = VectorSchemaRoot.create(new Schema(fields), allocator);
        for (FieldVector v : r.getFieldVectors()) {
            v.setInitialCapacity(BATCH_ROWS + 64);
            v.allocateNew();
        }
        return r;
    }

    /** A dictionary-encoded column is written as its codes. */
    private static Field inMemory(Field f) {
        DictionaryEncoding d = f.getDictionary();
        return d == null ? f : new Field(f.getName(), new FieldType(true, d.getIndexType(), null), null);
    }

    /** Writes the values of every dictionary-encoded column once: capture names, then the table's vocabularies. */
    private void fillDictionaries() throws IOException {
        for (Map.Entry<Long, Dictionary> e : getDictionaryVectors().entrySet()) {
            List<String> values;
            if (e.getKey() == TableWriter.DICT_CAPTURE) {
                values = captures.stream().map(CaptureSource::name).toList();
            } else {
                values = writer.dictionary(e.getKey());
            }
            VarCharVector v = (VarCharVector) e.getValue().getVector();
            v.allocateNew();
            for (int i = 0; i < values.size(); i++) {
                v.setSafe(i, values.get(i).getBytes(StandardCharsets.UTF_8));
            }
            v.setValueCount(values.size());
        }
    }

    private void closeCurrent() {
        if (cursor != null) {
            UnreadableTail tail = cursor.unreadableTail();
            if (tail != null) {
                unreadableTails.add(tail);
            }
            cursor.close();
            cursor = null;
        }
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    /** Rows handed to the consumer so far. */
    @Override
    public long bytesRead() {
        return rowsRead;
    }

    @Override
    protected synchronized void closeReadSource() {
        closing = true;
        if (producer != null) {
            producer.interrupt();
            try {
                producer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Object o = ready.poll(); o != null; o = ready.poll()) {
                if (o instanceof VectorSchemaRoot batch) {
                    batch.close();
                }
            }
        }
        if (unread != null) {
            unread.close();
        }
    }

    @Override
    protected Schema readSchema() {
        return schema;
    }
}
