package io.trapline.guest.workload;

/** What a finished workload did, with the virtual-time span of its {@code workload} phase. */
public record WorkloadResult(String workload, long requestsOk, long requestsFailed, long bodyBytes, long workStartNs, long workEndNs) {

    public long requests() {
        return requestsOk + requestsFailed;
    }

    public long elapsedNs() {
        return workEndNs - workStartNs;
    }

    /** Requests per virtual second over the workload phase. */
    public double requestsPerSecond() {
        return elapsedNs() <= 0 ? 0 : requests() * 1e9 / elapsedNs();
    }
}
