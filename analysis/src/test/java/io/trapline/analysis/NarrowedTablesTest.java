package io.trapline.analysis;

import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.EventType;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A reader narrowed to some columns gives exactly those columns of the rows the whole table has, batch after batch,
 * and a reader closed before its end leaves no Arrow memory behind.
 */
class NarrowedTablesTest {
    @TempDir
    Path tmp;

    private List<CaptureSource> fixtures() {
        return List.of(new CaptureSource("e", TestCaptures.e1000(tmp.resolve("e"))),
                new CaptureSource("v", TestCaptures.virtio(tmp.resolve("v"))));
    }

    /** A capture of 280,000 events: several batches of events, exits and packets. */
    private Path large() {
        Path dir = tmp.resolve("large");
        byte[] rx = TestCaptures.tcp("10.0.2.2", "10.0.2.15", 40000, 80, 0x18, 100);
        byte[] tx = TestCaptures.tcp("10.0.2.15", "10.0.2.2", 80, 40000, 0x18, 1000);
        try (CaptureWriter w = CaptureWriter.create(dir, TestCaptures.e1000Metadata())) {
            long t = 0;
            for (int i = 0; i < 35_000; i++) {
                t += 50_000;
                TestCaptures.frame(w, t, false, rx);
                w.append(t, EventType.INTX, 0, 0, 0, 0, 0, 1);
                w.append(t + 100, EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, 0x80);
                w.append(t + 200, EventType.MMIO_WRITE, 0, 0, 0, 4, 0xD8, 0xFFFFFFFFL);
                w.append(t + 300, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x2818, i & 0xFF);
                w.append(t + 400, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, i & 0xFF);
                TestCaptures.frame(w, t + 400, true, tx);
                w.append(t + 500, EventType.MMIO_WRITE, 0, 0, 0, 4, 0xD0, 0x9D);
            }
        }
        return dir;
    }

    private static List<Map<String, Object>> project(List<Map<String, Object>> rows, Set<String> columns) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Map<String, Object> p = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : r.entrySet()) {
                if (columns.contains(e.getKey())) {
                    p.put(e.getKey(), e.getValue());
                }
            }
            out.add(p);
        }
        return out;
    }

    private static void assertNarrowedMatches(Table t, List<CaptureSource> caps, Set<String> columns,
                                              List<Map<String, Object>> all) {
        List<Map<String, Object>> narrowed = TableRows.read(t, caps, AnalysisOptions.defaults(), columns);
        Set<String> expected = columns.isEmpty() ? Set.of("capture") : columns;
        assertEquals(project(all, expected), narrowed, t.label() + " narrowed to " + columns);
        if (!narrowed.isEmpty()) {
            assertEquals(new TreeSet<>(expected), new TreeSet<>(narrowed.get(0).keySet()));
        }
    }

    @Test
    void everyColumnAloneAndInPairsMatchesTheWholeTable() {
        List<CaptureSource> caps = fixtures();
        for (Table t : Table.values()) {
            List<Map<String, Object>> all = TableRows.read(t, caps, AnalysisOptions.defaults());
            assertFalse(all.isEmpty(), t.label());
            List<String> names = t.schema().getFields().stream().map(Field::getName).toList();
            assertNarrowedMatches(t, caps, Set.of(), all);
            for (int i = 0; i < names.size(); i++) {
                assertNarrowedMatches(t, caps, Set.of(names.get(i)), all);
                assertNarrowedMatches(t, caps, new java.util.HashSet<>(List.of(names.get(i),
                        names.get((i * 7 + 3) % names.size()))), all);
            }
        }
    }

    @Test
    void theColumnsOfThePerPacketQueryMatchAcrossManyBatches() throws Exception {
        List<CaptureSource> caps = List.of(new CaptureSource("l", large()));
        for (Map.Entry<Table, List<String>> e : Map.of(
                Table.EXITS, List.of("capture", "profile", "packet", "cycles"),
                Table.PACKETS, List.of("capture", "refused", "packet"),
                Table.EVENTS, List.of("seq", "type")).entrySet()) {
            List<List<Object>> all = values(e.getKey(), caps, null, e.getValue());
            assertTrue(all.size() > CaptureTableReader.BATCH_ROWS, e.getKey().label() + ": " + all.size());
            assertEquals(all, values(e.getKey(), caps, new java.util.HashSet<>(e.getValue()), e.getValue()),
                    e.getKey().label());
        }
    }

    /** The values of {@code keep} in every row of a reader narrowed to {@code columns}, codes as in the batches. */
    private static List<List<Object>> values(Table t, List<CaptureSource> caps, Set<String> columns,
                                             List<String> keep) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (RootAllocator a = new RootAllocator();
             CaptureTableReader r = new CaptureTableReader(a, t, caps, AnalysisOptions.defaults(), columns)) {
            while (r.loadNextBatch()) {
                var root = r.getVectorSchemaRoot();
                for (int i = 0; i < root.getRowCount(); i++) {
                    List<Object> row = new ArrayList<>(keep.size());
                    for (String c : keep) {
                        row.add(root.getVector(c).getObject(i));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    @Test
    void aReaderClosedBeforeItsEndFreesEverything() throws Exception {
        List<CaptureSource> caps = List.of(new CaptureSource("l", large()));
        for (Set<String> columns : new ArrayList<>(java.util.Arrays.asList(null, Set.of("packet")))) {
            // the allocator's close throws if a batch (taken, prefetched or half-filled) was not released
            try (RootAllocator a = new RootAllocator();
                 CaptureTableReader r = new CaptureTableReader(a, Table.EXITS, caps, AnalysisOptions.defaults(), columns)) {
                assertTrue(r.loadNextBatch());
                assertEquals(CaptureTableReader.BATCH_ROWS, r.getVectorSchemaRoot().getRowCount(), 64);
            }
        }
    }
}
