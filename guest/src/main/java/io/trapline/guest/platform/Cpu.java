package io.trapline.guest.platform;

import io.trapline.emulator.time.Scheduler;
import io.trapline.emulator.time.Timer;

import java.util.ArrayDeque;

/**
 * One processor in virtual time with two levels of work, as a kernel has: {@link #run} for interrupt and
 * softirq work (the network stack, drivers), done in order and ahead of everything else, and
 * {@link #runTask} for process context (applications, system calls), done in order whenever the kernel
 * level is idle. Kernel work that arrives while a task runs pushes the task's completion back by its
 * cost — it preempted the task. This serial accounting turns per-operation costs into throughput: a busy
 * CPU delays what is queued behind it. The guest has one (the captures ran {@code -smp 1}); the host side
 * has one for the QEMU main loop that runs slirp.
 */
public final class Cpu {
    private final Scheduler scheduler;
    private final Timer taskTimer;
    private final ArrayDeque<Job> tasks = new ArrayDeque<>();
    private Job currentTask;
    private long taskDone;
    private long kernelBusyUntil;
    /** When the last hard interrupt handler queued has run: handlers run one after another. */
    private long irqBusyUntil;
    private long busyNs;

    private record Job(long cost, Runnable work) {
    }

    public Cpu(Scheduler scheduler) {
        this.scheduler = scheduler;
        this.taskTimer = scheduler.newTimer(this::taskFinished);
    }

    /** Kernel-level work: runs once {@code costNs} of CPU time has been spent on it, after earlier kernel work. */
    public void run(long costNs, Runnable work) {
        check(costNs);
        long start = Math.max(scheduler.now(), kernelBusyUntil);
        kernelBusyUntil = start + costNs;
        busyNs += costNs;
        scheduler.at(kernelBusyUntil, work);
        preemptTask(costNs);
    }

    /**
     * Kernel work that runs once the kernel level has nothing else queued: after the work queued so far and what
     * that work queues in turn (up to {@link #MAX_DEFERRALS} rounds, so that a stream of new work cannot hold it off
     * for ever). A NAPI poll completes this way: Linux runs the stack on what the poll received inside the poll, so
     * the queue's interrupts stay off until that processing is done.
     */
    public void runAfterKernelWork(Runnable work) {
        run(0, new AfterKernelWork(work));
    }

    static final int MAX_DEFERRALS = 8;

    private final class AfterKernelWork implements Runnable {
        private final Runnable work;
        private int deferrals;

        AfterKernelWork(Runnable work) {
            this.work = work;
        }

        @Override
        public void run() {
            if (kernelBusyUntil > scheduler.now() && deferrals < MAX_DEFERRALS) {
                deferrals++;
                Cpu.this.run(0, this); // work was queued behind this: go behind it
            } else {
                work.run();
            }
        }
    }

    /**
     * A hard interrupt: its handler runs {@code costNs} from now (after handlers already taken), not after the
     * queued kernel work: an IRQ preempts softirq processing, it does not wait for it. Its cost is charged as
     * {@link #charge} does: kernel work queued from now on, and a running task, finish that much later.
     */
    public void interrupt(long costNs, Runnable handler) {
        check(costNs);
        long at = Math.max(scheduler.now(), irqBusyUntil) + costNs;
        irqBusyUntil = at;
        kernelBusyUntil = Math.max(scheduler.now(), kernelBusyUntil) + costNs;
        busyNs += costNs;
        scheduler.at(at, handler);
        preemptTask(costNs);
    }

    /**
     * More CPU time for the kernel work running now (a driver's register access costs an exit): kernel work
     * queued from here on, and the task it preempted, finish that much later.
     */
    public void charge(long ns) {
        check(ns);
        kernelBusyUntil = Math.max(scheduler.now(), kernelBusyUntil) + ns;
        busyNs += ns;
        preemptTask(ns);
    }

    /** Kernel-level time taken while a task runs pushes the task's completion back by as much. */
    private void preemptTask(long ns) {
        if (currentTask != null) {
            taskDone += ns;
            taskTimer.arm(taskDone);
        }
    }

    /** Process-level work: runs after {@code costNs} of CPU time not taken by kernel work, after earlier tasks. */
    public void runTask(long costNs, Runnable work) {
        check(costNs);
        tasks.addLast(new Job(costNs, work));
        if (currentTask == null) {
            startTask();
        }
    }

    private void startTask() {
        currentTask = tasks.pollFirst();
        if (currentTask == null) {
            return;
        }
        busyNs += currentTask.cost;
        taskDone = Math.max(scheduler.now(), kernelBusyUntil) + currentTask.cost;
        taskTimer.arm(taskDone);
    }

    private void taskFinished() {
        Job done = currentTask;
        currentTask = null;
        done.work.run();
        if (currentTask == null) {
            startTask();
        }
    }

    private static void check(long costNs) {
        if (costNs < 0) {
            throw new IllegalArgumentException("negative cost " + costNs);
        }
    }

    /** Time at which all kernel work queued so far is done. */
    public long kernelBusyUntil() {
        return Math.max(kernelBusyUntil, scheduler.now());
    }

    /** True when neither level has work queued or running. */
    public boolean idle() {
        return currentTask == null && kernelBusyUntil <= scheduler.now();
    }

    /** Total cost charged so far (virtual nanoseconds the CPU spent working). */
    public long busyNs() {
        return busyNs;
    }

    public Scheduler scheduler() {
        return scheduler;
    }
}
