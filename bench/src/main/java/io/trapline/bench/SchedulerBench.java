package io.trapline.bench;

import io.trapline.emulator.time.Scheduler;
import io.trapline.emulator.time.Timer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Timer re-arm and fire through the virtual-time scheduler: the cost every device timer pays. {@code far} timers
 * stay pending all along, as a web workload's closed connections wait out TIME_WAIT (about 1,300 of them), each made
 * between other objects as a connection's timers are, so that they lie spread over the heap.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SchedulerBench {
    private Scheduler scheduler;
    private Timer[] timers;
    private long fired;
    private int next;
    @Param({"0", "1300"})
    public int far;
    /** What the far timers were made between, kept so that they stay spread out. */
    private byte[][] spacers;

    @Setup
    public void setUp() {
        scheduler = new Scheduler();
        spacers = new byte[far][];
        for (int i = 0; i < far; i++) {
            spacers[i] = new byte[4096];
            scheduler.newTimer(() -> fired++).arm(Long.MAX_VALUE / 2 + i);
        }
        timers = new Timer[64];
        for (int i = 0; i < timers.length; i++) {
            timers[i] = scheduler.newTimer(() -> fired++);
            timers[i].arm(i * 1000L);
        }
    }

    /** Re-arms one of 64 cycling timers and runs the earliest: one timer event of a device model. */
    @Benchmark
    public long rearmAndRunNext() {
        Timer t = timers[next++ & 63];
        t.arm(scheduler.now() + 64_000);
        scheduler.runNext();
        return fired;
    }
}
