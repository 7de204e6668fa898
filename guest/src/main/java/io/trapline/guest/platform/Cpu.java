package io.trapline.guest.platform;

import io.trapline.emulator.time.Scheduler;

/**
 * One processor in virtual time: work items run one after another, each finishing {@code cost} after the
 * later of "now" and the end of the previous item. That serial queue is what turns per-operation costs
 * into throughput: a busy CPU delays everything queued behind it. The guest has one (the captures ran
 * {@code -smp 1}); the host side has one for the QEMU main loop that runs slirp.
 */
public final class Cpu {
    private final Scheduler scheduler;
    private long busyUntil;
    private long busyNs;

    public Cpu(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Queues {@code work} to run once {@code costNs} of this CPU's time has been spent on it. */
    public void run(long costNs, Runnable work) {
        if (costNs < 0) {
            throw new IllegalArgumentException("negative cost " + costNs);
        }
        long start = Math.max(scheduler.now(), busyUntil);
        busyUntil = start + costNs;
        busyNs += costNs;
        scheduler.at(busyUntil, work);
    }

    /** Time at which everything queued so far is done. */
    public long busyUntil() {
        return Math.max(busyUntil, scheduler.now());
    }

    /** Total cost charged so far (virtual nanoseconds the CPU spent working). */
    public long busyNs() {
        return busyNs;
    }

    public Scheduler scheduler() {
        return scheduler;
    }
}
