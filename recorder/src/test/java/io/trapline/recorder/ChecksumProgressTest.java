package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Cursors sharing checksum progress checksum each event once between them, and still report a damaged event. */
class ChecksumProgressTest {
    @TempDir
    Path tmp;

    private Path capture(int events) {
        Path dir = tmp.resolve("cap");
        byte[] payload = new byte[100];
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            for (int i = 0; i < events; i++) {
                payload[0] = (byte) i;
                w.append(i, EventType.DMA_READ, 0, 0, 0, 0, 0x1000, 0x5A5A5A5A_00000000L | i, 0, payload, 0, payload.length);
            }
        }
        return dir;
    }

    private static long drain(EventCursor c) {
        long n = 0;
        while (c.next()) {
            assertEquals(n, c.sequence());
            n++;
        }
        return n;
    }

    @Test
    void aCursorBehindAnotherSkipsTheChecksumsItAlreadyVerified() {
        Path dir = capture(10_000);
        ChecksumProgress shared = new ChecksumProgress();
        try (CaptureReader r = CaptureReader.open(dir);
             EventCursor ahead = r.cursor(shared);
             EventCursor behind = r.cursor(shared);
             EventCursor alone = r.cursor()) {
            assertEquals(10_000, drain(ahead));
            assertEquals(10_000, ahead.eventsChecksummed());
            assertTrue(shared.verifiedBelow() > 10_000 - ChecksumProgress.PUBLISH_EVERY);
            assertEquals(10_000, drain(behind));
            assertTrue(behind.eventsChecksummed() < ChecksumProgress.PUBLISH_EVERY,
                    "only the tail not yet published: " + behind.eventsChecksummed());
            assertEquals(10_000, drain(alone));
            assertEquals(10_000, alone.eventsChecksummed());
        }
    }

    @Test
    void aDamagedEventIsReportedByEveryCursorThatReachesIt() throws Exception {
        Path dir = capture(5_000);
        Path file = EventQueue.dataFiles(dir.resolve("events")).get(0);
        byte[] all = Files.readAllBytes(file);
        byte[] needle = {(byte) 0xB8, 0x0B, 0x00, 0x00, 0x5A, 0x5A, 0x5A, 0x5A}; // event 3000's value
        long at = -1;
        outer:
        for (int i = 0; i <= all.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (all[i + j] != needle[j]) {
                    continue outer;
                }
            }
            at = i;
            break;
        }
        assertTrue(at > 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at + 8 + 8 + 40); // past the value, payload length and checksum: into the payload
            int b = raf.read();
            raf.seek(at + 8 + 8 + 40);
            raf.write(b ^ 0x01);
        }
        ChecksumProgress shared = new ChecksumProgress();
        try (CaptureReader r = CaptureReader.open(dir)) {
            for (int i = 0; i < 2; i++) {
                try (EventCursor c = r.cursor(shared)) {
                    CaptureException e = assertThrows(CaptureException.class, () -> drain(c));
                    assertTrue(e.getMessage().contains("sequence 3000") && e.getMessage().contains("checksum"),
                            e.getMessage());
                }
            }
            assertTrue(shared.verifiedBelow() <= 3000);
        }
    }
}
