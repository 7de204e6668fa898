package io.trapline.bench;

import io.trapline.emulator.device.BoundaryTap;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.guest.workload.MarkListener;
import io.trapline.recorder.embedded.EmbeddedRecorder;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scripted benchmark for {@code trapline record}: guest packets per second of host time for the web workload,
 * with the recording tap and capture writer on, and with no tap at all, alternating. Warms up, then takes the best
 * of the measured rounds. Because the two cores are often shared with other work, it also prints CPU time: the
 * recording (simulation) thread's, the capture writer thread's, and the whole process's (which adds GC and JIT).
 * Run: {@code java $FLAGS [-Drequests=...] [-Drounds=N] -cp bench/target/benchmarks.jar
 * io.trapline.bench.RecordThroughput [e1000|virtio-net]}.
 */
public final class RecordThroughput {
    private static final int WARMUP = 3;

    private RecordThroughput() {
    }

    public static void main(String[] args) throws IOException {
        String nic = args.length > 0 ? args[0] : "e1000";
        String requests = System.getProperty("requests", "400x1024,40x65536");
        int rounds = Integer.getInteger("rounds", 5);
        GuestRun.Options options = new GuestRun.Options(nic, Map.of(), "web", Map.of("requests", requests),
                PlatformProfile.tcg(), 1);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] best = new long[7];
        java.util.Arrays.fill(best, Long.MAX_VALUE);
        long packets = 0;
        for (int round = 0; round < WARMUP + rounds; round++) {
            long p0 = os.getProcessCpuTime();
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            GuestRun.Result r = GuestRun.run(options, BoundaryTap.NONE, MarkListener.NONE, null);
            long off = System.nanoTime() - t0;
            long offCpu = threads.getCurrentThreadCpuTime() - c0;
            long offProcess = os.getProcessCpuTime() - p0;
            if (!r.finished()) {
                throw new IllegalStateException("workload did not finish");
            }
            Path dir = Files.createTempDirectory("record-bench");
            Files.delete(dir);
            p0 = os.getProcessCpuTime();
            c0 = threads.getCurrentThreadCpuTime();
            t0 = System.nanoTime();
            EmbeddedRecorder.Recording rec = EmbeddedRecorder.record(options, dir, null);
            long on = System.nanoTime() - t0;
            long onCpu = threads.getCurrentThreadCpuTime() - c0;
            long onProcess = os.getProcessCpuTime() - p0;
            packets = rec.window().packets();
            delete(dir);
            if (round >= WARMUP) {
                long[] m = {off, on, offCpu, onCpu, offProcess, onProcess, rec.writerCpuNs()};
                for (int i = 0; i < m.length; i++) {
                    best[i] = Math.min(best[i], m[i]);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s web %s: %d packets, best of %d%n", nic, requests, packets, rounds);
        System.out.printf(Locale.ROOT, "  wall time:             recording off %,.0f packets/s, on %,.0f packets/s (recording costs %.0f%%)%n",
                rate(packets, best[0]), rate(packets, best[1]), 100.0 * best[1] / best[0] - 100);
        System.out.printf(Locale.ROOT, "  recording thread CPU:  off %.0f ms, on %.0f ms (+%.0f%%)%n",
                best[2] / 1e6, best[3] / 1e6, 100.0 * best[3] / best[2] - 100);
        System.out.printf(Locale.ROOT, "  writer thread CPU:     %.0f ms%n", best[6] / 1e6);
        System.out.printf(Locale.ROOT, "  process CPU:           off %.0f ms, on %.0f ms (+%.0f%%)%n",
                best[4] / 1e6, best[5] / 1e6, 100.0 * best[5] / best[4] - 100);
    }

    private static double rate(long packets, long nanos) {
        return packets * 1e9 / nanos;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
