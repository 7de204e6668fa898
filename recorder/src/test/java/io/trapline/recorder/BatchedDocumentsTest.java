package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Format 1.1: consecutive events share a Chronicle document ({@link CaptureWriter#appendEncoded}). */
class BatchedDocumentsTest {
    @TempDir
    Path tmp;

    /** Event {@code i} of a mixed stream: register accesses and payloads from 1 byte to 70 KiB. */
    private static void event(EventSink w, int i, byte[] payload) {
        long t = i / 3 * 17L;
        switch (i % 4) {
            case 0 -> w.append(t, EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, i, 0, null, 0, 0);
            case 1 -> w.append(t, EventType.DMA_READ, 0, 0, 0, 0, 0x10_0000L + i, 16, 0, payload, i % 50, 16);
            case 2 -> w.append(t, EventType.FRAME_TX, 0, 0, 0, 0, 0, i, 0, payload, 3, 1 + (i * 7919) % 1514);
            default -> w.append(t, EventType.DMA_WRITE, 0, 0, 0, 0, 0x20_0000L, i, 0, payload, 0,
                    i % 97 == 3 ? 70_000 : 1 + i % 64);
        }
    }

    private static byte[] payload() {
        byte[] p = new byte[80_000];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 31 + (i >> 8));
        }
        return p;
    }

    /** An {@link EventSink} that lays each event out as on disk and hands it to {@link CaptureWriter#appendEncoded}. */
    private static EventSink encoded(CaptureWriter w) {
        byte[] buf = new byte[EventLayout.HEADER_SIZE + EventLayout.MAX_PAYLOAD];
        return (t, type, device, queue, region, size, address, value, flags, p, off, len) -> {
            EventBytes.putLong(buf, EventLayout.TYPE, EventChecksum.packed(type.code(), device, queue, region, size, flags));
            EventBytes.putLong(buf, EventLayout.ADDRESS, address);
            EventBytes.putLong(buf, EventLayout.VALUE, value);
            EventBytes.putInt(buf, EventLayout.PAYLOAD_LENGTH, len);
            if (len > 0) {
                System.arraycopy(p, off, buf, EventLayout.HEADER_SIZE, len);
            }
            return w.appendEncoded(buf, 0, t);
        };
    }

    private Path batched(String name, int events) {
        Path dir = tmp.resolve(name);
        byte[] p = payload();
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            EventSink sink = encoded(w);
            for (int i = 0; i < events; i++) {
                event(sink, i, p);
            }
        }
        return dir;
    }

    /** The data documents' lengths, in file order. */
    private static List<Integer> documentLengths(Path dir) {
        List<Integer> lengths = new ArrayList<>();
        MappedQueueFile f = MappedQueueFile.open(EventQueue.dataFiles(dir.resolve("events")).get(0));
        try {
            for (int len; (len = f.next()) >= 0; ) {
                lengths.add(len);
            }
        } finally {
            f.close();
        }
        return lengths;
    }

    @Test
    void eventsShareDocumentsOfAboutTheBatchSizeAndReadBackLikeOnePerDocument() throws Exception {
        int events = 20_000;
        Path single = tmp.resolve("single");
        byte[] p = payload();
        try (CaptureWriter w = CaptureWriter.create(single, CaptureFixture.metadata())) {
            for (int i = 0; i < events; i++) {
                event(w, i, p);
            }
        }
        Path batched = batched("batched", events);
        assertEquals(events, documentLengths(single).size(), "append() writes one event per document");
        List<Integer> docs = documentLengths(batched);
        assertTrue(docs.size() < events / 20, docs.size() + " documents for " + events + " events");
        for (int i = 0; i < docs.size() - 1; i++) {
            assertTrue(docs.get(i) >= CaptureWriter.BATCH_BYTES, "document " + i + " closed early: " + docs.get(i));
        }
        String expected = AsyncCaptureWriterTest.streamHash(single);
        assertEquals(expected, AsyncCaptureWriterTest.streamHash(batched));
        try (CaptureReader r = CaptureReader.open(batched)) {
            for (EventCursor c : List.of(r.tailerCursor(), r.cursor(0, 1L << 20))) {
                try (c) {
                    long n = 0;
                    while (c.next()) {
                        assertEquals(n++, c.sequence());
                    }
                    assertEquals(events, n, "tailer and a 1 MiB sliding window read every event");
                }
            }
        }
    }

    @Test
    void aBatchedWriterPutsItsAppendsIntoTheSameDocumentsAsEncodedAppends() throws Exception {
        int events = 20_000;
        Path viaAppend = tmp.resolve("append");
        byte[] p = payload();
        try (CaptureWriter w = CaptureWriter.createBatched(viaAppend, CaptureFixture.metadata())) {
            for (int i = 0; i < events; i++) {
                event(w, i, p);
            }
        }
        Path viaEncoded = batched("encoded", events);
        assertEquals(documentLengths(viaEncoded), documentLengths(viaAppend));
        assertTrue(documentLengths(viaAppend).size() < events / 20);
        assertEquals(AsyncCaptureWriterTest.streamHash(viaEncoded), AsyncCaptureWriterTest.streamHash(viaAppend));
    }

    @Test
    void aBatchedWriterKeepsTheCompleteEventsOfTheOpenDocumentWhenAnAppendFails() {
        Path dir = tmp.resolve("failing");
        try (CaptureWriter w = CaptureWriter.createBatched(dir, CaptureFixture.metadata())) {
            w.append(10, EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, 1);
            w.append(20, EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, 2);
            assertThrows(IllegalArgumentException.class, () -> w.append(5, EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, 3),
                    "time going backwards is refused");
            w.append(30, EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, 4);
        }
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            List<Long> values = new ArrayList<>();
            while (c.next()) {
                values.add(c.value());
            }
            assertEquals(List.of(1L, 2L, 4L), values);
        }
    }

    @Test
    void aCursorFromASequenceStartsInsideTheDocumentHoldingIt() {
        int events = 5_000;
        Path dir = batched("cap", events);
        try (CaptureReader r = CaptureReader.open(dir)) {
            long[] starts = {1, 2, 3, 100, 101, 2_500, 4_998, 4_999};
            for (long from : starts) {
                try (EventCursor c = r.cursor(from)) {
                    assertTrue(c.next(), "from " + from);
                    assertEquals(from, c.sequence());
                    long n = 1;
                    while (c.next()) {
                        n++;
                    }
                    assertEquals(events - from, n, "from " + from);
                }
            }
            for (int k = 0; k < 50; k++) {
                long from = ThreadLocalRandom.current().nextLong(events);
                try (EventCursor c = r.cursor(from)) {
                    assertTrue(c.next());
                    assertEquals(from, c.sequence());
                }
            }
            try (EventCursor c = r.cursor(events)) {
                assertFalse(c.next());
            }
            try (EventCursor c = r.cursor(events + 1_000)) {
                assertFalse(c.next());
            }
        }
    }

    @Test
    void documentsEndAtTheSamePlacesHoweverFarBehindTheWriterThreadIs() throws Exception {
        int events = 6_000;
        byte[] p = payload();
        List<List<Integer>> runs = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            Path dir = tmp.resolve("async" + run);
            int stallEvery = 1 + run * 37;
            EventSink slow = (t, type, d, q, rg, s, a, v, f, b, o, l) -> {
                if (v % stallEvery == 0) {
                    Thread.onSpinWait();
                    Thread.yield();
                }
                return 0;
            };
            try (AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(), () -> slow, 4 << 20)) {
                for (int i = 0; i < events; i++) {
                    event(w, i, p);
                    if (run == 2 && i % 1000 == 0) {
                        Thread.sleep(2); // the writer thread catches up and waits with a document open
                    }
                }
            }
            runs.add(documentLengths(dir));
        }
        assertEquals(runs.get(0), runs.get(1));
        assertEquals(runs.get(0), runs.get(2));
        assertEquals(documentLengths(batched("direct", events)), runs.get(0));
    }

    @Test
    void aFlushCompletesTheOpenDocument() {
        Path dir = tmp.resolve("cap");
        byte[] p = payload();
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            EventSink sink = encoded(w);
            event(sink, 0, p);
            event(sink, 1, p);
            try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
                assertFalse(c.next(), "an open document is not visible yet");
            }
            w.flush();
            try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
                assertTrue(c.next());
                assertTrue(c.next());
                assertFalse(c.next());
            }
        }
    }

    @Test
    void aFlippedBitInsideADocumentIsReportedWithTheEventsSequence() throws Exception {
        Path dir = batched("cap", 1_000);
        Path file = EventQueue.dataFiles(dir.resolve("events")).get(0);
        long at;
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            for (int i = 0; i <= 502; i++) {
                assertTrue(c.next());
            }
            assertEquals(EventType.FRAME_TX, c.type());
            at = c.fileOffset();
        }
        // event 502 (the only one whose value is 502, after an address of 0) lies in that document: alter its value
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] doc = new byte[1 << 20];
            raf.seek(at);
            int n = raf.read(doc);
            int found = -1;
            for (int i = 8; i + 8 <= n && found < 0; i++) {
                if (EventBytes.getLong(doc, i) == 502 && EventBytes.getLong(doc, i - 8) == 0) {
                    found = i;
                }
            }
            assertTrue(found > 0, "event 502's value field in its document");
            raf.seek(at + found);
            raf.write(502 ^ 0x40);
        }
        CaptureException e = assertThrows(CaptureException.class, () -> {
            try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
                while (c.next()) {
                    c.value();
                }
            }
        });
        assertTrue(e.getMessage().contains("corrupt event at sequence 502") && e.getMessage().contains("checksum"),
                e.getMessage());
    }

    @Test
    void aBatchThatCannotBeWrittenIsNotCounted() throws Exception {
        Path dir = tmp.resolve("cap");
        CaptureWriter w = CaptureWriter.createBatched(dir, CaptureFixture.metadata());
        for (int i = 0; i < 10; i++) {
            w.append(i, EventType.KICK, 0, 1, 0, 0, 0, 1);
        }
        w.flush(); // the first ten are in a document now
        for (int i = 10; i < 15; i++) {
            w.append(i, EventType.MSI, 0, 0, 0, 0, 0xFEE0_0000L, 0x41);
        }
        // the queue goes away underneath the writer (as its files would on a failing disk)
        java.lang.reflect.Field queue = CaptureWriter.class.getDeclaredField("queue");
        queue.setAccessible(true);
        ((AutoCloseable) queue.get(w)).close();
        assertThrows(RuntimeException.class, w::flush);
        assertEquals(10, w.count(), "the five events of the failed batch are not in the capture");
        assertEquals(10, w.count(EventType.KICK));
        assertEquals(0, w.count(EventType.MSI));
        w.closeIncomplete();
        CaptureMetadata meta = CaptureMetadata.readFrom(dir);
        assertEquals(10, meta.events().count());
        assertEquals(9, meta.events().lastTimeNs(), "the summary ends at the last event written");
    }

    @Test
    void aCursorStartingInsideADocumentCopiesEachEventsOwnPayload() {
        Path dir = tmp.resolve("positioned");
        try (CaptureWriter w = CaptureWriter.createBatched(dir, CaptureFixture.metadata())) {
            w.append(1, EventType.MARK, 0, 0, 0, 0, 0, 0, 0, new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}, 0, 8);
            w.append(2, EventType.DMA_READ, 0, 0, 0, 0, 0x1000, 4, 0, new byte[] {1, 2, 3, 4}, 0, 4);
            w.append(3, EventType.DMA_WRITE, 0, 0, 0, 0, 0x2000, 2, 0, new byte[] {9, 8}, 0, 2);
        } // one document of three events
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor(1)) { // as `inspect --from 1` reads
            assertTrue(c.next());
            byte[] read = new byte[4];
            c.copyPayload(read, 0);
            assertArrayEquals(new byte[] {1, 2, 3, 4}, read);
            assertTrue(c.next());
            byte[] written = new byte[2];
            c.copyPayload(written, 0);
            assertArrayEquals(new byte[] {9, 8}, written);
            assertEquals(8, c.payloadByte(1));
        }
    }
}
