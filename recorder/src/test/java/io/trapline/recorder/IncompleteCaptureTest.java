package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A capture whose writer failed (e.g. the file system filled up) is left incomplete: capture.json at status
 * "recording" with the count of the events written whole, and the queue file past them possibly unreadable (pages
 * that fault when read, or garbage). A scan of such a capture ends where it stops being readable, after the events
 * capture.json declares, and says why; unreadable events among the declared ones, or in a complete capture, are
 * still errors.
 */
class IncompleteCaptureTest {
    private static final int PAYLOAD = 1500;

    @TempDir
    Path tmp;

    /**
     * {@code events} frames of 1500 bytes, one per document, in a capture whose writer stopped without completing it;
     * capture.json declares {@code declared} events (null: no summary, as when the writer never recorded one).
     */
    private Path incomplete(String name, int events, Long declared) {
        return incomplete(name, events, declared, true);
    }

    /**
     * As above; {@code distinct}: no two neighbouring payloads alike, else all zeros (then a payload read that faults
     * and leaves the previous event's bytes in place can pass the checksum).
     */
    private Path incomplete(String name, int events, Long declared, boolean distinct) {
        Path dir = tmp.resolve(name);
        byte[] payload = new byte[PAYLOAD];
        CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata());
        for (int i = 0; i < events; i++) {
            java.util.Arrays.fill(payload, distinct ? (byte) i : 0);
            w.append(i, EventType.FRAME_RX, 0, 0, 0, 0, 0, i, 0, payload, 0, payload.length);
        }
        w.closeIncomplete();
        CaptureMetadata meta = CaptureMetadata.readFrom(dir);
        assertFalse(meta.complete());
        meta.withEvents(meta.status(), declared == null ? null : new CaptureMetadata.EventSummary(declared, 0, declared - 1))
                .writeTo(dir);
        return dir;
    }

    private static Path queueFile(Path dir) {
        return EventQueue.dataFiles(dir.resolve("events")).get(0);
    }

    /** File offset of each event's document (one event per document). */
    private static List<Long> offsets(Path dir) {
        List<Long> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            while (c.next()) {
                out.add(c.fileOffset());
            }
        }
        return out;
    }

    private static void write(Path file, long at, byte[] bytes) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(bytes);
        }
    }

    private record Scan(long events, String end) {
    }

    private static Scan scan(EventCursor c) {
        long n = 0;
        while (c.next()) {
            assertEquals(c.sequence(), c.value());
            n++;
        }
        return new Scan(n, c.unreadableTail() == null ? null : c.unreadableTail().reason());
    }

    /**
     * The file loses its pages past {@code cut} under a cursor that has it mapped: reading them faults (SIGBUS), which
     * the JVM reports as an InternalError some time after the read. The events before are read, then the scan ends.
     */
    private long readAcrossAFault(Path dir, long cut) throws Exception {
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            assertTrue(c.readsMappedFile());
            assertTrue(c.next());
            try (RandomAccessFile raf = new RandomAccessFile(queueFile(dir).toFile(), "rw")) {
                raf.setLength(cut);
            }
            long n = 1;
            while (c.next()) {
                assertEquals(n, c.value());
                n++;
            }
            assertNotNull(c.unreadableTail(), "the scan says why it ended");
            String reason = c.unreadableTail().reason();
            assertTrue(reason.contains("corrupt event at sequence " + n + " "), reason);
            assertTrue(reason.contains("unreadable"), reason);
            assertFalse(c.next(), "and stays at its end");
            return n;
        }
    }

    @Test
    void aReadFaultPastTheDeclaredEventsEndsTheScanThereAndNothingFaultsLater() throws Exception {
        Path warm = tmp.resolve("warm");
        byte[] payload = new byte[PAYLOAD];
        try (CaptureWriter w = CaptureWriter.create(warm, CaptureFixture.metadata())) {
            for (int i = 0; i < 100_000; i++) {
                w.append(i, EventType.FRAME_RX, 0, 0, 0, 0, 0, i, 0, payload, 0, i % 3 == 0 ? PAYLOAD : 0);
            }
        }
        for (int i = 0; i < 10; i++) { // the scan's code compiled, as in a long-running reader
            try (CaptureReader r = CaptureReader.open(warm); EventCursor c = r.cursor()) {
                assertEquals(100_000, scan(c).events());
            }
        }
        for (long cut : new long[] {3L << 20, (3L << 20) + 4096, (3L << 20) + 8192}) {
            for (boolean distinct : new boolean[] {true, false}) {
                Path dir = incomplete("cap-" + cut + "-" + distinct, 3000, 1000L, distinct);
                long whole = offsets(dir).stream().filter(o -> o + 4 + EventLayout.HEADER_SIZE + PAYLOAD <= cut).count();
                long read = readAcrossAFault(dir, cut);
                if (distinct) {
                    assertEquals(whole, read, "every event wholly before the cut");
                } else {
                    assertTrue(read == whole || read == whole + 1, read + " events read, " + whole + " before the cut");
                }
                List<Object> calls = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    calls.add(new byte[i % 10][1]); // calls into the VM: a fault still pending would be thrown here
                }
            }
        }
    }

    @Test
    void aReadFaultInAnEventTheCaptureDeclaresIsAnErrorNamingTheFile() throws Exception {
        Path dir = incomplete("cap", 3000, 3000L);
        Path file = queueFile(dir);
        CaptureException e = assertThrows(CaptureException.class, () -> readAcrossAFault(dir, 3L << 20));
        assertTrue(e.getMessage().startsWith(file + ": corrupt event at sequence "), e.getMessage());
        assertTrue(e.getMessage().contains("unreadable: the queue file is damaged or truncated"), e.getMessage());
    }

    @Test
    void anUnreadableDocumentPastTheDeclaredEventsEndsTheScanThere() throws Exception {
        Path dir = incomplete("cap", 100, 60L);
        write(queueFile(dir), offsets(dir).get(80) + 4 + EventLayout.HEADER_SIZE + 7, new byte[] {0x55}); // payload
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            Scan s = scan(c);
            assertEquals(80, s.events());
            assertTrue(s.end().startsWith("corrupt event at sequence 80 "), s.end());
            assertTrue(s.end().contains("checksum mismatch"), s.end());
        }
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.tailerCursor()) {
            assertEquals(80, scan(c).events(), "the same through Chronicle's tailer");
        }
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor(10)) {
            assertEquals(70, scan(c).events(), "and from a later sequence");
        }
        assertEquals(80, CaptureReader.open(dir).countByType().get(EventType.FRAME_RX));
    }

    @Test
    void aDocumentRunningPastTheEndOfTheFileEndsTheScanThere() throws Exception {
        Path dir = incomplete("cap", 100, 60L);
        write(queueFile(dir), offsets(dir).get(90), new byte[] {(byte) 0xF0, (byte) 0xFF, (byte) 0xFF, 0x3F}); // header
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            Scan s = scan(c);
            assertEquals(90, s.events());
            assertTrue(s.end().startsWith("truncated: the document at file offset "), s.end());
        }
    }

    @Test
    void withoutAnEventSummaryAnyUnreadableDocumentEndsTheScan() throws Exception {
        Path dir = incomplete("cap", 100, null);
        write(queueFile(dir), offsets(dir).get(3) + 4 + EventLayout.HEADER_SIZE, new byte[] {0x55});
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            assertEquals(3, scan(c).events());
        }
    }

    @Test
    void anUnreadableEventAmongTheDeclaredOnesOrInACompleteCaptureIsStillAnError() throws Exception {
        Path dir = incomplete("cap", 100, 100L);
        Path file = queueFile(dir);
        write(file, offsets(dir).get(80) + 4 + EventLayout.HEADER_SIZE + 7, new byte[] {0x55});
        CaptureException e = assertThrows(CaptureException.class, () -> {
            try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
                scan(c);
            }
        });
        assertTrue(e.getMessage().startsWith(file + ": corrupt event at sequence 80 "), e.getMessage());
        CaptureMetadata meta = CaptureMetadata.readFrom(dir);
        meta.withEvents(CaptureMetadata.STATUS_COMPLETE, meta.events()).writeTo(dir);
        assertThrows(CaptureException.class, () -> {
            try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
                scan(c);
            }
        });
    }
}
