package io.trapline.replay;

import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.qemu.QemuImportOptions;
import io.trapline.recorder.qemu.QemuTraceImporter;
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
