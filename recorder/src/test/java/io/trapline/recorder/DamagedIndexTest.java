package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Chronicle's index of the queue (its index2index and index arrays, metadata documents in the queue file) is not
 * covered by any checksum: a scan from a later sequence must not depend on it. A damaged index once made a cursor find
 * no events (inspect --from printed nothing, exit 0), fail with Chronicle's own messages, or map memory for positions
 * far past the end of the file until the heap ran out.
 */
class DamagedIndexTest {
    private static final int EVENTS = 6_000;

    @TempDir
    Path tmp;

    /** A capture whose events share documents, as recordings' do: payloads make documents of many sizes. */
    private Path capture(String name) {
        Path dir = tmp.resolve(name);
        byte[] p = new byte[3000];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 7);
        }
        try (CaptureWriter w = CaptureWriter.createBatched(dir, CaptureFixture.metadata())) {
            for (int i = 0; i < EVENTS; i++) {
                if (i % 5 == 1) {
                    w.append(i, EventType.DMA_WRITE, 0, 0, 0, 0, 0x1000, i, 0, p, 0, 1 + i % 2500);
                } else {
                    w.append(i, EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, i);
                }
            }
        }
        return dir;
    }

    private static Path queueFile(Path dir) {
        return EventQueue.dataFiles(dir.resolve(EventQueue.DIRECTORY)).get(0);
    }

    /** File offsets of the data documents' headers, and the sequence of each one's first event. */
    private static List<long[]> documents(Path dir) {
        List<long[]> out = new ArrayList<>();
        MappedQueueFile f = MappedQueueFile.open(queueFile(dir));
        try {
            while (f.next() >= 0) {
                out.add(new long[] {f.offset(), net.openhft.chronicle.core.UnsafeMemory.MEMORY.readLong(f.address())});
            }
        } finally {
            f.close();
        }
        return out;
    }

    /**
     * File offset of the first entry of Chronicle's "index" array: the entry that points at the first data document
     * (found by its value, after the array's name).
     */
    private static long firstIndexEntry(Path dir, long firstDocument) throws Exception {
        byte[] bytes = Files.readAllBytes(queueFile(dir));
        byte[] name = "\u00b9\u0005index".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i + name.length < bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + name.length, name, 0, name.length)) {
                for (int j = i + name.length; j < i + 64; j++) {
                    if (java.nio.ByteBuffer.wrap(bytes, j, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong() == firstDocument) {
                        return j;
                    }
                }
            }
        }
        throw new AssertionError("no index array pointing at " + firstDocument);
    }

    private static void writeLong(Path file, long at, long value) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.writeLong(Long.reverseBytes(value));
        }
    }

    private static void assertReadsFrom(Path dir, long from) {
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor(from)) {
            assertTrue(c.next(), "from " + from);
            assertEquals(from, c.sequence());
            assertEquals(from, c.value());
            long n = 1;
            while (c.next()) {
                assertEquals(from + n, c.value());
                n++;
            }
            assertEquals(EVENTS - from, n, "from " + from);
        }
    }

    @Test
    void aScanFromALaterSequenceDoesNotDependOnChroniclesIndex() throws Exception {
        Path good = capture("good");
        List<long[]> docs = documents(good);
        assertTrue(docs.size() > 20, "the test needs many documents: " + docs.size());
        long entry = firstIndexEntry(good, docs.get(0)[0]);
        long[] damaged = {
                docs.get(0)[0] ^ 1,                 // into the middle of a document header
                docs.get(docs.size() / 2)[0],       // a real document, but not the first
                Files.size(queueFile(good)) + 4096, // past the end of the file
                1L << 40};                          // far past it: Chronicle would map memory up to there
        for (int k = 0; k < damaged.length; k++) {
            Path dir = capture("c" + k);
            writeLong(queueFile(dir), entry, damaged[k]);
            for (long from : new long[] {1, 999, EVENTS / 2, EVENTS - 1}) {
                assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertReadsFrom(dir, from), "index entry " + k);
            }
            try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor(EVENTS + 10)) {
                assertFalse(c.next());
            }
        }
    }

    @Test
    void aDamagedDocumentHeaderBeforeTheSequenceIsReportedWhereAScanFromTheStartReportsIt() throws Exception {
        Path dir = capture("cap");
        List<long[]> docs = documents(dir);
        long[] doc = docs.get(docs.size() / 3);
        try (RandomAccessFile raf = new RandomAccessFile(queueFile(dir).toFile(), "rw")) {
            raf.seek(doc[0]); // the low byte of its length: the walk over documents lands inside one
            int b = raf.read();
            raf.seek(doc[0]);
            raf.write(b ^ 0x30);
        }
        CaptureException whole = assertThrows(CaptureException.class, () -> {
            try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
                while (c.next()) {
                    // to the damage
                }
            }
        });
        CaptureException from = assertThrows(CaptureException.class, () -> {
            try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor(EVENTS - 10)) {
                while (c.next()) {
                    // to the damage
                }
            }
        });
        assertEquals(whole.getMessage(), from.getMessage());
    }

    @Test
    void laterScansFromASequenceStartNearTheDocumentsEarlierOnesVerified() throws Exception {
        Path dir = capture("cap");
        try (CaptureReader r = CaptureReader.open(dir)) {
            try (EventCursor c = r.cursor()) {
                while (c.next()) {
                    // records where documents start
                }
            }
            long[] at = r.checkpoints().floor(EVENTS - 1);
            assertTrue(at[0] >= ScanCheckpoints.SPACING && at[0] <= EVENTS - 1, "checkpoint " + at[0]);
            // a checkpoint is where a document starts: a scan from it reads on from that event
            for (long from = 0; from < EVENTS; from += 997) {
                try (EventCursor c = r.cursor(from)) {
                    assertTrue(c.next());
                    assertEquals(from, c.sequence());
                }
            }
        }
    }
}
