package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workload-window table of ../shared/captures/qemu-7.2-tcg/README.md and the check of an imported
 * capture against it: NIC register reads/writes and kicks exactly, e1000 per-register counts exactly,
 * packets and NIC interrupts within 1%.
 */
final class ReadmeTable {
    private ReadmeTable() {
    }

    /** One README row. transport null = e1000. irqIntx: the README's interrupts are INTx asserts, else MSI-X messages. */
    record Run(String folder, String transport, long rx, long tx, long reads, long writes, long kicks, long irqs,
               boolean irqIntx) {
        @Override
        public String toString() {
            return folder;
        }
    }

    static Stream<Run> runs() {
        return Stream.of(
                new Run("e1000", null, 2413, 2168, 5133, 6131, 0, 1671, true),
                new Run("virtio", "transitional", 2389, 2041, 0, 0, 1141, 2355, false),
                new Run("virtio_modern", "modern", 2360, 2022, 0, 0, 1099, 2290, false),
                new Run("virtio_legacy", "legacy", 2407, 2062, 0, 0, 1206, 2396, false),
                new Run("virtio_noioeventfd", "transitional", 2373, 2047, 0, 1128, 1128, 2287, false),
                new Run("virtio_intx", "transitional", 2370, 2058, 1429, 1102, 1102, 1429, true),
                new Run("virtio_noeventidx", "transitional", 2394, 2082, 0, 1220, 1220, 3963, false));
    }

    /** Imports trace + pcap + phases strictly into {@code out} and checks the window against the row. */
    static ImportReport importAndCheck(Run run, Path trace, Path pcap, Path phases, Path out) {
        ImportReport report = QemuTraceImporter.run(QemuImportOptions.of(trace, out)
                .withPcap(pcap).withPhases(phases).withStrict(true));
        assertEquals(0, report.malformedCount(), report.summary());
        assertNotNull(report.pcapOffsetNs());
        assertTrue(report.pcapAlignment().contains("NIC receive"), report.summary());
        assertTrue(report.pcapOffsetNs() > 0 && report.pcapOffsetNs() < 1_500_000_000L, report.summary());

        WindowCounts w = WindowCounts.of(out);
        assertEquals(run.reads(), w.nicReads, "NIC register reads");
        assertEquals(run.writes(), w.nicWrites, "NIC register writes");
        assertEquals(run.kicks(), w.kicks, "kicks");
        long irqs = run.irqIntx() ? w.intxAsserts : w.msi;
        assertWithinOnePercent(run.irqs(), irqs, "NIC interrupts");
        assertEquals(0, run.irqIntx() ? w.msi : w.intxAsserts, "no interrupts of the other kind");
        assertWithinOnePercent(run.rx(), w.rxFrames, "rx frames");
        assertWithinOnePercent(run.tx(), w.txFrames, "tx frames");

        try (CaptureReader r = CaptureReader.open(out)) {
            CaptureMetadata meta = r.metadata();
            assertEquals("qemu-trace", meta.source().kind());
            assertEquals("tcg", meta.source().details().get("accelerator"));
            assertEquals("7.2", meta.source().details().get("qemuVersion"));
            assertEquals("trace", meta.clock().domain());
            assertEquals(1, meta.devices().size());
            CaptureMetadata.DeviceInfo d = meta.devices().get(0);
            assertEquals(run.transport() == null ? "e1000" : "virtio-net", d.model());
            assertEquals(run.transport(), d.transport());
            assertEquals("52:54:00:12:34:56", d.config().get("mac"));
        }
        if (run.transport() == null) {
            assertEquals(3342L, w.e1000Reads.getOrDefault(0x8L, 0L), "STATUS reads");
            assertEquals(1671L, w.e1000Reads.getOrDefault(0xC0L, 0L), "ICR reads");
            assertEquals(1671L, w.e1000Writes.getOrDefault(0xD8L, 0L), "IMC writes");
            assertEquals(1671L, w.e1000Writes.getOrDefault(0xD0L, 0L), "IMS writes");
            assertEquals(1393L, w.e1000Writes.getOrDefault(0x2818L, 0L), "RDT writes");
            assertEquals(1290L, w.e1000Writes.getOrDefault(0x3818L, 0L), "TDT writes");
            assertEquals(100L, w.e1000Writes.getOrDefault(0xC4L, 0L), "ITR writes");
        }
        return report;
    }

    static void assertWithinOnePercent(long expected, long actual, String what) {
        assertTrue(Math.abs(actual - expected) <= expected / 100.0, what + ": expected " + expected + " +-1%, got " + actual);
    }
}
