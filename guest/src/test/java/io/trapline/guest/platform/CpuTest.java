package io.trapline.guest.platform;

import io.trapline.emulator.time.Scheduler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuTest {
    // a new instance per test (JUnit): each test has its own clock, CPU and log
    private final Scheduler s = new Scheduler();
    private final Cpu cpu = new Cpu(s);
    private final List<String> log = new ArrayList<>();

    @Test
    void kernelWorkRunsInOrderAndQueuesBehindEarlierKernelWork() {
        cpu.run(100, () -> log.add("a@" + s.now()));
        cpu.run(50, () -> log.add("b@" + s.now()));
        s.runUntil(1_000);
        assertEquals(List.of("a@100", "b@150"), log);
        assertEquals(150, cpu.busyNs());
    }

    @Test
    void kernelWorkPreemptsARunningTask() {
        cpu.runTask(1_000, () -> log.add("task@" + s.now()));
        s.at(200, () -> cpu.run(300, () -> log.add("irq@" + s.now())));
        s.runUntil(10_000);
        assertEquals(List.of("irq@500", "task@1300"), log);
        assertTrue(cpu.idle());
    }

    @Test
    void anInterruptHandlerDoesNotWaitForQueuedKernelWork() {
        cpu.run(1_000, () -> log.add("softirq@" + s.now()));
        s.at(100, () -> {
            cpu.interrupt(200, () -> log.add("irq1@" + s.now()));
            cpu.interrupt(200, () -> log.add("irq2@" + s.now())); // handlers run one after another
            cpu.run(10, () -> log.add("later@" + s.now())); // queued after the interrupts: behind their cost
        });
        s.runUntil(10_000);
        assertEquals(List.of("irq1@300", "irq2@500", "softirq@1000", "later@1410"), log);
        assertEquals(1_410, cpu.busyNs());
    }

    @Test
    void workAfterKernelWorkWaitsForWorkThatQueuedWorkQueues() {
        cpu.run(100, () -> {
            log.add("poll@" + s.now());
            cpu.run(50, () -> log.add("stack@" + s.now())); // queued while the first runs
        });
        cpu.runAfterKernelWork(() -> log.add("complete@" + s.now()));
        s.runUntil(10_000);
        assertEquals(List.of("poll@100", "stack@150", "complete@150"), log);
    }

    @Test
    void workAfterKernelWorkIsNotHeldOffForEverByNewWork() {
        Runnable[] busy = new Runnable[1];
        busy[0] = () -> {
            if (s.now() < 1_000_000) {
                cpu.run(10, busy[0]); // a stream of new kernel work
            }
        };
        cpu.run(10, busy[0]);
        cpu.runAfterKernelWork(() -> log.add("complete@" + s.now()));
        s.runUntil(10_000_000);
        assertEquals(List.of("complete@" + 10 * (Cpu.MAX_DEFERRALS + 1)), log);
    }

    @Test
    void tasksRunOneAfterAnother() {
        cpu.runTask(100, () -> {
            log.add("t1@" + s.now());
            cpu.runTask(10, () -> log.add("t3@" + s.now()));
        });
        cpu.runTask(100, () -> log.add("t2@" + s.now()));
        s.runUntil(10_000);
        assertEquals(List.of("t1@100", "t2@200", "t3@210"), log);
    }

    @Test
    void negativeCostsAreRejected() {
        Cpu cpu = new Cpu(new Scheduler());
        assertThrows(IllegalArgumentException.class, () -> cpu.run(-1, () -> { }));
        assertThrows(IllegalArgumentException.class, () -> cpu.runTask(-1, () -> { }));
        assertThrows(IllegalArgumentException.class, () -> cpu.interrupt(-1, () -> { }));
    }
}
