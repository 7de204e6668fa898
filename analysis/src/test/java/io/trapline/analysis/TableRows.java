package io.trapline.analysis;

import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a whole table into row maps (values as Java objects, text as String) for assertions. */
final class TableRows {
    private TableRows() {
    }

    static List<Map<String, Object>> read(Table table, List<CaptureSource> captures, AnalysisOptions options) {
        return read(table, captures, options, null);
    }

    /** The rows of a reader narrowed to {@code columns} (null: all). */
    static List<Map<String, Object>> read(Table table, List<CaptureSource> captures, AnalysisOptions options,
                                          java.util.Set<String> columns) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (RootAllocator a = new RootAllocator();
             CaptureTableReader r = new CaptureTableReader(a, table, captures, options, columns)) {
            VectorSchemaRoot root = r.getVectorSchemaRoot();
            while (r.loadNextBatch()) {
                for (int i = 0; i < root.getRowCount(); i++) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (FieldVector v : root.getFieldVectors()) {
                        Object o = v.getObject(i);
                        var enc = v.getField().getDictionary();
                        if (enc != null && o != null) { // a code: its text is in the dictionary
                            o = r.lookup(enc.getId()).getVector().getObject(((Number) o).intValue());
                        }
                        row.put(v.getName(), o instanceof org.apache.arrow.vector.util.Text ? o.toString() : o);
                    }
                    out.add(row);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    static List<Map<String, Object>> read(Table table, java.nio.file.Path capture) {
        return read(table, List.of(new CaptureSource("c", capture)), AnalysisOptions.defaults());
    }
}
