package io.trapline.recorder.qemu;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Imports each of the seven real QEMU 7.2 runs in ../shared/captures/qemu-7.2-tcg (trace + pcap + phases) and
 * checks the workload window against the table in that folder's README ({@link ReadmeTable}).
 */
class SharedCapturesImportTest {

    static Stream<ReadmeTable.Run> runs() {
        return ReadmeTable.runs();
    }

    static Path sharedRuns() {
        String dir = System.getProperty("trapline.shared.dir");
        Path p = dir == null ? null : Path.of(dir, "captures", "qemu-7.2-tcg");
        Assumptions.assumeTrue(p != null && Files.isDirectory(p), "shared captures not present");
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void workloadWindowMatchesTheReadmeTable(ReadmeTable.Run run, @TempDir Path tmp) {
        Path in = sharedRuns().resolve(run.folder());
        ReadmeTable.importAndCheck(run, in.resolve("trace.log.xz"), in.resolve("packets.pcap"),
                in.resolve("phases.txt"), tmp.resolve("capture"));
    }
}
