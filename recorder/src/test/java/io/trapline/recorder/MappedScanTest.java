package io.trapline.recorder;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A scan from the start walks the mapped queue file instead of Chronicle's tailer: it must return exactly the
 * events the tailer returns, on finished, still-recording and damaged captures, and report damage as clearly.
 */
class MappedScanTest {
    @TempDir
    Path tmp;

    /** Everything a cursor shows of one event, payload included. */
    private record Seen(long seq, long time, EventType type, int device, int queue, int region, int size, int flags,
                        long address, long value, String payload) {
    }

    private static Seen seen(EventCursor c) {
        byte[] p = new byte[c.payloadLength()];
        c.copyPayload(p, 0);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.length; i++) {
            assertEquals(p[i], c.payloadByte(i));
            sb.append((char) (p[i] & 0xFF));
        }
        return new Seen(c.sequence(), c.timeNs(), c.type(), c.device(), c.queue(), c.region(), c.size(), c.flags(),
                c.address(), c.value(), sb.toString());
    }

    private static List<Seen> scan(EventCursor c) {
        List<Seen> out = new ArrayList<>();
        try (c) {
            while (c.next()) {
                out.add(seen(c));
            }
        }
        return out;
    }

    private static List<Seen> mapped(CaptureReader r) {
        EventCursor c = r.cursor();
        assertTrue(c.readsMappedFile(), "a scan from the start should walk the mapped file");
        return scan(c);
    }

    private static List<Seen> tailer(CaptureReader r) {
        EventCursor c = r.tailerCursor();
        assertFalse(c.readsMappedFile());
        return scan(c);
    }

    private static void append(CaptureWriter w, long i) {
        int len = (int) (i % 5 == 0 ? 1 + i % 1500 : i % 3);
        byte[] payload = new byte[len];
        for (int j = 0; j < len; j++) {
            payload[j] = (byte) (i * 7 + j);
        }
        w.append(i, len > 0 ? EventType.DMA_WRITE : EventType.MMIO_READ, (int) (i % 3), (int) (i % 70_000 & 0xFFFF),
                (int) (i % 6), 4, i * 0x1000, ~i, (int) (i & 0x7), payload, 0, len);
    }

    @Test
    void aFinishedCaptureReadsTheSameThroughBothPaths() {
        Path dir = tmp.resolve("cap");
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            for (long i = 0; i < 50_000; i++) {
                append(w, i);
            }
        }
        try (CaptureReader r = CaptureReader.open(dir)) {
            List<Seen> viaFile = mapped(r);
            assertEquals(50_000, viaFile.size());
            assertEquals(tailer(r), viaFile);
        }
    }

    @Test
    void aWindowSlidingAlongTheFileReadsTheSame() {
        // 1 MiB windows over ~6 MiB of events: documents straddle window ends, and the window moves on many times
        Path dir = tmp.resolve("slide");
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            for (long i = 0; i < 20_000; i++) {
                append(w, i);
            }
        }
        try (CaptureReader r = CaptureReader.open(dir)) {
            EventCursor c = r.cursor(0, 1L << 20);
            assertTrue(c.readsMappedFile());
            List<Seen> sliding = scan(c);
            assertEquals(20_000, sliding.size());
            assertEquals(tailer(r), sliding);
        }
    }

    @Test
    void everyEventTypeOfTheFixtureReadsTheSame() {
        Path dir = tmp.resolve("fixture");
        long n = CaptureFixture.writeAllTypes(dir);
        try (CaptureReader r = CaptureReader.open(dir)) {
            List<Seen> viaFile = mapped(r);
            assertEquals(n, viaFile.size());
            assertEquals(tailer(r), viaFile);
        }
    }

    @Test
    void metadataDocumentsBetweenEventsAreSkipped() {
        // Chronicle writes index arrays as metadata documents among the events (every few million events):
        // place some by hand, with the event encoding CaptureWriter uses.
        Path dir = tmp.resolve("meta");
        CaptureFixture.metadata().writeTo(createDirectory(dir));
        try (SingleChronicleQueue q = EventQueue.open(dir.resolve(EventQueue.DIRECTORY), false);
             ExcerptAppender a = q.createAppender()) {
            for (long seq = 0; seq < 1000; seq++) {
                if (seq % 100 == 3) {
                    try (DocumentContext dc = a.writingDocument(true)) {
                        dc.wire().bytes().write(new byte[(int) seq % 13 + 1]);
                    }
                }
                try (DocumentContext dc = a.writingDocument()) {
                    writeEvent(dc.wire().bytes(), seq, (int) (seq % 11));
                }
            }
        }
        try (CaptureReader r = CaptureReader.open(dir)) {
            List<Seen> viaFile = mapped(r);
            assertEquals(1000, viaFile.size());
            assertEquals(tailer(r), viaFile);
        }
    }

    private static Path createDirectory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void writeEvent(Bytes<?> b, long seq, int payloadLength) {
        byte[] payload = new byte[payloadLength];
        java.util.Arrays.fill(payload, (byte) seq);
        byte[] header = new byte[EventLayout.HEADER_SIZE];
        EventLayout.putHeader(header, 0, seq, seq, EventChecksum.packed(EventType.FRAME_TX.code(), 0, 0, 0, 0, 0), 0,
                seq, payloadLength);
        EventBytes.putInt(header, EventLayout.CHECKSUM, EventChecksum.of(
                EventChecksum.usesCrc32c(CaptureMetadata.FORMAT_MAJOR), header, 0, payload, 0, payloadLength));
        b.write(header);
        b.write(payload);
    }

    @Test
    void aCaptureStillBeingWrittenShowsWhatIsCompleteAndThenWhatFollows() {
        Path dir = tmp.resolve("live");
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            for (long i = 0; i < 1000; i++) {
                append(w, i);
            }
            try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
                assertTrue(c.readsMappedFile());
                long n = 0;
                while (c.next()) {
                    n++;
                }
                assertEquals(1000, n);
                // the writer goes on, past the file's pre-allocated length (the file grows under the mapping)
                long fileBefore = size(r.eventsFile());
                byte[] big = new byte[1500];
                long seq = 1000;
                while (size(r.eventsFile()) <= fileBefore) {
                    w.append(seq, EventType.FRAME_RX, 0, 0, 0, 0, 0, seq, 0, big, 0, big.length);
                    seq++;
                }
                while (c.next()) {
                    assertEquals(n, c.sequence());
                    n++;
                }
                assertEquals(seq, n, "the same cursor reads on into the grown file");
                assertEquals(tailer(r).size(), n);
            }
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFileCutInsideTheEventsIsReportedAsTruncatedWithTheOffset() throws Exception {
        Path dir = tmp.resolve("cut");
        byte[] payload = new byte[1500];
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            for (long i = 0; i < 3000; i++) {
                w.append(i, EventType.FRAME_TX, 0, 0, 0, 0, 0, i, 0, payload, 0, payload.length);
            }
        }
        Path file = EventQueue.dataFiles(dir.resolve("events")).get(0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(3L << 20); // whole MiB, so the reader's length check passes; events ran to ~5 MiB
        }
        CaptureException e = assertThrows(CaptureException.class, () -> {
            try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
                assertTrue(c.readsMappedFile());
                while (c.next()) {
                    c.value();
                }
            }
        });
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("file offset"), e.getMessage());
    }

    @Test
    void aFileEndingAtADocumentBoundaryFallsShortOfTheDeclaredCount() throws Exception {
        Path dir = tmp.resolve("short");
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            for (long i = 0; i < 100; i++) {
                w.append(i, EventType.MMIO_READ, 0, 0, 0, 4, 8, i);
            }
        }
        Path file = EventQueue.dataFiles(dir.resolve("events")).get(0);
        // zero the header of event 60: to a reader the queue now ends there, as if the last writes were lost
        long at;
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            for (int i = 0; i <= 60; i++) {
                assertTrue(c.next());
            }
            at = c.fileOffset();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.writeInt(0);
        }
        for (boolean viaFile : new boolean[] {true, false}) {
            CaptureException e = assertThrows(CaptureException.class, () -> {
                try (CaptureReader r = CaptureReader.open(dir); EventCursor c = viaFile ? r.cursor() : r.tailerCursor()) {
                    while (c.next()) {
                        c.value();
                    }
                }
            });
            assertEquals(file + ": truncated: capture.json declares 100 events but the queue ends after 60",
                    e.getMessage());
        }
    }

    @Test
    void aFileThatDoesNotStartWithChroniclesStoreHeaderIsNotWalked() throws Exception {
        Path f = tmp.resolve("other.cq4");
        byte[] bytes = new byte[1 << 20];
        bytes[0] = 12; // a data document header, where the store header (metadata) belongs
        Files.write(f, bytes);
        assertNull(MappedQueueFile.open(f));
        Files.write(f, new byte[2]);
        assertNull(MappedQueueFile.open(f));
    }
}
