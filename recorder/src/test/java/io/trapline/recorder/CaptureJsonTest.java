package io.trapline.recorder;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** capture.json written by hand must be the text Jackson's annotations give, field for field and space for space. */
class CaptureJsonTest {

    private static CaptureMetadata.DeviceInfo device(int index, String transport, Map<String, Object> config,
                                                     Long features, List<CaptureMetadata.Bar> bars) {
        return new CaptureMetadata.DeviceInfo(index, "virtio-net", transport, config, features, bars);
    }

    private static void assertSameAsJackson(CaptureMetadata m) {
        String hand = CaptureJson.write(m);
        assertNotNull(hand, "plain metadata is written by hand");
        assertEquals(m.toJsonWithJackson(), hand);
        assertEquals(hand, m.toJson());
    }

    @Test
    void aRecordingsMetadataAtEveryStage() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("mac", "52:54:00:12:34:56");
        config.put("vectors", 4);
        config.put("event_idx", true);
        config.put("tx_bh_delay_ns", 30_000L);
        CaptureMetadata started = CaptureMetadata.create(
                new CaptureMetadata.Source("embedded", "trapline record", CaptureMetadata.map("profile", "tcg", "nic", "virtio-net")),
                new CaptureMetadata.Clock("virtual", null), "2026-11-26T15:40:59.111711376Z",
                new CaptureMetadata.Workload("web", 1L, CaptureMetadata.map("profile", "tcg")),
                List.of(device(0, "transitional", config, null, List.of()))).withRegions(List.of("apic"));
        assertSameAsJackson(started);
        CaptureMetadata closed = new CaptureMetadata(started.format(), started.tool(), started.source(), started.clock(),
                started.startedAt(), started.workload(),
                List.of(device(0, "transitional", config, 0x1_3000_0000L, List.of(
                        new CaptureMetadata.Bar(0, "io", 49152, 32), new CaptureMetadata.Bar(4, "mmio", 4261412864L, 16384)))),
                List.of("apic", "hpet"), CaptureMetadata.STATUS_RECORDING, null)
                .withEvents(CaptureMetadata.STATUS_COMPLETE, new CaptureMetadata.EventSummary(54491, 0, 6811637593L));
        assertSameAsJackson(closed);
    }

    @Test
    void absentAndEmptyFieldsAreLeftOutAsTheAnnotationsSay() {
        assertSameAsJackson(new CaptureMetadata(null, null, null, null, null, null, null, null, null, null));
        assertSameAsJackson(new CaptureMetadata(new CaptureMetadata.Format(null, 0, 0), new CaptureMetadata.Tool(null, null),
                new CaptureMetadata.Source("", "", Map.of()), new CaptureMetadata.Clock(null, null), "",
                new CaptureMetadata.Workload("", null, Map.of()), List.of(), List.of(), "", null));
        assertSameAsJackson(new CaptureMetadata(null, null, new CaptureMetadata.Source(null, null, null),
                new CaptureMetadata.Clock("trace", -5L), null, new CaptureMetadata.Workload(null, 0L, null),
                List.of(device(0, null, null, 0L, null), device(3, "", Map.of(), null, List.of())), null, null,
                new CaptureMetadata.EventSummary(0, -1, Long.MIN_VALUE)));
    }

    @Test
    void nestedValuesAndAwkwardStrings() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("empty map", Map.of());
        inner.put("empty list", List.of());
        inner.put("null", null);
        inner.put("list", Arrays.asList(1, "two", null, List.of(3L, false), Map.of("k", (short) 7)));
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("quote \" and backslash \\", "/slash/ \u007f \u00e9 \u2028 \ud83d\ude00");
        details.put("controls", controls.toString());
        details.put(controls.toString(), (byte) -3);
        details.put("nested", inner);
        details.put("min", Long.MIN_VALUE);
        details.put("int", Integer.MAX_VALUE);
        assertSameAsJackson(CaptureMetadata.create(new CaptureMetadata.Source("qemu-trace", "line 1\nline 2\t\"x\"", details),
                new CaptureMetadata.Clock("trace", 1_700_000_000_000_000_000L), "t",
                new CaptureMetadata.Workload("w", 2L, details), List.of(device(1, "modern", details, 1L, List.of()))));
    }

    @Test
    void otherValueTypesAreLeftToJackson() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ratio", 1.5);
        CaptureMetadata m = CaptureMetadata.create(new CaptureMetadata.Source("test", "d", details),
                new CaptureMetadata.Clock("virtual", null), "t", null, List.of());
        assertNull(CaptureJson.write(m));
        assertEquals(m.toJsonWithJackson(), m.toJson());
        List<String> regions = new ArrayList<>();
        regions.add(null);
        assertNull(CaptureJson.write(new CaptureMetadata(m.format(), m.tool(), null, m.clock(), m.startedAt(), null,
                List.of(), regions, "recording", null)));
    }

    @Test
    void aWrittenFileReadsBackEqual(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        CaptureMetadata m = CaptureMetadata.create(new CaptureMetadata.Source("embedded", "d", CaptureMetadata.map("nic", "e1000")),
                new CaptureMetadata.Clock("virtual", null), "2026-11-26T00:00:00Z",
                new CaptureMetadata.Workload("web", 7L, CaptureMetadata.map("requests", "2x1")), List.of())
                .withEvents(CaptureMetadata.STATUS_COMPLETE, new CaptureMetadata.EventSummary(3, 1, 2));
        m.writeTo(dir);
        assertEquals(m.toJsonWithJackson() + "\n", Files.readString(dir.resolve(CaptureMetadata.FILE_NAME)));
        assertEquals(m, CaptureMetadata.readFrom(dir));
    }
}
