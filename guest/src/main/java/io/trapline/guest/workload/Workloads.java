package io.trapline.guest.workload;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds a workload from its command-line name and options ({@code requests}, {@code count}, {@code size}). */
public final class Workloads {
    public static final List<String> NAMES = List.of("web", "keepalive", "bulk", "rr");

    private Workloads() {
    }

    /**
     * {@code web} and {@code keepalive} take {@code requests} (COUNTxSIZE[,...]); {@code bulk} and {@code rr}
     * take {@code count} and {@code size}. Unknown names or options are errors.
     */
    public static Workload create(String name, WorkloadEnv env, Map<String, String> options) {
        switch (name) {
            case "web" -> {
                only(name, options, Set.of("requests"));
                return new WebWorkload(env, RequestGroup.parseList(options.getOrDefault("requests", RequestGroup.DEFAULT)));
            }
            case "keepalive" -> {
                only(name, options, Set.of("requests"));
                return new KeepAliveWorkload(env,
                        RequestGroup.parseList(options.getOrDefault("requests", KeepAliveWorkload.DEFAULT_REQUESTS)));
            }
            case "bulk" -> {
                only(name, options, Set.of("count", "size"));
                return new BulkWorkload(env, count(options, BulkWorkload.DEFAULT_COUNT), size(options, BulkWorkload.DEFAULT_SIZE));
            }
            case "rr" -> {
                only(name, options, Set.of("count", "size"));
                return new RrWorkload(env, count(options, RrWorkload.DEFAULT_COUNT), size(options, RrWorkload.DEFAULT_SIZE));
            }
            default -> throw new IllegalArgumentException("unknown workload '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }

    private static void only(String name, Map<String, String> options, Set<String> allowed) {
        for (String key : options.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("workload " + name + " has no option '" + key + "' (it takes " + allowed + ")");
            }
        }
    }

    private static int count(Map<String, String> options, int dflt) {
        String v = options.get("count");
        int n = v == null ? dflt : Integer.parseInt(v.trim());
        if (n <= 0) {
            throw new IllegalArgumentException("count must be positive: " + v);
        }
        return n;
    }

    private static long size(Map<String, String> options, long dflt) {
        return options.containsKey("size") ? RequestGroup.parseSize(options.get("size")) : dflt;
    }
}
