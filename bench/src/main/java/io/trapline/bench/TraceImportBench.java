package io.trapline.bench;

import io.trapline.recorder.qemu.ImportReport;
import io.trapline.recorder.qemu.QemuImportOptions;
import io.trapline.recorder.qemu.QemuTraceImporter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tukaani.xz.XZInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * Imports the real e1000 QEMU trace (245,905 lines: boot, probe, idle, 220 web requests) into a new capture:
 * line parsing, address decoding and event writing. {@code plain} reads the decompressed log (parse + import),
 * {@code xz} the shipped .xz (adds decompression). Lines/s = 245,905 / time per op. The trace is found under
 * -Dtrapline.shared.dir (default ../shared).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TraceImportBench {
    @Param({"plain", "xz"})
    public String input;

    private Path work;
    private Path trace;
    private Path out;
    private int run;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path xz = Path.of(System.getProperty("trapline.shared.dir", "../shared"),
                "captures", "qemu-7.2-tcg", "e1000", "trace.log.xz");
        work = Files.createTempDirectory("trace-import-bench");
        if (input.equals("xz")) {
            trace = xz;
        } else {
            trace = work.resolve("trace.log");
            try (InputStream in = new XZInputStream(Files.newInputStream(xz))) {
                Files.copy(in, trace);
            }
        }
    }

    @Setup(Level.Invocation)
    public void newOutput() {
        out = work.resolve("capture-" + run++);
    }

    @Benchmark
    public long importE1000Trace() {
        ImportReport r = QemuTraceImporter.run(QemuImportOptions.of(trace, out));
        return r.eventsWritten();
    }

    @TearDown(Level.Invocation)
    public void removeOutput() throws IOException {
        delete(out);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        delete(work);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
