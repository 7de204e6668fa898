package io.trapline.replay;

import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.qemu.QemuImportOptions;
import io.trapline.recorder.qemu.QemuTraceImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real QEMU 7.2 captures (Linux 6.1 drivers), imported and replayed through trapline's models: every register
 * and config read the device answered before its first DMA of unrecorded guest memory (the whole probe and
 * initialisation) must come back with QEMU's value.
 */
class ImportedCaptureReplayTest {
    @TempDir
    Path tmp;

    @Test
    void aTraceThatMakesTheDeviceWalkBlankMemoryOverAndOverIsStoppedAtABudget() throws Exception {
        // A maximal TX ring (TDLEN), then TDH=1, TDT=0 again and again: each TDT write walks 65,527 blank descriptors,
        // as QEMU's would. 2,000 pairs took 1.4 s, and the 150,000 of a 335 KB compressed trace hours.
        StringBuilder sb = new StringBuilder("9@10.000000:pci_update_mappings_add e1000 00:03.0 0,0xfebc0000+0x20000\n");
        int[][] writes = {{0x3800, 0x100000}, {0x3804, 0}, {0x3808, 0xffffffff}, {0x400, 0xa}};
        int line = 0;
        for (int[] w : writes) {
            sb.append(write(++line, w[0], w[1]));
        }
        for (int i = 0; i < 2_000; i++) {
            sb.append(write(++line, 0x3810, 1)).append(write(++line, 0x3818, 0));
        }
        Path trace = tmp.resolve("ring.log");
        Files.writeString(trace, sb.toString());
        Path capture = tmp.resolve("ring");
        QemuTraceImporter.run(QemuImportOptions.of(trace, capture));
        try (CaptureReader r = CaptureReader.open(capture)) {
            ReplayException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> assertThrows(ReplayException.class, () -> Replayer.replay(r, ReplayOptions.defaults())));
            assertTrue(e.getMessage().startsWith("replay stopped at sequence "), e.getMessage());
            assertTrue(e.getMessage().contains(" (mmio_write TDT (BAR0+0x3818) <- 0x0): the device has made "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("past the budget of 1,048,576 + 64 per input"), e.getMessage());
        }
    }

    private static String write(int line, int offset, int value) {
        return String.format("9@%d.%06d:memory_region_ops_write cpu 0 mr 0x1 addr 0x%x value 0x%x size 4 name 'e1000-mmio'%n",
                11 + line / 1_000_000, line % 1_000_000, 0xfebc0000L + offset, value & 0xFFFFFFFFL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"e1000", "virtio", "virtio_modern", "virtio_legacy", "virtio_intx", "virtio_noeventidx",
            "virtio_noioeventfd"})
    void theProbeAndInitOfEachRealCaptureReplaysWithZeroDivergences(String run) {
        Path dir = Path.of(System.getProperty("trapline.shared.dir", "../shared"), "captures", "qemu-7.2-tcg", run);
        assumeTrue(Files.isDirectory(dir), "shared captures not present at " + dir);
        Path capture = tmp.resolve(run);
        QemuTraceImporter.run(QemuImportOptions.of(dir.resolve("trace.log.xz"), capture).withPhases(dir.resolve("phases.txt")));
        try (CaptureReader r = CaptureReader.open(capture)) {
            ReplayResult result = Replayer.replay(r, ReplayOptions.defaults());
            assertEquals(java.util.List.of(), result.divergences(), run);
            assertFalse(result.unverifiable().isEmpty(), "an imported capture says what it could not verify");
            // PCI config reads alone are ~100; the drivers' probe reads add the rest.
            assertTrue(result.outputsChecked() > (run.equals("e1000") ? 6_000 : 150),
                    run + ": read values checked: " + result.outputsChecked());
        }
    }
}
