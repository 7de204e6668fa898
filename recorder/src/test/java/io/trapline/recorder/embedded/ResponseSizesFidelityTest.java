package io.trapline.recorder.embedded;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded guest against real runs of response sizes it was not fitted to (samples/qemu-7.2-tcg-sizes: 4, 16 and
 * 128 KiB, both NICs, three runs of each, made with samples/qemu/capture.sh). Repeated runs are pooled, and every
 * row is held to the bound around their mean, but virtio-net's 128 KiB accesses and interrupts: they belong
 * to the known gap of responses the model sends in fewer, larger bursts than Linux (docs/fidelity.md).
 */
class ResponseSizesFidelityTest {
    @TempDir
    static Path work;
    static FidelityReport.Report report;
    static List<String> folders;

    @BeforeAll
    static void build() {
        Path samples = Path.of("..", "samples", "qemu-7.2-tcg-sizes").toAbsolutePath().normalize();
        folders = FidelityReport.runFolders(samples);
        report = FidelityReport.build(samples, folders, work);
    }

    @Test
    void repeatedRunsMakeOneRowPerMetricAndOneRecording() {
        assertEquals(18, folders.size(), "three runs of six configurations");
        assertEquals(18, report.runs().size(), "each run's own window is still reported");
        assertEquals(6 * 3, report.rows().size(), "six configurations, one request group each, three metrics");
        for (FidelityReport.Row r : report.rows()) {
            assertEquals(3, r.runs(), r.toString());
            String prefix = r.run().substring(0, r.run().indexOf("-1, "));
            assertEquals(prefix + "-1, " + prefix + "-2, " + prefix + "-3", r.run(), "the pooled runs are named");
            assertTrue(r.realMin() <= r.real() && r.real() <= r.realMax(), "the mean lies within the spread: " + r);
        }
        assertTrue(report.rows().stream().anyMatch(r -> r.realMax() > r.realMin()), "real runs differ");
        // The embedded guest is deterministic: one recording serves a configuration's repeats.
        assertTrue(Files.isDirectory(work.resolve("model-web4-virtio-1")));
        assertFalse(Files.exists(work.resolve("model-web4-virtio-2")));
        assertEquals(List.of("4 KiB", "4 KiB", "16 KiB", "16 KiB", "128 KiB", "128 KiB").stream().sorted().toList(),
                report.timings().stream().map(FidelityReport.Timing::size).sorted().toList());
    }

    @Test
    void rowsAreWithinTheirBoundsAroundTheRealMeanAndEachKnownGapIsStillOne() {
        StringBuilder failures = new StringBuilder(FidelityBounds.failures(report));
        for (FidelityReport.Row r : report.rows()) {
            boolean packets = r.metric().equals("packets per request");
            if ((packets || !r.size().equals("128 KiB")) && r.knownGap() != null) {
                failures.append("a packet row or one of 4 or 16 KiB listed as a known gap: ").append(r).append('\n');
            }
        }
        assertEquals("", failures.toString(), FidelityReport.markdown(report));
        assertEquals(2, report.rows().stream().filter(r -> r.knownGap() != null).count(),
                "the 128 KiB virtio-net accesses and interrupts");
    }

    @Test
    void theTableShowsTheSpread() {
        String table = FidelityReport.markdown(report);
        assertTrue(table.contains("(mean of 3: "), table);
    }
}
