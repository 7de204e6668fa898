package io.trapline.bench;

import io.trapline.emulator.device.BoundaryTap;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.guest.workload.MarkListener;
import io.trapline.recorder.EventSink;
import io.trapline.recorder.EventType;
import io.trapline.recorder.RecordingTap;
import io.trapline.recorder.embedded.EmbeddedRecorder;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Scripted benchmark for {@code trapline record}: guest packets per second of host time for the web workload with
 * recording off (no tap) and on ({@link EmbeddedRecorder#record}, the whole of {@code trapline record} but the
 * summary printing). Each round runs every mode once, in order; after the warm-up rounds it reports, per mode, the
 * best round and the median over rounds of the ratio to the bare run of the same round (pairs taken minutes apart
 * would mostly compare the other tenants of the machine), with a 95% bootstrap interval ({@link MedianRatio}), and
 * the median wall clock the mode adds per packet, which unlike the ratio stays put when the simulation gets faster. CPU
 * time is split by thread: the recording (simulation) thread, the capture writer thread, GC and VM threads, the JIT
 * compilers.
 *
 * <p>Two more modes take the recording apart (add them with {@code -Dmodes=off,tap,copy,on}):
 * <ul>
 * <li>{@code tap}: the recording tap on the device boundary, its events dropped by the sink: what wrapping the
 *     device and its context costs (outputs inside an input still go through the tap's pending list);</li>
 * <li>{@code copy}: the tap copying every event into a 16 MiB array that nobody reads: the least any recording
 *     thread must do (one copy of each event), with no writer thread.</li>
 * </ul>
 * A single mode alone ({@code -Dmodes=on}) runs only that, for a profiler: compare the recording thread's profile of
 * {@code -Dmodes=off} with that of {@code -Dmodes=on} method by method (docs/benchmarks.md, fourth round). "recording
 * wait" is the time the recording thread was runnable but waited for a CPU.
 *
 * <p>Run: {@code java $FLAGS [-Drequests=...] [-Drounds=N] [-Dwarmup=N] [-Dmodes=...] [-Dverbose=true] -cp
 * bench/target/benchmarks.jar io.trapline.bench.RecordThroughput [e1000|virtio-net]}.
 */
public final class RecordThroughput {
    /**
     * The JIT is still compiling 100–800 ms per round during the first 8 or so rounds (measured with the thread
     * split below: the compiler threads' CPU per round falls from 870 ms to under 30 ms by round 9), and on two
     * cores it competes with the runs it should not be measuring.
     */
    private static final int DEFAULT_WARMUP = 12;

    private RecordThroughput() {
    }

    /** One mode's figures per measured round. */
    private static final class Series {
        final String mode;
        final List<Long> wall = new ArrayList<>();
        final List<Long> threadCpu = new ArrayList<>();
        final List<Long> writerCpu = new ArrayList<>();
        final List<Long> close = new ArrayList<>();
        final Map<String, Long> cpuByThread = new TreeMap<>();

        Series(String mode) {
            this.mode = mode;
        }
    }

    public static void main(String[] args) throws IOException {
        String nic = args.length > 0 ? args[0] : "e1000";
        String requests = System.getProperty("requests", "400x1024,40x65536");
        int rounds = Integer.getInteger("rounds", 5);
        int warmup = Integer.getInteger("warmup", DEFAULT_WARMUP);
        boolean verbose = Boolean.getBoolean("verbose");
        List<String> modes = List.of(System.getProperty("modes", "off,on").split(","));
        if ((!modes.get(0).equals("off") && modes.size() > 1) || !List.of("off", "tap", "copy", "on").containsAll(modes)) {
            throw new IllegalArgumentException("-Dmodes: off first (the ratios are to it), then any of tap, copy, on;"
                    + " or one mode alone (to profile it): " + modes);
        }
        GuestRun.Options options = new GuestRun.Options(nic, Map.of(), "web", Map.of("requests", requests),
                PlatformProfile.tcg(), 1);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Series> series = new ArrayList<>();
        for (String m : modes) {
            series.add(new Series(m));
        }
        long packets = 0;
        for (int round = 0; round < warmup + rounds; round++) {
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (Series s : series) {
                Path dir = s.mode.equals("on") ? newCaptureDir() : null; // naming a directory is not recording
                ThreadCpu before = ThreadCpu.snapshot();
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                RunCost cost = runOnce(s.mode, options, dir);
                long wall = System.nanoTime() - t0;
                long cpu = threads.getCurrentThreadCpuTime() - c0;
                // after timing: the writer thread closes the queue once the capture is complete, and this waits
                // for that, so that the next run does not share the CPUs with it
                long writerCpu = cost.writerCpuNs().getAsLong();
                Map<String, Long> split = ThreadCpu.snapshot().since(before);
                deleteLastCapture(); // after the CPU snapshot too: removing a capture is not part of recording it
                if (writerCpu >= 0) {
                    split.put("writer", writerCpu); // the capture's writer loop reported its own CPU time
                } else {
                    split.remove("writer"); // a pooled writer thread idle through a run without a capture
                }
                if (round >= warmup) {
                    s.wall.add(wall);
                    s.threadCpu.add(cpu);
                    s.writerCpu.add(writerCpu);
                    s.close.add(cost.closeNs());
                    split.forEach((g, ns) -> s.cpuByThread.merge(g, ns, Long::sum));
                }
                line.append(String.format(Locale.ROOT, " %s %.0f ms %s;", s.mode, wall / 1e6, ms(split)));
            }
            if (verbose) {
                System.out.println(line);
            }
            if (round == 0) {
                packets = packets(options);
            }
        }
        System.out.printf(Locale.ROOT, "%s web %s: %d packets, %d rounds after %d warm-up rounds%n", nic, requests,
                packets, rounds, warmup);
        Series off = series.get(0);
        for (Series s : series) {
            System.out.printf(Locale.ROOT, "  %-4s best %,9.0f packets/s (%5.1f ms); median of on/off per round: wall %s,"
                            + " recording thread CPU %s; CPU per run by thread: %s%n",
                    s.mode, packets * 1e9 / Collections.min(s.wall), Collections.min(s.wall) / 1e6,
                    MedianRatio.of(s.wall, off.wall, 1), MedianRatio.of(s.threadCpu, off.threadCpu, 2),
                    meanMs(s.cpuByThread, rounds));
            if (s != off) {
                // in time rather than as a ratio: a ratio moves with the bare run's speed, this with the recorder's
                MedianRatio added = MedianRatio.of(perPacketDifference(s.wall, off.wall, packets), 3);
                System.out.printf(Locale.ROOT, "        adds a median %.0f ns of wall clock per packet (95%%: %.0f to %.0f)%n",
                        added.median, added.low, added.high);
            }
            if (s.close.get(0) >= 0) {
                System.out.printf(Locale.ROOT, "        closing the capture (the recording thread waits for the writer thread): median %.1f ms%n",
                        median(s.close) / 1e6);
            }
        }
    }

    /** Per round, {@code a}'s time minus {@code b}'s, in nanoseconds per packet. */
    static double[] perPacketDifference(List<Long> a, List<Long> b, long packets) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (double) (a.get(i) - b.get(i)) / packets;
        }
        return d;
    }

    /** What a run cost beyond the recording thread: the writer thread's CPU time and the close (-1 without a capture). */
    private record RunCost(LongSupplier writerCpuNs, long closeNs) {
        static final RunCost NONE = new RunCost(() -> -1, -1);
    }

    /** The capture the last "on" run made, to delete once its run has been timed. */
    private static Path lastCapture;

    private static void deleteLastCapture() throws IOException {
        if (lastCapture != null) {
            delete(lastCapture);
            lastCapture = null;
        }
    }

    /** A path for a new capture: a fresh temporary name that does not exist yet. */
    private static Path newCaptureDir() throws IOException {
        Path dir = Files.createTempDirectory("record-bench");
        Files.delete(dir);
        return dir;
    }

    /** Runs the workload once in {@code mode}; "on" records into {@code dir}. */
    private static RunCost runOnce(String mode, GuestRun.Options options, Path dir) throws IOException {
        switch (mode) {
            case "off" -> {
                finished(GuestRun.run(options, BoundaryTap.NONE, MarkListener.NONE, null));
                return RunCost.NONE;
            }
            case "tap" -> {
                EventSink drop = (t, type, d, q, r, s, a, v, f, p, o, l) -> 0;
                finished(GuestRun.run(options, new RecordingTap(drop), MarkListener.NONE, null));
                return RunCost.NONE;
            }
            case "copy" -> {
                finished(GuestRun.run(options, new RecordingTap(new CopySink()), MarkListener.NONE, null));
                return RunCost.NONE;
            }
            case "on" -> {
                lastCapture = dir; // deleted after the run is timed: removing a capture is not part of recording it
                EmbeddedRecorder.Recording rec = EmbeddedRecorder.record(options, dir, null);
                finished(rec.run());
                return new RunCost(rec.writerCpuNs(), rec.closeNs());
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode + " (off, tap, copy, on)");
        }
    }

    private static void finished(GuestRun.Result r) {
        if (!r.finished()) {
            throw new IllegalStateException("workload did not finish");
        }
    }

    /** Packets in the workload window, from one recording (the bare run does not count them). */
    private static long packets(GuestRun.Options options) throws IOException {
        Path dir = newCaptureDir();
        try {
            return EmbeddedRecorder.record(options, dir, null).window().packets();
        } finally {
            delete(dir);
        }
    }

    /** Every event laid out as in a capture (48-byte header, payload) into a 16 MiB array, wrapping; never read. */
    private static final class CopySink implements EventSink {
        private final byte[] ring = new byte[16 << 20];
        private int at;
        private long sequence;

        @Override
        public long append(long timeNs, EventType type, int device, int queue, int region, int size, long address,
                           long value, int flags, byte[] payload, int offset, int length) {
            int record = (48 + length + 7) & ~7;
            if (at + record > ring.length) {
                at = 0;
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(ring, at, 48).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.putLong(sequence).putLong(timeNs).putLong(type.code() | (long) device << 8 | (long) queue << 16)
                    .putLong(address).putLong(value).putInt(length);
            if (length > 0) {
                System.arraycopy(payload, offset, ring, at + 48, length);
            }
            at += record;
            return sequence++;
        }
    }

    private static double median(List<Long> values) {
        return MedianRatio.median(values.stream().mapToDouble(Long::doubleValue).toArray());
    }

    private static String ms(Map<String, Long> split) {
        StringBuilder sb = new StringBuilder("{");
        split.forEach((g, ns) -> sb.append(sb.length() > 1 ? ", " : "").append(g).append(' ')
                .append(Math.round(ns / 1e6)));
        return sb.append('}').toString();
    }

    private static String meanMs(Map<String, Long> cpuByThread, int rounds) {
        StringBuilder sb = new StringBuilder();
        cpuByThread.forEach((g, ns) -> sb.append(sb.length() > 0 ? ", " : "").append(g)
                .append(String.format(Locale.ROOT, " %.0f ms", ns / 1e6 / rounds)));
        return sb.toString();
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
