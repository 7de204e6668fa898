package io.trapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class InfoAndInspectCommandTest {
    @TempDir
    Path tmp;

    @Test
    void infoShowsMetadataCountsAndSpan() {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        CliRun r = CliRun.of("info", cap.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("status    complete"), r.out());
        assertTrue(r.out().contains("device 0  e1000"), r.out());
        assertTrue(r.out().contains("BAR0 mmio 0xfeb80000 size 0x20000"), r.out());
        assertTrue(r.out().contains("events    9 (sequence 0..8)"), r.out());
        assertTrue(r.out().contains("span 1.500 s"), r.out());
        assertTrue(r.out().matches("(?s).*mmio_read\\s+2\\n.*"), r.out());
        assertTrue(r.out().contains("regions   apic"), r.out());
    }

    @Test
    void infoAsJsonHasCountsByType() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        CliRun r = CliRun.of("info", cap.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(9, root.path("events").path("count").asLong());
        assertEquals(2, root.path("events").path("by_type").path("mmio_read").asLong());
        assertEquals("e1000", root.path("metadata").path("devices").get(0).path("model").asText());
        assertTrue(root.path("complete").asBoolean());
    }

    /** Transmit paths as a recording stores them: a TDT write, the frame's DMA read, the frame with a checksum put in. */
    private static Path transmits(Path dir, int frames) {
        io.trapline.recorder.CaptureMetadata meta = io.trapline.recorder.CaptureMetadata.create(
                new io.trapline.recorder.CaptureMetadata.Source("test", "transmits", null),
                new io.trapline.recorder.CaptureMetadata.Clock("virtual", null), "2026-11-26T00:00:00Z", null,
                List.of(new io.trapline.recorder.CaptureMetadata.DeviceInfo(0, "e1000", null, null, null, List.of())));
        byte[] frame = new byte[1000];
        try (var w = io.trapline.recorder.AsyncCaptureWriter.create(dir, meta)) {
            for (int i = 0; i < frames; i++) {
                java.util.Arrays.fill(frame, (byte) i);
                w.append(i, io.trapline.recorder.EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, i, 0, null, 0, 0);
                w.append(i, io.trapline.recorder.EventType.DMA_READ, 0, 0, 0, 0, 0x100000, 1000, 0, frame, 0, 1000);
                frame[50] = 0x7f; // the checksum the device fills in
                w.append(i, io.trapline.recorder.EventType.FRAME_TX, 0, 0, 0, 0, 0, 1000, 0, frame, 0, 1000);
            }
        }
        return dir;
    }

    @Test
    void infoSaysWhatTheEventsTakeAndHowTheFramesSentAreStored() throws Exception {
        Path cap = transmits(tmp.resolve("tx"), 100);
        CliRun r = CliRun.of("info", cap.toString());
        assertEquals(0, r.code(), r.err());
        // 300 headers of 48 bytes, 100 reads of 1,000 bytes, 100 recipes of 4 + 13 + 6 + 13 bytes
        assertTrue(r.out().contains("size      115.2 KiB of events, as stored"), r.out()); // 118,000 bytes
        assertTrue(r.out().contains("frames    100 sent, 97.7 KiB, stored in 3.5 KiB (100 of them as recipes over the DMA reads they were made of)"), r.out());
        JsonNode frames = new ObjectMapper().readTree(CliRun.of("info", cap.toString(), "--format", "json").out())
                .path("events").path("frames_sent");
        assertEquals(100, frames.path("count").asLong());
        assertEquals(100_000, frames.path("bytes").asLong());
        assertEquals(3_600, frames.path("stored_bytes").asLong());
        assertEquals(100, frames.path("stored_as_recipes").asLong());
    }

    /**
     * A capture whose writer failed after 100 events, its capture.json declaring the 60 it had recorded by then, and
     * the queue file unreadable from event 80 on (a value altered: its checksum no longer matches).
     */
    private static Path failedWithAnUnreadableTail(Path dir) throws Exception {
        io.trapline.recorder.CaptureMetadata meta = io.trapline.recorder.CaptureMetadata.create(
                new io.trapline.recorder.CaptureMetadata.Source("test", "failed writer", null),
                new io.trapline.recorder.CaptureMetadata.Clock("virtual", null), "2026-11-26T00:00:00Z", null,
                List.of(new io.trapline.recorder.CaptureMetadata.DeviceInfo(0, "e1000", null, null, null, List.of())));
        var w = io.trapline.recorder.AsyncCaptureWriter.create(dir, meta);
        for (int i = 0; i < 100; i++) {
            w.append(i, io.trapline.recorder.EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 0x5A5A_0000_0000_0000L | i, 0,
                    null, 0, 0);
        }
        assertEquals(100, w.closeIncomplete());
        io.trapline.recorder.CaptureMetadata written = io.trapline.recorder.CaptureMetadata.readFrom(dir);
        written.withEvents(written.status(), new io.trapline.recorder.CaptureMetadata.EventSummary(60, 0, 59)).writeTo(dir);
        Path file;
        try (var files = java.nio.file.Files.list(dir.resolve("events"))) {
            file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] all = java.nio.file.Files.readAllBytes(file);
        byte[] value80 = {80, 0, 0, 0, 0, 0, 0x5A, 0x5A};
        for (int i = 0; i + 8 <= all.length; i++) {
            if (Arrays.equals(all, i, i + 8, value80, 0, 8)) {
                all[i] = 81;
                java.nio.file.Files.write(file, all);
                return dir;
            }
        }
        throw new AssertionError("event 80 not found");
    }

    @Test
    void infoOnACaptureWhoseWriterFailedSaysItIsIncompleteAndHowManyEventsWereReadBeforeItsEnd() throws Exception {
        Path cap = failedWithAnUnreadableTail(tmp.resolve("failed"));
        CliRun r = CliRun.of("info", cap.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("status    incomplete: the writer did not close; 80 events read before its end, where"
                + " the queue file becomes unreadable (corrupt event at sequence 80 "), r.out());
        assertTrue(r.out().contains("checksum mismatch"), r.out());
        assertTrue(r.out().contains("events    80 (sequence 0..79)"), r.out());
        JsonNode root = new ObjectMapper().readTree(CliRun.of("info", cap.toString(), "--format", "json").out());
        assertFalse(root.path("complete").asBoolean());
        assertEquals(80, root.path("events").path("count").asLong());
        assertTrue(root.path("unreadable_end").asText().contains("checksum mismatch"), root.toString());
    }

    @Test
    void inspectPrintsOneEventPerLineWithDetails() {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        CliRun r = CliRun.of("inspect", cap.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Arrays.asList(r.out().split("\n"));
        assertEquals(10, lines.size(), r.out()); // header + 9 events
        assertTrue(lines.get(1).contains("mark") && lines.get(1).contains("phase_start \"workload\""), lines.get(1));
        assertTrue(lines.get(2).contains("0.000002000") && lines.get(2).contains("size 4 -> 0x80080783"), lines.get(2));
        assertTrue(lines.get(4).contains("dma_read") && lines.get(4).contains("[16 B: ab 00"), lines.get(4));
        assertTrue(lines.get(8).contains("apic EOI (0xfee000b0) size 4 <- 0x0"), lines.get(8));
    }

    @Test
    void inspectFiltersByTypeFromASequenceWithALimit() {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        CliRun r = CliRun.of("inspect", cap.toString(), "--type", "mmio_read,intx", "--from", "2", "--limit", "1");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.out());
        assertTrue(lines[1].contains("intx") && lines[1].contains("asserted"), lines[1]);
    }

    @Test
    void inspectFromASequenceInsideADocumentShowsThatEventsPayload() {
        Path cap = tmp.resolve("marks");
        io.trapline.recorder.CaptureMetadata meta = io.trapline.recorder.CaptureMetadata.create(
                new io.trapline.recorder.CaptureMetadata.Source("test", "marks", null),
                new io.trapline.recorder.CaptureMetadata.Clock("virtual", null), "2026-11-26T00:00:00Z", null,
                List.of(new io.trapline.recorder.CaptureMetadata.DeviceInfo(0, "e1000", null, null, null, List.of())));
        try (var w = io.trapline.recorder.CaptureWriter.createBatched(cap, meta)) { // as a recording: one document
            for (String name : List.of("boot", "idle_start", "workload")) {
                byte[] b = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                w.append(1, io.trapline.recorder.EventType.MARK, 0, 0, 0, 0, 0,
                        io.trapline.recorder.MarkKind.INSTANT.code(), 0, b, 0, b.length);
            }
        }
        CliRun r = CliRun.of("inspect", cap.toString(), "--from", "1");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.out());
        assertTrue(lines[1].contains("instant \"idle_start\""), lines[1]);
        assertTrue(lines[2].contains("instant \"workload\""), lines[2]);
    }

    @Test
    void inspectJsonLinesAreParseable() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        CliRun r = CliRun.of("inspect", cap.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(9, lines.length);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines[0]);
        assertEquals("mark", first.path("type").asText());
        assertEquals("workload", first.path("name").asText());
        JsonNode read = json.readTree(lines[1]);
        assertEquals(0x80080783L, read.path("value").asLong());
        assertEquals(2000, read.path("time_ns").asLong());
        assertEquals("apic", json.readTree(lines[7]).path("region_name").asText());
        assertEquals("EOI", json.readTree(lines[7]).path("register").asText(), "named as the accesses table names it");
    }

    @Test
    void versionAndHelpWork() {
        CliRun v = CliRun.of("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("trapline "), v.out());
        CliRun h = CliRun.of("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("info") && h.out().contains("inspect"), h.out());
    }
}
