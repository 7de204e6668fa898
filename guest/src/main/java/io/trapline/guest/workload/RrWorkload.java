package io.trapline.guest.workload;

import java.util.List;

/**
 * {@code rr}: request/response ping-pong of a given size over one connection (like netperf TCP_RR, but
 * through the guest's HTTP server): each request head is padded to {@code size} bytes (up to 4 KiB) and
 * each response body is {@code size} bytes.
 */
public final class RrWorkload extends KeepAliveWorkload {
    public static final int DEFAULT_COUNT = 1000;
    public static final long DEFAULT_SIZE = 256;

    public RrWorkload(WorkloadEnv env, int count, long size) {
        super(env, List.of(new RequestGroup(count, size)), true);
    }

    @Override
    public String name() {
        return "rr";
    }
}
