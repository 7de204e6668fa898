package io.trapline.replay;

import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.embedded.EmbeddedRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Every embedded capture, for both NICs, every workload and every transport / MSI-X / EVENT_IDX option, replays exactly. */
class EmbeddedCaptureReplayTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "e1000, web, ",
            "e1000, keepalive, ",
            "e1000, bulk, ",
            "e1000, rr, ",
            "e1000, web, mitigation=off",
            "virtio-net, web, ",
            "virtio-net, keepalive, ",
            "virtio-net, bulk, ",
            "virtio-net, rr, ",
            "virtio-net, web, transport=modern",
            "virtio-net, web, transport=legacy",
            "virtio-net, web, vectors=0",
            "virtio-net, web, event_idx=off",
            "virtio-net, web, transport=legacy;vectors=0;event_idx=off",
    })
    void replaysWithZeroDivergences(String nic, String workload, String options) {
        Map<String, Object> config = new HashMap<>();
        if (options != null) {
            for (String kv : options.split(";")) {
                config.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        Map<String, String> w = switch (workload) {
            case "web", "keepalive" -> Map.of("requests", "6x1024,1x65536");
            case "bulk" -> Map.of("count", "2", "size", "200k");
            default -> Map.of("count", "20", "size", "100");
        };
        EmbeddedRecorder.Recording rec = EmbeddedRecorder.record(
                new GuestRun.Options(nic, config, workload, w, PlatformProfile.tcg(), 3), tmp.resolve("cap"), null);
        assertTrue(rec.run().finished(), "the workload must finish");
        assertEquals(0, rec.run().workload().requestsFailed());
        try (CaptureReader r = CaptureReader.open(rec.capture())) {
            ReplayResult result = Replayer.replay(r, ReplayOptions.defaults());
            assertEquals(java.util.List.of(), result.divergences());
            assertTrue(result.unverifiable().isEmpty());
            assertTrue(result.outputsChecked() > 100, "outputs checked: " + result.outputsChecked());
            ReplayResult.DeviceReport device = result.activity().get(0);
            assertEquals(nic, device.model());
            assertEquals(r.countByType().get(io.trapline.recorder.EventType.FRAME_TX), device.counts().get("TX frames"),
                    "the model's own count of what it sent: " + device.counts());
            assertTrue(device.counts().get("RX frames") > 0, device.counts().toString());
            assertNull(device.guestError());
        }
    }

    @Test
    void aReadOfARegisterWithoutANameIsNamedByItsPlaceOnce() {
        EmbeddedRecorder.Recording rec = EmbeddedRecorder.record(new GuestRun.Options("e1000", Map.of(), "web",
                Map.of("requests", "2x1024"), PlatformProfile.tcg(), 1), tmp.resolve("e"), null);
        boolean[] done = {false};
        Path bad = CaptureRewriter.rewrite(rec.capture(), tmp.resolve("e-bad"), e -> {
            if (!done[0] && e.type == io.trapline.recorder.EventType.MMIO_READ && e.address == 0x4120) {
                done[0] = true; // the watchdog's statistics pass reads it; no name in the register map
                e.value ^= 1;
            }
            return new CaptureRewriter.Event[] {e};
        });
        assertTrue(done[0], "the capture reads BAR0+0x4120");
        try (CaptureReader r = CaptureReader.open(bad)) {
            Divergence d = Replayer.replay(r, ReplayOptions.defaults()).divergences().get(0);
            assertEquals(DivergenceKind.READ_VALUE, d.kind());
            assertEquals("BAR0+0x4120 read", d.what());
        }
    }

    @Test
    void anOutputThatComesEarlyIsReportedOncePerMoment() {
        EmbeddedRecorder.Recording rec = EmbeddedRecorder.record(new GuestRun.Options("virtio-net", Map.of(), "web",
                Map.of("requests", "3x1024"), PlatformProfile.tcg(), 1), tmp.resolve("v"), null);
        try (CaptureReader r = CaptureReader.open(rec.capture())) {
            // the TX bottom half 1 µs sooner: the same DMA, frames and interrupts, each burst 1 µs early
            ReplayResult result = Replayer.replay(r, ReplayOptions.defaults().withModel(null,
                    Map.of("tx_bh_delay_ns", "29000")).withMaxDivergences(3));
            assertEquals(3, result.divergences().size());
            for (Divergence d : result.divergences()) {
                assertEquals(DivergenceKind.OUTPUT_TIME, d.kind(), d.toString());
                assertTrue(d.what().endsWith(", 1.0 µs early"), d.what());
                assertEquals(-1, d.cause(), "a timer's output: " + d);
            }
            assertTrue(result.divergences().get(1).timeNs() > result.divergences().get(0).timeNs(),
                    "the other outputs of the first burst are not reported again: " + result.divergences());
            ReplayResult.DeviceReport device = result.activity().get(0);
            assertTrue(device.partial(), "stopped at the limit: the counts cover the events before it");
            assertEquals(java.util.List.of(), device.neverExercised(), "nothing is known never to happen");
            assertNull(device.guestError(), "DMA reads fail after the stop; that is not the guest's error");

            long first = result.divergences().get(0).sequence();
            ReplayResult from = Replayer.replay(r, ReplayOptions.defaults().withModel(null,
                    Map.of("tx_bh_delay_ns", "29000")).withMaxDivergences(1).from(first + 1));
            assertEquals(first + 1, from.divergences().get(0).sequence(),
                    "--from inside a moment reports the rest of that moment: " + from.divergences());

            ReplayResult late = Replayer.replay(r, ReplayOptions.defaults().withModel(null,
                    Map.of("tx_bh_delay_ns", "31000")).withMaxDivergences(1));
            Divergence d = late.divergences().get(0);
            assertEquals(DivergenceKind.OUTPUT_TIME, d.kind(), "a timer 1 µs late is that, not a missing output: " + d);
            assertTrue(d.what().endsWith(", 1.0 µs late"), d.what());
            assertEquals(first, d.sequence());

            ReplayResult tooLate = Replayer.replay(r, ReplayOptions.defaults().withModel(null,
                    Map.of("tx_bh_delay_ns", "130000")).withMaxDivergences(2)); // past the next input: missing
            Divergence missing = tooLate.divergences().get(0);
            assertEquals(DivergenceKind.MISSING_OUTPUT, missing.kind());
            assertEquals(first, missing.sequence());
            assertTrue(missing.what().matches(".* \\(and [1-9][0-9]* more outputs? of that moment\\)"),
                    "one report for the burst that did not come: " + missing.what());

            ReplayResult byNs = Replayer.replay(r, ReplayOptions.defaults().withModel(null,
                    Map.of("tx_bh_delay_ns", "29999")).withMaxDivergences(1));
            assertTrue(byNs.divergences().get(0).what().endsWith(", 1 ns early"), byNs.divergences().get(0).what());
        }
    }
}
