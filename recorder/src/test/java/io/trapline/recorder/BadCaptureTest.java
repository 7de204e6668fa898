package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Every kind of bad capture gives one CaptureException whose single line names the file. */
class BadCaptureTest {
    @TempDir
    Path tmp;

    private static CaptureException readAll(Path dir) {
        return assertThrows(CaptureException.class, () -> {
            try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
                while (c.next()) {
                    c.value();
                }
            }
        });
    }

    private static void assertOneLineNaming(CaptureException e, String... parts) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    private Path capture(int events) {
        Path dir = tmp.resolve("cap");
        byte[] payload = new byte[200];
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            for (int i = 0; i < events; i++) {
                payload[0] = (byte) i;
                w.append(i, EventType.FRAME_TX, 0, 0, 0, 0, 0, 0x5A5A5A5A_00000000L | i, 0, payload, 0, payload.length);
            }
        }
        return dir;
    }

    private static Path queueFile(Path dir) {
        return EventQueue.dataFiles(dir.resolve("events")).get(0);
    }

    @Test
    void aMissingPathIsNamed() {
        assertOneLineNaming(readAll(tmp.resolve("nope")), "nope", "does not exist");
    }

    @Test
    void aPlainFileIsNotACapture() throws Exception {
        Path f = Files.writeString(tmp.resolve("file.txt"), "hello");
        assertOneLineNaming(readAll(f), "file.txt", "not a capture");
    }

    @Test
    void aDirectoryWithoutCaptureJsonIsNotACapture() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("empty"));
        assertOneLineNaming(readAll(d), "empty", "capture.json");
    }

    @Test
    void malformedCaptureJsonGivesLineAndColumn() throws Exception {
        Path dir = capture(3);
        Files.writeString(dir.resolve("capture.json"), "{\n  \"format\": {\"name\": \"trapline-capture\",, }\n}");
        assertOneLineNaming(readAll(dir), "capture.json", "malformed JSON at line 2");
    }

    @Test
    void captureJsonWithoutAVersionIsRefused() throws Exception {
        Path dir = capture(3);
        Files.writeString(dir.resolve("capture.json"), "{\"devices\": []}");
        assertOneLineNaming(readAll(dir), "capture.json", "format.major");
    }

    @Test
    void anUnknownMajorVersionIsRefusedWithBothVersions() throws Exception {
        Path dir = capture(3);
        String json = Files.readString(dir.resolve("capture.json")).replace("\"major\" : " + CaptureMetadata.FORMAT_MAJOR, "\"major\" : 7");
        Files.writeString(dir.resolve("capture.json"), json);
        assertOneLineNaming(readAll(dir), "capture.json", "version 7." + CaptureMetadata.FORMAT_MINOR, "reads 1.x to " + CaptureMetadata.FORMAT_MAJOR + ".x");
    }

    @Test
    void aWrongFieldTypeNamesTheField() throws Exception {
        Path dir = capture(3);
        String json = Files.readString(dir.resolve("capture.json")).replace("\"seed\" : 42", "\"seed\" : \"forty-two\"");
        Files.writeString(dir.resolve("capture.json"), json);
        assertOneLineNaming(readAll(dir), "capture.json", "workload.seed");
    }

    @Test
    void aMissingEventDirectoryIsNamed() throws Exception {
        Path dir = capture(3);
        try (var files = Files.walk(dir.resolve("events"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertOneLineNaming(readAll(dir), "events", "missing");
    }

    @Test
    void aFlippedBitInAnEventIsReportedWithItsSequence() throws Exception {
        Path dir = capture(1000);
        Path file = queueFile(dir);
        // Find event 500 by its value field and flip one bit of its payload.
        byte[] needle = {0x00, 0x00, 0x00, 0x00, 0x5A, 0x5A, 0x5A, 0x5A};
        needle[0] = (byte) 0xF4;
        needle[1] = 0x01; // 500 = 0x1F4, little-endian low bytes of the value
        long at = indexOf(file, needle);
        assertTrue(at > 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long target = at + 8 + 8 + 50; // value, payloadLength+checksum, into the payload
            raf.seek(target);
            int b = raf.read();
            raf.seek(target);
            raf.write(b ^ 0x10);
        }
        assertOneLineNaming(readAll(dir), file.getFileName().toString(), "sequence 500", "checksum");
    }

    @Test
    void aTruncatedQueueFileIsReported() throws Exception {
        Path dir = capture(1000);
        Path file = queueFile(dir);
        long cut = indexOf(file, new byte[] {(byte) 0xF4, 0x01, 0, 0, 0x5A, 0x5A, 0x5A, 0x5A});
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(cut);
        }
        CaptureException e = readAll(dir);
        assertOneLineNaming(e, file.getFileName().toString());
    }

    @Test
    void markNamesAreUtf8Payloads() {
        Path dir = tmp.resolve("marks");
        byte[] name = "phase:µ-probe".getBytes(StandardCharsets.UTF_8);
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            w.append(1, EventType.MARK, 0, 0, 0, 0, 0, MarkKind.INSTANT.code(), 0, name, 0, name.length);
        }
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            assertTrue(c.next());
            byte[] back = new byte[c.payloadLength()];
            c.copyPayload(back, 0);
            assertEquals("phase:µ-probe", new String(back, StandardCharsets.UTF_8));
        }
    }

    static long indexOf(Path file, byte[] needle) throws Exception {
        byte[] all = Files.readAllBytes(file);
        outer:
        for (int i = 0; i <= all.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (all[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
