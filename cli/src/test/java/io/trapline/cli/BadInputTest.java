package io.trapline.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Each bad input: exit code 2, exactly one line on stderr naming the file or flag, no stack trace. */
class BadInputTest {
    @TempDir
    Path tmp;

    private static void assertOneErrorLine(CliRun r, String... mentions) {
        assertEquals(2, r.code(), "exit code; stderr: " + r.err());
        String err = r.err().strip();
        assertFalse(err.isEmpty());
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        for (String m : mentions) {
            assertTrue(err.contains(m), "'" + err + "' should mention '" + m + "'");
        }
    }

    @Test
    void missingPath() {
        assertOneErrorLine(CliRun.of("info", tmp.resolve("missing").toString()), "missing", "does not exist");
        assertOneErrorLine(CliRun.of("inspect", tmp.resolve("missing").toString()), "missing");
    }

    @Test
    void directoryThatIsNotACapture() {
        assertOneErrorLine(CliRun.of("info", tmp.toString()), tmp.toString(), "capture.json");
    }

    @Test
    void malformedCaptureJson() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Files.writeString(cap.resolve("capture.json"), "{ not json");
        assertOneErrorLine(CliRun.of("info", cap.toString()), "capture.json", "malformed JSON");
    }

    @Test
    void unknownFormatVersion() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path json = cap.resolve("capture.json");
        Files.writeString(json, Files.readString(json).replace("\"major\" : " + io.trapline.recorder.CaptureMetadata.FORMAT_MAJOR, "\"major\" : 9"));
        assertOneErrorLine(CliRun.of("inspect", cap.toString()), "capture.json",
                "version 9." + io.trapline.recorder.CaptureMetadata.FORMAT_MINOR);
    }

    @Test
    void truncatedQueueFile() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path file = queueFile(cap);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() / 1000);
        }
        assertOneErrorLine(CliRun.of("info", cap.toString()), file.getFileName().toString());
    }

    @Test
    void bitFlippedQueueFile() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path file = queueFile(cap);
        byte[] all = Files.readAllBytes(file);
        int at = -1;
        for (int i = 0; i + 4 <= all.length; i++) { // the STATUS read value 0x80080783, little-endian
            if ((all[i] & 0xFF) == 0x83 && (all[i + 1] & 0xFF) == 0x07 && (all[i + 2] & 0xFF) == 0x08 && (all[i + 3] & 0xFF) == 0x80) {
                at = i;
                break;
            }
        }
        assertTrue(at > 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(0x82);
        }
        assertOneErrorLine(CliRun.of("inspect", cap.toString()), file.getFileName().toString(), "sequence 1", "checksum");
    }

    @Test
    void badFlags() {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        assertOneErrorLine(CliRun.of("inspect", cap.toString(), "--type", "mmio_reed"), "--type", "mmio_reed");
        assertOneErrorLine(CliRun.of("inspect", cap.toString(), "--limit", "lots"), "--limit");
        assertOneErrorLine(CliRun.of("inspect", cap.toString(), "--from", "-3"), "--from");
        assertOneErrorLine(CliRun.of("info", cap.toString(), "--format", "xml"), "--format");
        assertOneErrorLine(CliRun.of("info"), "CAPTURE");
        assertOneErrorLine(CliRun.of("frobnicate"), "frobnicate");
    }

    private static Path queueFile(Path cap) throws Exception {
        try (Stream<Path> s = Files.list(cap.resolve("events"))) {
            return s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }
}
