package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

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
        return capture("cap", events);
    }

    private Path capture(String name, int events) {
        Path dir = tmp.resolve(name);
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
    void aDamagedMetadataFileIsNamedAsDamaged() throws Exception {
        Path dir = capture(20);
        Path meta = dir.resolve("events").resolve("metadata.cq4t");
        byte[] garbage = new byte[(int) Math.min(Files.size(meta), 65536)];
        new SplittableRandom(3).nextBytes(garbage);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(meta.toFile(), "rw")) {
            f.write(garbage);
        }
        assertOneLineNaming(readAll(dir), meta.toString(), "metadata file is damaged or unreadable");
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

    /** capture(3)'s capture.json with {@code from} (which must occur) replaced by {@code to}. */
    private Path withJson(String from, String to) throws Exception {
        Path dir = capture("cap-" + to.hashCode(), 3);
        String json = Files.readString(dir.resolve("capture.json"));
        assertTrue(json.contains(from), json);
        Files.writeString(dir.resolve("capture.json"), json.replace(from, to));
        return dir;
    }

    @Test
    void aDeclaredEventCountTheQueueDisagreesWithIsAnErrorNamingCaptureJson() throws Exception {
        // fewer declared than the queue holds: the scan would otherwise hand out events the capture does not claim
        assertOneLineNaming(readAll(withJson("\"count\" : 3", "\"count\" : 2")), "capture.json", "declares 2 events",
                "sequence 2");
        assertOneLineNaming(readAll(withJson("\"count\" : 3", "\"count\" : -1")), "capture.json", "events.count", "-1");
        // more declared than the queue holds: the queue is the one reported, as truncated
        assertOneLineNaming(readAll(withJson("\"count\" : 3", "\"count\" : 4")), "declares 4 events", "ends after 3");
    }

    @Test
    void anEventNamingADeviceCaptureJsonDoesNotDeclareIsAnError() throws Exception {
        Path dir = capture(3);
        String json = Files.readString(dir.resolve("capture.json"));
        int start = json.indexOf("\"devices\" : [");
        int end = json.indexOf("\"regions\"");
        assertTrue(start > 0 && end > start, json);
        Files.writeString(dir.resolve("capture.json"), json.substring(0, start) + "\"devices\" : [ ],\n  " + json.substring(end));
        assertOneLineNaming(readAll(dir), "capture.json", "sequence 0", "device 0", "does not declare");
    }

    @Test
    void aNegativeBarSizeOrADuplicatedDeviceIndexIsRefused() throws Exception {
        assertOneLineNaming(readAll(withJson("\"size\" : 131072", "\"size\" : -131072")), "capture.json", "device 0",
                "BAR 0", "negative size");
        Path dir = capture(3);
        CaptureMetadata m = CaptureMetadata.readFrom(dir);
        CaptureMetadata.DeviceInfo d = m.devices().get(0);
        new CaptureMetadata(m.format(), m.tool(), m.source(), m.clock(), m.startedAt(), m.workload(), List.of(d, d),
                m.regions(), m.status(), m.events()).writeTo(dir);
        assertOneLineNaming(readAll(dir), "capture.json", "two devices have index 0");
    }

    /** A FIFO made by mkfifo(1), or null where there is none. */
    static Path fifo(Path at) throws Exception {
        try {
            Process p = new ProcessBuilder("mkfifo", at.toString()).redirectErrorStream(true).start();
            return p.waitFor() == 0 && Files.exists(at) ? at : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @Test
    void aCaptureJsonThatIsNotARegularFileIsRefusedAtOnce() throws Exception {
        Path dir = capture(3);
        Path json = dir.resolve("capture.json");
        Path kept = Files.move(json, tmp.resolve("elsewhere.json"));
        // a symbolic link to a regular file reads as that file
        Files.createSymbolicLink(json, kept);
        assertEquals(CaptureMetadata.readFrom(dir), CaptureMetadata.readFrom(dir));
        Files.delete(json);
        // a FIFO: opening it would wait for a writer
        org.junit.jupiter.api.Assumptions.assumeTrue(fifo(json) != null, "mkfifo not available");
        CaptureException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> readAll(dir));
        assertOneLineNaming(e, json.toString(), "not a regular file");
        // a device (endless) through a symbolic link
        Files.delete(json);
        Files.createSymbolicLink(json, Path.of("/dev/zero"));
        assertOneLineNaming(assertTimeoutPreemptively(Duration.ofSeconds(20), () -> readAll(dir)), json.toString(),
                "not a regular file");
        Files.delete(json);
        Files.createDirectory(json);
        assertOneLineNaming(readAll(dir), json.toString(), "is a directory");
    }

    @Test
    void aCaptureJsonLargerThanAnyCapturesMetadataIsRefusedUnread() throws Exception {
        Path dir = capture(3);
        Path json = dir.resolve("capture.json");
        try (RandomAccessFile f = new RandomAccessFile(json.toFile(), "rw")) {
            f.setLength(SmallFiles.CAPTURE_JSON.bytes() + 1L); // sparse: no disk, but read whole it would fill the heap
        }
        assertOneLineNaming(readAll(dir), json.toString(), "larger than 64 MiB", "too large for a capture's metadata");
    }

    @Test
    void anUnreadableCaptureJsonSaysWhy() throws Exception {
        Path dir = capture(3);
        Path json = dir.resolve("capture.json");
        Files.setPosixFilePermissions(json, java.util.Set.of());
        if (Files.isReadable(json)) { // root reads it anyway: a file nobody may read, as root included
            Path denied = Path.of("/proc/sys/vm/drop_caches");
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(denied) && !Files.isReadable(denied),
                    "no file this user cannot read");
            Files.delete(json);
            Files.createSymbolicLink(json, denied);
        }
        assertOneLineNaming(readAll(dir), json.toString(), "cannot read: permission denied");
        Files.delete(json);
    }

    @Test
    void aDeeplyNestedCaptureJsonIsOneLine() throws Exception {
        Path dir = capture(3);
        Files.writeString(dir.resolve("capture.json"), "{\"format\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
        assertOneLineNaming(readAll(dir), "capture.json", "nested deeper than " + CaptureMetadata.MAX_NESTING + " levels");
        // Jackson's other limits, also without a location: in plain words
        CaptureException e = readAll(withJson("\"count\" : 3", "\"count\" : " + "9".repeat(1500)));
        assertOneLineNaming(e, "capture.json", "(1500) exceeds the maximum allowed (1000)");
        assertFalse(e.getMessage().contains("StreamReadConstraints"), e.getMessage());
    }

    @Test
    void aFormatVersionThatIsNotASmallWholeNumberSaysWhatItIs() throws Exception {
        String major = "\"major\" : " + CaptureMetadata.FORMAT_MAJOR;
        assertOneLineNaming(readAll(withJson(major, "\"major\" : \"3\"")), "capture.json", "format.major is \"3\"",
                "not a version number");
        assertOneLineNaming(readAll(withJson(major, "\"major\" : 1180591620717411303424")), "capture.json",
                "version 1180591620717411303424." + CaptureMetadata.FORMAT_MINOR, "not readable");
    }

    @Test
    void aNumberOutOfRangeNamesTheFieldAndTheRange() throws Exception {
        CaptureException e = readAll(withJson("\"count\" : 3", "\"count\" : 1000000000000000000000000000000"));
        assertOneLineNaming(e, "capture.json", "'events.count'", "1000000000000000000000000000000 is out of range",
                "a whole number from " + Long.MIN_VALUE);
        assertFalse(e.getMessage().contains("Numeric value"), e.getMessage());
        assertOneLineNaming(readAll(withJson("\"size\" : 131072", "\"size\" : 18446744073709551616")),
                "'devices[0].bars[0].size'", "out of range");
    }

    @Test
    void aPhaseEndingBeforeItStartsIsRefused() throws Exception {
        Path dir = capture(3);
        CaptureMetadata m = CaptureMetadata.readFrom(dir);
        CaptureMetadata.EventSummary ev = m.events();
        m.withEvents(m.status(), new CaptureMetadata.EventSummary(ev.count(), ev.firstTimeNs(), ev.lastTimeNs(),
                List.of(new CaptureMetadata.PhaseSpan("window", 10, 5)))).writeTo(dir);
        assertOneLineNaming(readAll(dir), "capture.json", "phase 'window'", "ends (endNs 5) before it starts (startNs 10)");
        // a span from far below 0 to far above would overflow every duration computed from it
        m.withEvents(m.status(), new CaptureMetadata.EventSummary(ev.count(), ev.firstTimeNs(), ev.lastTimeNs(),
                List.of(new CaptureMetadata.PhaseSpan("window", -9_000_000_000_000_000_000L,
                        9_000_000_000_000_000_000L)))).writeTo(dir);
        assertOneLineNaming(readAll(dir), "capture.json", "phase 'window'", "starts before time 0");
        // nulls where a phase or a device should be: one line, not a NullPointerException
        assertOneLineNaming(readAll(withJson("\"phases\" : [ ]", "\"phases\" : [ null ]")), "capture.json",
                "events.phases holds a phase without a name");
        assertOneLineNaming(readAll(withJson("\"devices\" : [ {", "\"devices\" : [ null, {")), "capture.json",
                "'devices' holds a null");
    }

    /** capture(3) with device 0's BARs replaced by {@code bars}. */
    private Path withBars(String name, CaptureMetadata.Bar... bars) {
        Path dir = capture(name, 3);
        CaptureMetadata m = CaptureMetadata.readFrom(dir);
        List<CaptureMetadata.DeviceInfo> devices = new java.util.ArrayList<>(m.devices());
        CaptureMetadata.DeviceInfo d = devices.get(0);
        devices.set(0, new CaptureMetadata.DeviceInfo(d.index(), d.model(), d.transport(), d.config(),
                d.negotiatedFeatures(), List.of(bars)));
        new CaptureMetadata(m.format(), m.tool(), m.source(), m.clock(), m.startedAt(), m.workload(), devices,
                m.regions(), m.status(), m.events()).writeTo(dir);
        return dir;
    }

    @Test
    void aBarIndexOutsideAPciDevicesSixOrListedTwiceIsRefused() throws Exception {
        CaptureMetadata.Bar mmio = new CaptureMetadata.Bar(0, "mmio", 0xFEB80000L, 0x20000);
        assertEquals(2, CaptureMetadata.readFrom(withBars("six", mmio, new CaptureMetadata.Bar(5, "io", 0xC000, 0x40)))
                .devices().get(0).bars().size(), "BAR 5 is the last");
        assertOneLineNaming(readAll(withBars("99", mmio, new CaptureMetadata.Bar(99, "io", 0xC000, 0x40))), "capture.json",
                "device 0 BAR index 99", "outside 0..5");
        assertOneLineNaming(readAll(withBars("twice", mmio, new CaptureMetadata.Bar(0, "io", 0xC000, 0x40))), "capture.json",
                "device 0 lists BAR 0 twice");
    }

    @Test
    void aFailedCaptureJsonWriteLeavesNoTemporaryFile() throws Exception {
        Path dir = capture(3);
        // capture.json cannot be replaced by a rename onto a directory that is not empty
        Files.delete(dir.resolve("capture.json"));
        Files.createDirectories(dir.resolve("capture.json").resolve("x"));
        CaptureException e = assertThrows(CaptureException.class, () -> CaptureFixture.metadata().writeTo(dir));
        assertOneLineNaming(e, "capture.json", "cannot write");
        assertFalse(Files.exists(dir.resolve("capture.json.tmp")), "the temporary file is removed");

        // a capture whose first capture.json cannot be written leaves nothing (its directory was made for it)
        CaptureMetadata f = CaptureFixture.metadata();
        CaptureMetadata unwritable = CaptureMetadata.create(new CaptureMetadata.Source("test", "fixture",
                CaptureMetadata.map("unwritable", new Object())), f.clock(), f.startedAt(), f.workload(), f.devices());
        Path fresh = tmp.resolve("fresh");
        assertThrows(RuntimeException.class, () -> CaptureWriter.create(fresh, unwritable));
        assertFalse(Files.exists(fresh), "no directory is left behind");
    }

    @Test
    void aWriterNeverCreatesACaptureInsideAnother() throws Exception {
        Path dir = capture(3);
        for (Path inside : new Path[] {dir.resolve("events").resolve("sub"), dir.resolve("other")}) {
            CaptureException e = assertThrows(CaptureException.class,
                    () -> CaptureWriter.create(inside, CaptureFixture.metadata()));
            assertOneLineNaming(e, inside.toString(), "inside capture " + dir);
            assertFalse(Files.exists(inside));
        }
        // through a symbolic link to the capture's events/ too
        Path link = Files.createSymbolicLink(tmp.resolve("link"), dir.resolve("events"));
        assertThrows(CaptureException.class, () -> CaptureWriter.create(link.resolve("sub"), CaptureFixture.metadata()));
        assertEquals(List.of("19700101H.cq4", "metadata.cq4t"), listNames(dir.resolve("events")));
    }

    private static List<String> listNames(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
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

    /** Writes {@code bytes} over the queue file from {@code at}: the store header Chronicle writes first is there. */
    private static Path overwrite(Path dir, long at, byte[] bytes) throws Exception {
        Path file = queueFile(dir);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(bytes);
        }
        return file;
    }

    /** Reading fails at once, in one line naming the file; the timeout only guards against a hang. */
    private static void assertDamagedHeader(Path dir, Path file) {
        CaptureException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> readAll(dir));
        assertOneLineNaming(e, file.toString(), ": not a readable event queue (damaged header: ");
        CaptureException from = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(
                CaptureException.class, () -> {
                    try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor(5)) {
                        c.next();
                    }
                }));
        assertEquals(e.getMessage(), from.getMessage(), "a scan through the tailer fails the same way");
    }

    @Test
    void garbageOverTheQueueFilesHeaderIsADamagedHeader() throws Exception {
        for (int seed = 0; seed < 8; seed++) {
            Path dir = capture(1000);
            byte[] garbage = new byte[100_000];
            new SplittableRandom(seed).nextBytes(garbage); // first words of each kind Chronicle tells apart
            assertDamagedHeader(dir, overwrite(dir, 0, garbage));
            deleteTree(dir);
        }
    }

    @Test
    void aDamagedFirstWordIsADamagedHeaderNotATruncatedQueue() throws Exception {
        // 0xEFBEADDE: a not-complete document, on which Chronicle waits for a writer; "XXXX": a metadata document far
        // longer than the file; 0: no header at all
        for (byte[] word : new byte[][] {{(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF}, {'X', 'X', 'X', 'X'},
                {0, 0, 0, 0}}) {
            Path dir = capture(1000);
            Path file = overwrite(dir, 0, word);
            assertDamagedHeader(dir, file);
            assertFalse(readAll(dir).getMessage().contains("truncated"));
            deleteTree(dir);
        }
    }

    @Test
    void garbageInsideTheStoreHeaderIsADamagedHeader() throws Exception {
        Path dir = capture(1000);
        byte[] garbage = new byte[4096];
        new Random(3).nextBytes(garbage);
        // after the header's length and its first field's name, which look intact: what Chronicle parses is not
        assertDamagedHeader(dir, overwrite(dir, 12, garbage));
    }

    @Test
    void aStoreHeaderChronicleCannotParseIsNamedInPlainWords() throws Exception {
        // one byte of the name of its index2Index field: Chronicle's parser then fails on a null field, and its
        // message ("Cannot invoke ... because this.bytesStore is null") is no help to anyone reading a capture
        Path dir = capture(1000);
        Path file = queueFile(dir);
        long at = indexOf(file, "index2Index".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(at < 512, "the field is in the store header: " + at);
        overwrite(dir, at + 7, new byte[] {'o'});
        assertDamagedHeader(dir, file);
        assertEquals(file + ": not a readable event queue (damaged header: its fields after 'header' do not parse as"
                + " Chronicle Queue's store header)", readAll(dir).getMessage());
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
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
