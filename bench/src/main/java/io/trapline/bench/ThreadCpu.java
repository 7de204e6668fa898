package io.trapline.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of every native thread of this JVM, grouped by what the thread does (recording, capture writer, GC,
 * JIT, ...), read from Linux's {@code /proc/self/task/<tid>/schedstat} (nanoseconds on the CPU, first field; see
 * the kernel's Documentation/scheduler/sched-stats.rst), and how long the recording thread was runnable but waited
 * for a CPU (second field: the time another thread had its core). Unlike {@code ThreadMXBean} this sees the collector's and
 * the compilers' threads, and unlike {@code getProcessCpuTime} it is not rounded to scheduler ticks. Threads that
 * ended between two snapshots are lost, so a group's figure is a lower bound for short-lived threads.
 */
final class ThreadCpu {
    private final Map<Long, Long> byTid;
    /** Nanoseconds each thread waited on a run queue. */
    private final Map<Long, Long> waitByTid;
    private final Map<Long, String> groups;

    private ThreadCpu(Map<Long, Long> byTid, Map<Long, Long> waitByTid, Map<Long, String> groups) {
        this.byTid = byTid;
        this.waitByTid = waitByTid;
        this.groups = groups;
    }

    /** Whether this system exposes per-thread schedstat (Linux with schedstats in /proc). */
    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/task"));
    }

    static ThreadCpu snapshot() {
        Map<Long, Long> byTid = new TreeMap<>();
        Map<Long, Long> waitByTid = new TreeMap<>();
        Map<Long, String> groups = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    long tid = Long.parseLong(task.getFileName().toString());
                    String schedstat = Files.readString(task.resolve("schedstat")).trim();
                    String comm = Files.readString(task.resolve("comm")).trim();
                    String[] fields = schedstat.split(" ");
                    byTid.put(tid, Long.parseLong(fields[0]));
                    waitByTid.put(tid, Long.parseLong(fields[1]));
                    groups.put(tid, group(comm));
                } catch (IOException | RuntimeException threadEnded) {
                    // the thread exited while we listed it; its time is not counted
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/task: " + e.getMessage(), e);
        }
        return new ThreadCpu(byTid, waitByTid, groups);
    }

    /**
     * CPU nanoseconds per group spent between {@code before} and this snapshot, and as "recording wait" the time the
     * recording thread waited for a CPU.
     */
    Map<String, Long> since(ThreadCpu before) {
        Map<String, Long> out = new TreeMap<>();
        byTid.forEach((tid, ns) -> {
            long delta = ns - before.byTid.getOrDefault(tid, 0L);
            if (delta > 0) {
                out.merge(groups.get(tid), delta, Long::sum);
            }
            long waited = waitByTid.get(tid) - before.waitByTid.getOrDefault(tid, 0L);
            if (waited > 0 && "recording".equals(groups.get(tid))) {
                out.merge("recording wait", waited, Long::sum);
            }
        });
        return out;
    }

    /** Linux truncates thread names to 15 characters, so the groups go by prefix. */
    private static String group(String comm) {
        if (comm.equals("main") || comm.equals("java")) {
            return "recording";
        }
        if (comm.startsWith("capture-writer")) {
            return "writer";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Periodic")
                || comm.equals("VM Thread")) {
            return "gc+vm";
        }
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "jit";
        }
        return "other";
    }
}
