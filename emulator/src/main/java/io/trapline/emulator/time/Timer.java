package io.trapline.emulator.time;

/**
 * A one-shot timer in virtual time. Arming an armed timer moves its deadline; a fired timer is disarmed
 * before its callback runs, so the callback may arm it again.
 */
public interface Timer {

    /** Fires the callback when virtual time reaches {@code deadlineNs} (immediately-due deadlines fire at the next run). */
    void arm(long deadlineNs);

    void cancel();

    boolean armed();

    /** The armed deadline, or {@code Long.MIN_VALUE} when not armed. */
    long deadline();
}
