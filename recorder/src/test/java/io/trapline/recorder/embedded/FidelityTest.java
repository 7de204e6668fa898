package io.trapline.recorder.embedded;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The embedded guest against the real QEMU 7.2 / Linux 6.1 captures of the same web workload (docs/fidelity.md).
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
    void perRequestSizePacketsAccessesAndInterruptsAreWithinBounds() {
        StringBuilder failures = new StringBuilder();
        for (FidelityReport.Row r : report.rows()) {
            String key = r.nic() + "/" + r.size() + "/" + r.metric();
            if (Math.abs(r.deviation()) > FidelityReport.BOUND) {
                failures.append(String.format("%s: real %.2f model %.2f (%+.1f%%, bound %.0f%%)%n", key, r.real(), r.model(),
                        100 * r.deviation(), 100 * FidelityReport.BOUND));
            }
        }
        assertEquals("", failures.toString(), FidelityReport.markdown(report));
    }

    @Test
    void e1000RegisterMixMatchesAndEachInterruptCostsFiveAccesses() {
        Map<String, Long> real = report.realE1000Registers();
        Map<String, Long> model = report.modelE1000Registers();
        for (String reg : new String[] {"R STATUS", "R ICR", "W IMC", "W IMS", "W RDT", "W TDT", "W ITR"}) {
            double dev = (model.getOrDefault(reg, 0L) - real.get(reg)) / (double) real.get(reg);
            assertTrue(Math.abs(dev) <= FidelityReport.BOUND, reg + ": real " + real.get(reg) + " model " + model.get(reg));
        }
        long icr = model.get("R ICR");
        double perInterrupt = (model.get("R STATUS") + icr + model.get("W IMC") + model.get("W IMS")) / (double) icr;
        assertEquals(5.0, perInterrupt, 0.1, "ICR read, IMC write, STATUS flush, IMS write, STATUS flush");
    }

    @Test
    void virtioKicksOnlyOnTransmitAndReadsNoIsrUnderMsix() {
        WindowSummary model = report.modelVirtioWindow();
        assertEquals(0, model.reads(), "no ISR (or any register) reads under MSI-X: " + model.byRegister());
        assertTrue(model.kicks() > 0);
        long rxKicks = 0;
        long txKicks = 0;
        try (var r = io.trapline.recorder.CaptureReader.open(work.resolve("model-virtio")); var c = r.cursor()) {
            boolean working = false;
            byte[] name = new byte[64];
            while (c.next()) {
                if (c.type() == io.trapline.recorder.EventType.MARK && c.payloadLength() <= name.length) {
                    String n = new String(name, 0, c.copyPayload(name, 0));
                    working = n.equals("work_start") || (working && !n.equals("work_end"));
                } else if (working && c.type() == io.trapline.recorder.EventType.KICK) {
                    if (c.queue() == 1) {
                        txKicks++;
                    } else {
                        rxKicks++;
                    }
                }
            }
        }
        assertEquals(0, rxKicks, "the RX queue is refilled without kicks while the device has buffers");
        assertTrue(txKicks > 0);
    }
}
