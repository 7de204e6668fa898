package io.trapline.guest.workload;

import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.NetStack;

/**
 * What a workload runs on: the host-side client stack, the guest's HTTP server address, and the timing
 * before the requests. The shared captures marked ready, waited 1 s, marked idle_start, idled 3 s, then
 * marked idle_end and work_start (phases.txt).
 *
 * @param readyToIdleNs time from {@code ready} to {@code idle_start}
 * @param idleNs        length of the idle phase before the requests
 */
public record WorkloadEnv(Scheduler scheduler, NetStack client, int serverIp, int serverPort, PlatformProfile profile,
                          long readyToIdleNs, long idleNs) {

    public static final long CAPTURE_READY_TO_IDLE_NS = 1_000_000_000L;
    public static final long CAPTURE_IDLE_NS = 3_000_000_000L;

    public WorkloadEnv {
        if (readyToIdleNs < 0 || idleNs < 0) {
            throw new IllegalArgumentException("negative workload timing");
        }
    }

    /** The captures' timing: 1 s after ready, then 3 s idle. */
    public static WorkloadEnv asCaptured(Scheduler scheduler, NetStack client, int serverIp, int serverPort, PlatformProfile profile) {
        return new WorkloadEnv(scheduler, client, serverIp, serverPort, profile, CAPTURE_READY_TO_IDLE_NS, CAPTURE_IDLE_NS);
    }
}
