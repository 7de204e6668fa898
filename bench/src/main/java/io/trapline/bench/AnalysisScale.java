package io.trapline.bench;

import io.trapline.analysis.AnalysisOptions;
import io.trapline.analysis.CaptureSource;
import io.trapline.analysis.CaptureTableReader;
import io.trapline.analysis.Table;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.sql.SavedQueries;
import io.trapline.sql.SqlSession;
import org.apache.arrow.memory.RootAllocator;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The analysis at scale, outside JMH (one run is minutes): writes a synthetic capture of N events
 * (default 100 million; several GB of disk while it exists), converts it to the events table and to the two
 * large tables the per-packet query reads (events/s), runs the saved per-packet-exits query through DuckDB (time),
 * prints peak JVM heap and peak process memory (DuckDB's memory is native), and deletes the capture (kept and
 * reused with {@code -Dtrapline.bench.keep=true}). Run with the heap capped:
 * {@code java -Xmx2g <trapline flags> -cp ... io.trapline.bench.AnalysisScale [EVENTS] [DIR]}.
 */
public final class AnalysisScale {
    private AnalysisScale() {
    }

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 100_000_000L;
        Path parent = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
        // -Dtrapline.bench.keep=true keeps the capture in DIR/synthetic-EVENTS and reuses it on the next run
        boolean keep = Boolean.getBoolean("trapline.bench.keep");
        // -Dtrapline.bench.layout=one-per-document: one event per Chronicle document, as format 1.0 captures have;
        // by default events share documents as recordings and imports are written
        SyntheticCapture.Layout layout = "one-per-document".equals(System.getProperty("trapline.bench.layout"))
                ? SyntheticCapture.Layout.ONE_PER_DOCUMENT : SyntheticCapture.Layout.RECORDED;
        Path dir = keep ? parent.resolve("synthetic-" + events + (layout == SyntheticCapture.Layout.RECORDED ? "" : "-single"))
                : Files.createTempDirectory(parent, "trapline-scale");
        Path cap = dir.resolve("synthetic");
        System.out.printf("max heap %d MiB, capture in %s (%s layout)%n", Runtime.getRuntime().maxMemory() >> 20, cap,
                layout.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        try {
            long n;
            if (keep && Files.exists(cap.resolve("capture.json")) && CaptureMetadata.readFrom(cap).complete()) {
                n = CaptureMetadata.readFrom(cap).events().count();
                System.out.printf("reusing %,d events, %s on disk%n", n, du(cap));
            } else {
                long t0 = System.nanoTime();
                n = SyntheticCapture.write(cap, events, layout);
                long t1 = System.nanoTime();
                System.out.printf("wrote %,d events in %.1f s (%.2f M/s), %s on disk%n", n, (t1 - t0) / 1e9,
                        n * 1e3 / (t1 - t0), du(cap));
            }
            List<CaptureSource> caps = List.of(new CaptureSource("synthetic", cap));
            MemorySampler sampler = new MemorySampler();
            sampler.start();
            AnalysisOptions opts = AnalysisOptions.defaults();
            // the exits table's own conversion rate is AnalysisBench's; here: the events table, then the query
            convert(Table.EVENTS, null, caps, opts, n);
            // alone, the two tables the per-packet query reads, narrowed to its columns as the session narrows them
            convert(Table.PACKETS, Set.of("capture", "refused", "time_ns"), caps, opts, n);
            convert(Table.EXITS, Set.of("capture_profile", "packet", "cycles", "time_ns"), caps, opts, n);
            try (SqlSession session = SqlSession.open(caps, opts)) {
                long s = System.nanoTime();
                // the saved query sets its intervals first, then selects: every statement but the last has no result
                // -Dtrapline.bench.query=FILE runs another query instead (to compare versions of it)
                String queryFile = System.getProperty("trapline.bench.query");
                List<String> statements = io.trapline.sql.Statements.split(queryFile != null
                        ? Files.readString(Path.of(queryFile)) : SavedQueries.text("per-packet-exits"));
                for (String st : statements.subList(0, statements.size() - 1)) {
                    long t = System.nanoTime();
                    session.query(st, rs -> null);
                    System.out.printf("  statement before the query: %.1f s%n", (System.nanoTime() - t) / 1e9);
                }
                String result = session.query(statements.get(statements.size() - 1), rs -> {
                    StringBuilder sb = new StringBuilder();
                    while (rs.next()) {
                        sb.append(String.format("  %s %s packets=%d exits=%d exits/packet=%.3f cycles/packet=%.0f%n",
                                rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5),
                                rs.getDouble(7)));
                    }
                    return sb.toString();
                });
                long e = System.nanoTime();
                System.out.printf("per-packet-exits query: %.1f s%n%s", (e - s) / 1e9, result);
            }
            long heapPeak = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) {
                    heapPeak += p.getPeakUsage().getUsed();
                }
            }
            sampler.interrupt();
            System.out.printf("peak JVM heap (sum of pool peaks) %d MiB; peak anonymous memory (heap, Arrow buffers,"
                    + " DuckDB) %d MiB; peak RSS %s, which also counts the capture's memory-mapped file pages%n",
                    heapPeak >> 20, sampler.peakAnonKb >> 10, vmHwm());
        } finally {
            if (!keep) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
                System.out.println("deleted " + dir);
            }
        }
    }

    private static void convert(Table t, Set<String> columns, List<CaptureSource> caps, AnalysisOptions opts, long n)
            throws Exception {
        long s = System.nanoTime();
        long rows = 0;
        try (RootAllocator a = new RootAllocator();
             CaptureTableReader r = new CaptureTableReader(a, t, caps, opts, columns)) {
            while (r.loadNextBatch()) {
                rows += r.getVectorSchemaRoot().getRowCount();
            }
        }
        long e = System.nanoTime();
        System.out.printf("%s table (%s): %,d rows in %.1f s = %.2f M events/s converted%n", t.label(),
                columns == null ? "all columns" : String.join(", ", new java.util.TreeSet<>(columns)), rows,
                (e - s) / 1e9, n * 1e3 / (e - s));
    }

    /** Disk use as du reports it (Chronicle pre-allocates file length, so sizes overstate it). */
    private static String du(Path p) throws Exception {
        Process proc = new ProcessBuilder("du", "-sh", p.toString()).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes()).trim();
        proc.waitFor();
        return out.split("\\s+")[0];
    }

    /** Samples the process's anonymous resident memory (RssAnon: not the mapped capture file) every 50 ms. */
    private static final class MemorySampler extends Thread {
        volatile long peakAnonKb;

        MemorySampler() {
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (!isInterrupted()) {
                    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                        if (line.startsWith("RssAnon:")) {
                            long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                            peakAnonKb = Math.max(peakAnonKb, kb);
                        }
                    }
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                // interrupted: sampling ends
            }
        }
    }

    private static String vmHwm() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return line.substring(6).trim();
            }
        }
        return "?";
    }
}
