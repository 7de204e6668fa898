package io.trapline.bench;

import io.trapline.analysis.AnalysisOptions;
import io.trapline.analysis.CaptureSource;
import io.trapline.analysis.CaptureTableReader;
import io.trapline.analysis.Table;
import org.apache.arrow.memory.RootAllocator;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Capture -> Arrow conversion: one whole scan of a synthetic e1000 capture into a table's record batches.
 * Score is ms per scan; events/s = events / score (the figures in docs/benchmarks.md divide it out).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class AnalysisBench {
    @Param({"2000000"})
    public long events;

    private Path dir;
    private List<CaptureSource> captures;
    private final AnalysisOptions options = AnalysisOptions.defaults();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("trapline-analysis-bench");
        long n = SyntheticCapture.write(dir.resolve("cap"), events);
        captures = List.of(new CaptureSource("synthetic", dir.resolve("cap")));
        System.out.println("synthetic capture: " + n + " events");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private long scan(Table t) throws Exception {
        long rows = 0;
        try (RootAllocator a = new RootAllocator(); CaptureTableReader r = new CaptureTableReader(a, t, captures, options)) {
            while (r.loadNextBatch()) {
                rows += r.getVectorSchemaRoot().getRowCount();
            }
        }
        return rows;
    }

    /** The events table: every event, 13 columns. */
    @Benchmark
    public long eventsTable() throws Exception {
        return scan(Table.EVENTS);
    }

    /** The exits table under the three profiles, with classification, prices and attribution. */
    @Benchmark
    public long exitsTable() throws Exception {
        return scan(Table.EXITS);
    }

    /** The packets table: parses each frame's headers. */
    @Benchmark
    public long packetsTable() throws Exception {
        return scan(Table.PACKETS);
    }
}
