package io.trapline.analysis;

import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One table of one or more captures as a stream of Arrow record batches: scans the captures in turn with a
 * flyweight cursor and fills batches of {@link #BATCH_ROWS} rows, so memory stays flat whatever the capture
 * size. Each batch gets fresh buffers: a consumer (DuckDB through the C stream interface) may still hold the
 * previous one. The capture is scanned on one thread owned by this reader, whichever thread asks for the next
 * batch (DuckDB asks from its worker threads; a Chronicle tailer must stay on one thread). A failure (a corrupt
 * capture) is kept, so that the caller can report it as itself rather than as the consumer's error.
 */
public final class CaptureTableReader extends ArrowReader {
    public static final int BATCH_ROWS = 1 << 16;

    static {
        // Every write goes through setSafe, which grows a vector before writing past its capacity, so Arrow's
        // per-access bounds checks (a reference-count read on every set) only cost time. Respect an explicit choice.
        if (System.getProperty("arrow.enable_unsafe_memory_access") == null) {
            System.setProperty("arrow.enable_unsafe_memory_access", "true");
        }
    }

    private final Table table;
    private final List<CaptureSource> captures;
    private final TableWriter writer;
    private int nextCapture;
    private CaptureReader reader;
    private EventCursor cursor;
    private long bytes;
    private boolean dictionariesFilled;
    private ExecutorService scanner;
    private volatile RuntimeException failure;

    public CaptureTableReader(BufferAllocator allocator, Table table, List<CaptureSource> captures,
                              AnalysisOptions options) {
        super(allocator);
        this.table = table;
        this.captures = List.copyOf(captures);
        this.writer = table.newWriter(options);
    }

    public Table table() {
        return table;
    }

    /** The exception that ended the scan, or null. */
    public RuntimeException failure() {
        return failure;
    }

    @Override
    public boolean loadNextBatch() throws java.io.IOException {
        VectorSchemaRoot root = getVectorSchemaRoot();
        if (!dictionariesFilled) {
            fillDictionaries();
        }
        if (scanner == null) {
            scanner = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "trapline-scan-" + table.label());
                t.setDaemon(true);
                return t;
            });
        }
        Future<Boolean> batch = scanner.submit(() -> fill(root));
        try {
            return batch.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while scanning " + table.label());
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            failure = c instanceof RuntimeException r ? r : new IllegalStateException(c);
            throw failure;
        }
    }

    private boolean fill(VectorSchemaRoot root) {
        for (FieldVector v : root.getFieldVectors()) {
            v.setInitialCapacity(BATCH_ROWS + 64);
            v.allocateNew();
        }
        writer.bind(root);
        while (writer.rowCount() < BATCH_ROWS || writer.holdsBatch()) {
            if (cursor == null && !openNext()) {
                break;
            }
            if (cursor.next()) {
                writer.onEvent(cursor);
            } else {
                writer.endCapture();
                closeCurrent();
            }
        }
        root.setRowCount(writer.rowCount());
        bytes += writer.rowCount();
        return writer.rowCount() > 0;
    }

    private boolean openNext() {
        if (nextCapture >= captures.size()) {
            return false;
        }
        CaptureSource s = captures.get(nextCapture++);
        reader = CaptureReader.open(s.path());
        cursor = reader.cursor();
        writer.beginCapture(s, reader.metadata(), nextCapture - 1);
        return true;
    }

    /** Writes the values of every dictionary-encoded column once: capture names, then the table's vocabularies. */
    private void fillDictionaries() throws java.io.IOException {
        for (java.util.Map.Entry<Long, org.apache.arrow.vector.dictionary.Dictionary> e : getDictionaryVectors().entrySet()) {
            List<String> values;
            if (e.getKey() == TableWriter.DICT_CAPTURE) {
                values = captures.stream().map(CaptureSource::name).toList();
            } else {
                values = writer.dictionary(e.getKey());
            }
            org.apache.arrow.vector.VarCharVector v = (org.apache.arrow.vector.VarCharVector) e.getValue().getVector();
            v.allocateNew();
            for (int i = 0; i < values.size(); i++) {
                v.setSafe(i, values.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            v.setValueCount(values.size());
        }
        dictionariesFilled = true;
    }

    private void closeCurrent() {
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    @Override
    public long bytesRead() {
        return bytes;
    }

    @Override
    protected void closeReadSource() {
        if (scanner != null) {
            try {
                scanner.submit(this::closeCurrent).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // closing after a failed scan: the failure is already reported
            }
            scanner.shutdown();
        } else {
            closeCurrent();
        }
    }

    @Override
    protected Schema readSchema() {
        return table.schema();
    }
}
