package io.trapline.recorder.embedded;

import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The embedded guest against the real QEMU 7.2 / Linux 6.1 captures of the same web workload (docs/fidelity.md): the
 * two runs the model is fitted to and the virtio-net runs with other options, each recorded with that run's options.
 * Fails when the model drifts outside the bounds.
 */
class FidelityTest {
    @TempDir
    static Path work;
    static FidelityReport.Report report;

    @BeforeAll
    static void build() {
        Path shared = Path.of(System.getProperty("trapline.shared.dir", "../shared"), "captures", "qemu-7.2-tcg");
        assumeTrue(Files.isDirectory(shared), "shared captures not present at " + shared);
        report = FidelityReport.build(shared, work);
    }

    @Test
    void everyRealRunIsComparedWithItsOwnDeviceOptions() {
        List<String> runs = report.runs().stream().map(FidelityReport.RunWindows::run).toList();
        assertEquals(List.of("e1000", "virtio", "virtio_intx", "virtio_legacy", "virtio_modern", "virtio_noeventidx",
                "virtio_noioeventfd"), runs);
        assertEquals(Map.of(), report.run("virtio").deviceConfig());
        assertEquals(Map.of("vectors", "0"), report.run("virtio_intx").deviceConfig());
        assertEquals(Map.of("event_idx", "off"), report.run("virtio_noeventidx").deviceConfig());
        assertEquals(Map.of("transport", "legacy"), report.run("virtio_legacy").deviceConfig());
        assertEquals(Map.of("transport", "modern"), report.run("virtio_modern").deviceConfig());
        assertEquals(42, report.rows().size(), "7 runs x 2 request sizes x 3 metrics");
        assertEquals(14, report.timings().size(), "virtual time per request, per run and size");
        for (FidelityReport.Timing t : report.timings()) {
            assertTrue(t.realMs() > 1 && t.modelMs() > 1, "a request takes milliseconds: " + t);
        }
    }

    @Test
    void perRequestSizePacketsAccessesAndInterruptsAreWithinBounds() {
        StringBuilder failures = new StringBuilder();
        for (FidelityReport.Row r : report.rows()) {
            if (r.fitted()) {
                assertEquals(FidelityReport.BOUND, r.bound(), "no known gaps in the runs the model is fitted to: " + r);
            }
            if (Math.abs(r.deviation()) > r.bound()) {
                failures.append(String.format("%s/%s/%s: real %.2f model %.2f (%+.1f%%, bound %.0f%%)%n", r.run(), r.size(),
                        r.metric(), r.real(), r.model(), 100 * r.deviation(), 100 * r.bound()));
            }
        }
        assertEquals("", failures.toString(), FidelityReport.markdown(report));
    }

    @Test
    void eachKnownGapIsStillOneSoTheListStaysTrue() {
        for (FidelityReport.KnownGap gap : FidelityReport.KNOWN_GAPS) {
            if (report.runs().stream().noneMatch(w -> w.run().equals(gap.run()))) {
                continue; // a gap of another folder's runs (LargerResponsesFidelityTest)
            }
            FidelityReport.Row row = report.rows().stream()
                    .filter(r -> r.run().equals(gap.run()) && r.size().equals(gap.size()) && r.metric().equals(gap.metric()))
                    .findFirst().orElseThrow(() -> new AssertionError("no row for known gap " + gap));
            assertTrue(Math.abs(row.deviation()) > FidelityReport.BOUND,
                    "known gap closed, take it off the list: " + gap.run() + "/" + gap.size() + "/" + gap.metric()
                            + String.format(" now %+.1f%%", 100 * row.deviation()));
        }
    }

    @Test
    void e1000RegisterMixMatchesAndEachInterruptCostsFiveAccesses() {
        Map<String, Long> real = report.run("e1000").real().byRegister();
        Map<String, Long> model = report.run("e1000").model().byRegister();
        for (String reg : new String[] {"R STATUS", "R ICR", "W IMC", "W IMS", "W RDT", "W TDT", "W ITR"}) {
            double dev = (model.getOrDefault(reg, 0L) - real.get(reg)) / (double) real.get(reg);
            assertTrue(Math.abs(dev) <= FidelityReport.BOUND, reg + ": real " + real.get(reg) + " model " + model.get(reg));
        }
        long icr = model.get("R ICR");
        double perInterrupt = (model.get("R STATUS") + icr + model.get("W IMC") + model.get("W IMS")) / (double) icr;
        assertEquals(5.0, perInterrupt, 0.1, "ICR read, IMC write, STATUS flush, IMS write, STATUS flush");
    }

    @Test
    void virtioReadsNoRegisterUnderMsixAndIsrOncePerInterruptWithout() {
        for (FidelityReport.RunWindows w : report.runs()) {
            if (!w.nic().equals(DeviceCatalog.VIRTIO_NET)) {
                continue;
            }
            if ("0".equals(w.deviceConfig().get("vectors"))) {
                assertEquals(w.real().reads(), w.real().interrupts(), "the real run reads ISR once per interrupt");
                assertEquals(w.model().reads(), w.model().byRegister().getOrDefault("R isr", 0L), w.run() + ": only ISR is read");
                assertEquals(w.model().interrupts(), w.model().reads(), w.run() + ": ISR once per INTx assertion");
            } else {
                assertEquals(0, w.model().reads(), w.run() + ": no register reads under MSI-X: " + w.model().byRegister());
            }
        }
    }

    @Test
    void virtioNegotiatesTheFeaturesLinuxNegotiatedWithTheSameDevice() {
        for (FidelityReport.RunWindows w : report.runs()) {
            if (!w.nic().equals(DeviceCatalog.VIRTIO_NET)) {
                continue;
            }
            Long real = negotiated(work.resolve("real-" + w.run()));
            Long model = negotiated(work.resolve("model-" + w.run()));
            assertTrue(real != null && model != null, w.run() + ": real " + real + ", model " + model);
            assertEquals(Long.toHexString(real), Long.toHexString(model), w.run());
        }
    }

    private static Long negotiated(Path capture) {
        try (CaptureReader r = CaptureReader.open(capture)) {
            return r.metadata().device(0).negotiatedFeatures();
        }
    }

    @Test
    void virtioKicksOnlyOnTransmit() {
        for (FidelityReport.RunWindows w : report.runs()) {
            if (!w.nic().equals(DeviceCatalog.VIRTIO_NET)) {
                continue;
            }
            long[] kicks = kicksByQueue(work.resolve("model-" + w.run()));
            assertEquals(0, kicks[0], w.run() + ": the RX queue is refilled without kicks while the device has buffers");
            assertTrue(kicks[1] > 0, w.run());
        }
    }

    /** Kicks in the workload window per queue (0 = RX, 1 = TX). */
    private static long[] kicksByQueue(Path capture) {
        long[] kicks = new long[2];
        try (CaptureReader r = CaptureReader.open(capture); EventCursor c = r.cursor()) {
            boolean working = false;
            byte[] name = new byte[64];
            while (c.next()) {
                if (c.type() == EventType.MARK && c.payloadLength() <= name.length) {
                    String n = new String(name, 0, c.copyPayload(name, 0), StandardCharsets.UTF_8);
                    working = n.equals("work_start") || (working && !n.equals("work_end"));
                } else if (working && c.type() == EventType.KICK && c.queue() < 2) {
                    kicks[c.queue()]++;
                }
            }
        }
        return kicks;
    }
}
