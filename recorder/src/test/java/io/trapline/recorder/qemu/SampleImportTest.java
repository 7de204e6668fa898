package io.trapline.recorder.qemu;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trimmed samples shipped in samples/qemu-7.2-tcg (probe + workload phases of each shared run) import to
 * the same window counts as the full runs. They need nothing outside the repository.
 */
class SampleImportTest {

    static Stream<ReadmeTable.Run> runs() {
        return ReadmeTable.runs();
    }

    static Path samples() {
        // surefire runs in the module directory; the samples live at the repository root
        Path p = Path.of("..", "samples", "qemu-7.2-tcg").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(p), "samples not present");
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void trimmedSampleMatchesTheReadmeTable(ReadmeTable.Run run, @TempDir Path tmp) {
        Path in = samples().resolve(run.folder());
        assertTrue(Files.isRegularFile(in.resolve("trace.log.xz")), "sample " + in + " is missing");
        ReadmeTable.importAndCheck(run, in.resolve("trace.log.xz"), in.resolve("packets.pcap.xz"),
                in.resolve("phases.txt"), tmp.resolve("capture"));
    }
}
