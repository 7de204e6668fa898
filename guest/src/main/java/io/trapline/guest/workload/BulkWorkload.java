package io.trapline.guest.workload;

import java.util.List;

/** {@code bulk}: a few large downloads, one connection each (a {@code web} run of one group of big files). */
public final class BulkWorkload extends WebWorkload {
    public static final int DEFAULT_COUNT = 4;
    public static final long DEFAULT_SIZE = 16L * 1024 * 1024;

    public BulkWorkload(WorkloadEnv env, int count, long size) {
        super(env, List.of(new RequestGroup(count, size)));
    }

    @Override
    public String name() {
        return "bulk";
    }
}
