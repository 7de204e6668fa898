package io.trapline.bench;

import io.trapline.emulator.time.Scheduler;
import io.trapline.emulator.time.Timer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Timer re-arm and fire through the virtual-time scheduler: the cost every device timer pays. */
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

    @Setup
    public void setUp() {
        scheduler = new Scheduler();
        timers = new Timer[64];
        for (int i = 0; i < timers.length; i++) {
            timers[i] = scheduler.newTimer(() -> fired++);
            timers[i].arm(i * 1000L);
        }
    }

    /** Re-arms one of 64 pending timers and runs the earliest: one timer event of a device model. */
    @Benchmark
    public long rearmAndRunNext() {
        Timer t = timers[next++ & 63];
        t.arm(scheduler.now() + 64_000);
        scheduler.runNext();
        return fired;
    }
}
