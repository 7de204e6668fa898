package io.trapline.sql;

import io.trapline.analysis.AnalysisOptions;
import io.trapline.analysis.CaptureSource;
import io.trapline.recorder.qemu.QemuImportOptions;
import io.trapline.recorder.qemu.QemuTraceImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shared real QEMU 7.2 captures (e1000 and virtio-net, imported here) give the figures their README measured
 * in the workload window (shared/captures/qemu-7.2-tcg/README.md, "Measured in the workload window").
 */
class RealCapturesTest {
    @TempDir
    static Path tmp;
    static List<CaptureSource> captures;

    @BeforeAll
    static void importCaptures() {
        Path shared = Path.of(System.getProperty("trapline.shared.dir", "../shared"), "captures", "qemu-7.2-tcg");
        assumeTrue(Files.isDirectory(shared), "shared captures not present: " + shared);
        captures = new java.util.ArrayList<>();
        for (String run : List.of("e1000", "virtio")) {
            Path in = shared.resolve(run);
            Path out = tmp.resolve(run);
            QemuTraceImporter.run(QemuImportOptions.of(in.resolve("trace.log.xz"), out)
                    .withPcap(in.resolve("packets.pcap")).withPhases(in.resolve("phases.txt")));
            captures.add(new CaptureSource(run, out));
        }
    }

    private static Object value(CaptureComparison c, String key, int capture) {
        return c.metrics().stream().filter(m -> m.key().equals(key)).findFirst().orElseThrow().values().get(capture);
    }

    @Test
    void windowFiguresMatchTheReadme() {
        try (SqlSession s = SqlSession.open(captures, AnalysisOptions.defaults())) {
            CaptureComparison c = CaptureComparison.measure(s, null);
            assertEquals("window", value(c, "phase", 0));
            assertEquals(220L, value(c, "requests", 0), "200 + 20 curl requests, one SYN each");
            assertEquals(220L, value(c, "requests", 1));
            // README: e1000 4581 packets, 2.46 NIC accesses and 0.36 IRQs per packet; virtio 4430, 0.26, 0.53
            assertEquals(2.46, (Double) value(c, "nic_accesses_per_packet", 0), 0.01);
            assertEquals(0.26, (Double) value(c, "nic_accesses_per_packet", 1), 0.01);
            assertEquals(0.36, (Double) value(c, "interrupts_per_packet", 0), 0.01);
            assertEquals(0.53, (Double) value(c, "interrupts_per_packet", 1), 0.01);
            assertEquals(1141L, value(c, "kicks", 1));
            assertEquals(22.1, (Double) value(c, "exits_per_request.tcg", 1), 0.05, "README all-device/request");
        }
    }

    @Test
    void kvmDropsExactlyTheCoalescedE1000Writes() {
        try (SqlSession s = SqlSession.open(captures, AnalysisOptions.defaults())) {
            long tcg = s.queryLong("SELECT count(*) FROM exits WHERE capture = 'e1000' AND profile = 'tcg' AND device = 0");
            long kvm = s.queryLong("SELECT count(*) FROM exits WHERE capture = 'e1000' AND profile = 'kvm' AND device = 0");
            long coalesced = s.queryLong("SELECT count(*) FROM accesses WHERE capture = 'e1000' AND kind = 'mmio'"
                    + " AND dir = 'write' AND region = 0 AND \"offset\" NOT IN (32, 192, 200, 208, 216, 1024, 14360)");
            assertTrue(coalesced > 1000, "RDT and ITR writes: " + coalesced);
            assertEquals(tcg - coalesced, kvm);
            // virtio's kicks are ioeventfd under kvm, served by vhost under kvm-vhost; nothing is absorbed
            assertEquals(1141 + 0, s.queryLong("SELECT count(*) FROM exits WHERE capture = 'virtio' AND profile = 'kvm'"
                    + " AND class = 'mmio_ioeventfd' AND time_ns BETWEEN (SELECT start_ns FROM phases WHERE capture = 'virtio'"
                    + " AND name = 'window') AND (SELECT end_ns FROM phases WHERE capture = 'virtio' AND name = 'window')"));
            // under kvm-vhost, all but the control queue's (2), which QEMU keeps
            long control = s.queryLong("SELECT count(*) FROM kicks WHERE capture = 'virtio' AND queue = 2");
            assertTrue(control > 0, "the driver's control commands at probe");
            assertEquals(control, s.queryLong("SELECT count(*) FROM exits WHERE capture = 'virtio' AND profile = 'kvm-vhost'"
                    + " AND class = 'mmio_ioeventfd' AND handler <> 'vhost'"));
            // most workload exits land on a packet
            long attributed = s.queryLong("SELECT count(packet) * 100 // count(*) FROM exits e JOIN phases p"
                    + " ON e.capture = p.capture AND p.name = 'window' WHERE e.time_ns BETWEEN p.start_ns AND p.end_ns");
            assertTrue(attributed > 90, attributed + "% attributed");
        }
    }
}
