package io.trapline.guest.workload;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds a workload from its command-line name and options ({@code requests}, {@code count}, {@code size}). */
public final class Workloads {
    public static final List<String> NAMES = List.of("web", "keepalive", "bulk", "rr");

    private Workloads() {
    }

    /** A workload's options, checked and parsed: it only needs the environment to run in. */
    public interface Spec {
        Workload create(WorkloadEnv env);
    }

    /**
     * {@code web} and {@code keepalive} take {@code requests} (COUNTxSIZE[,...]); {@code bulk} and {@code rr}
     * take {@code count} and {@code size}. Unknown names or options are errors (IllegalArgumentException).
     */
    public static Spec parse(String name, Map<String, String> options) {
        switch (name) {
            case "web" -> {
                only(name, options, Set.of("requests"));
                List<RequestGroup> groups = groups(options.getOrDefault("requests", RequestGroup.DEFAULT));
                return env -> new WebWorkload(env, groups);
            }
            case "keepalive" -> {
                only(name, options, Set.of("requests"));
                List<RequestGroup> groups = groups(options.getOrDefault("requests", KeepAliveWorkload.DEFAULT_REQUESTS));
                return env -> new KeepAliveWorkload(env, groups);
            }
            case "bulk" -> {
                only(name, options, Set.of("count", "size"));
                int count = count(options, BulkWorkload.DEFAULT_COUNT);
                long size = size(options, BulkWorkload.DEFAULT_SIZE);
                return env -> new BulkWorkload(env, count, size);
            }
            case "rr" -> {
                only(name, options, Set.of("count", "size"));
                int count = count(options, RrWorkload.DEFAULT_COUNT);
                long size = size(options, RrWorkload.DEFAULT_SIZE);
                return env -> new RrWorkload(env, count, size);
            }
            default -> throw new IllegalArgumentException("unknown workload '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }

    /** How much a workload asks for: its requests and the bytes of their response bodies. */
    public record Plan(long requests, long bodyBytes) {
    }

    /** The plan of {@link #parse}'s workload, from the same options (the same errors for bad ones). */
    public static Plan plan(String name, Map<String, String> options) {
        parse(name, options);
        List<RequestGroup> groups = switch (name) {
            case "web" -> groups(options.getOrDefault("requests", RequestGroup.DEFAULT));
            case "keepalive" -> groups(options.getOrDefault("requests", KeepAliveWorkload.DEFAULT_REQUESTS));
            case "bulk" -> List.of(new RequestGroup(count(options, BulkWorkload.DEFAULT_COUNT),
                    size(options, BulkWorkload.DEFAULT_SIZE)));
            default -> List.of(new RequestGroup(count(options, RrWorkload.DEFAULT_COUNT), size(options, RrWorkload.DEFAULT_SIZE)));
        };
        long requests = 0;
        long bytes = 0;
        for (RequestGroup g : groups) {
            requests += g.count();
            bytes = saturatedAdd(bytes, saturatedMultiply(g.count(), g.size()));
        }
        return new Plan(requests, bytes);
    }

    private static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        return hi != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    /** {@link #parse} and create in {@code env}. */
    public static Workload create(String name, WorkloadEnv env, Map<String, String> options) {
        return parse(name, options).create(env);
    }

    private static List<RequestGroup> groups(String text) {
        List<RequestGroup> groups;
        try {
            groups = RequestGroup.parseList(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--requests: " + e.getMessage(), e); // the option the text came from
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("--requests: no request groups in '" + text + "'");
        }
        return groups;
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
        int n;
        try {
            n = v == null ? dflt : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n <= 0) {
            throw new IllegalArgumentException("--count: expected a whole number from 1 to " + Integer.MAX_VALUE
                    + ", got '" + v + "'"); // named as the option it came from, like --requests
        }
        return n;
    }

    private static long size(Map<String, String> options, long dflt) {
        String v = options.get("size");
        if (v == null) {
            return dflt;
        }
        try {
            return RequestGroup.parseSize(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--size: expected " + RequestGroup.SIZES + ", got '" + v + "'", e);
        }
    }
}
