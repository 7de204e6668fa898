package io.trapline.sql;

import io.trapline.analysis.AnalysisException;
import io.trapline.analysis.CaptureSource;
import io.trapline.analysis.Profile;
import io.trapline.recorder.MeasuredInterval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code trapline analyze} prints: one column per capture, side by side, measured inside one phase of each
 * capture. Every figure is a query over the session's tables (so it can be checked with {@code trapline sql}).
 */
public final class CaptureComparison {
    /** Phases tried, in order, when none is named: the shared captures' measurement window, then the workload. */
    private static final int TOP_REGISTERS = 5;

    /** One metric: its label and one value per capture (Long, Double, String or null). */
    public record Metric(String key, String label, List<Object> values) {
    }

    /** The measured interval of one capture. */
    public record Window(String phase, long startNs, long endNs) {
        double seconds() {
            return Math.max(1, endNs - startNs) / 1e9;
        }
    }

    private final List<String> captures;
    private final List<Window> windows;
    private final List<Metric> metrics;
    private final List<Map<String, Object>> counts;

    private CaptureComparison(List<String> captures, List<Window> windows, List<Metric> metrics,
                              List<Map<String, Object>> counts) {
        this.captures = captures;
        this.windows = windows;
        this.metrics = metrics;
        this.counts = counts;
    }

    /**
     * Per capture, the counts the metrics are made of, unrounded, for programs ({@code analyze --format json}): the
     * window in ns, interrupts, and per profile the exits, cycles, exits on the NIC and served by QEMU, and the top
     * registers by exits as a list.
     */
    public List<Map<String, Object>> counts() {
        return counts;
    }

    public List<String> captures() {
        return captures;
    }

    public List<Window> windows() {
        return windows;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    /** Measures every capture of the session inside {@code phase} (null: the default phases, else everything). */
    public static CaptureComparison measure(SqlSession s, String phase) {
        List<String> names = new ArrayList<>();
        for (CaptureSource c : s.captures()) {
            names.add(c.name());
        }
        List<Window> windows = windows(s, names, phase);
        s.query("CREATE OR REPLACE TEMP TABLE trapline_window (capture VARCHAR, phase VARCHAR, start_ns BIGINT,"
                + " end_ns BIGINT)", rs -> null);
        for (int i = 0; i < names.size(); i++) {
            Window w = windows.get(i);
            s.query("INSERT INTO trapline_window VALUES (" + quote(names.get(i)) + ", " + quote(w.phase()) + ", "
                    + w.startNs() + ", " + w.endNs() + ")", rs -> null);
        }
        String in = " JOIN trapline_window w ON t.capture = w.capture AND t.time_ns BETWEEN w.start_ns AND w.end_ns";

        Map<String, long[]> packets = longs(s, names, 3, "SELECT t.capture, count(*), count(*) FILTER (WHERE dir = 'rx'),"
                + " count(*) FILTER (WHERE dir = 'tx') FROM packets t" + in + " WHERE NOT refused GROUP BY 1");
        for (String n : names) {
            if (packets.get(n)[0] == 0) {
                Window w = windows.get(names.indexOf(n));
                throw new AnalysisException("capture '" + n + "' has no packets" + (w.phase() == null ? ""
                        : " in phase '" + w.phase() + "'") + ": per-packet figures need frames (frame_rx/frame_tx events)");
            }
        }
        Map<String, long[]> requests = longs(s, names, 2, "SELECT w.capture,"
                + " (SELECT count(*) FROM phases t WHERE t.capture = w.capture AND t.kind = 'request'"
                + "  AND t.start_ns BETWEEN w.start_ns AND w.end_ns), 0 FROM trapline_window w");
        Map<String, long[]> syns = longs(s, names, 1, "SELECT t.capture, count(*) FROM packets t" + in
                + " WHERE dir = 'rx' AND protocol = 'tcp' AND tcp_flag_bits & 18 = 2 GROUP BY 1");
        Map<String, long[]> accesses = longs(s, names, 3, "SELECT t.capture, count(*) FILTER (WHERE dir = 'read'),"
                + " count(*) FILTER (WHERE dir = 'write'), count(*) FILTER (WHERE kind = 'other') FROM accesses t" + in
                + " WHERE kind IN ('mmio', 'pio', 'other') GROUP BY 1");
        Map<String, long[]> kicks = longs(s, names, 2, "SELECT t.capture, count(*), count(*) FILTER (WHERE NOT traced_write)"
                + " FROM kicks t" + in + " GROUP BY 1");
        Map<String, long[]> irqs = longs(s, names, 1, "SELECT t.capture, count(*) FROM interrupts t" + in
                + " WHERE kind = 'msi' OR level = 1 GROUP BY 1");
        List<Profile> profiles = s.options().profiles();
        Map<String, Map<String, long[]>> exits = new LinkedHashMap<>();
        for (Profile p : profiles) {
            Map<String, long[]> per = new LinkedHashMap<>();
            for (String n : names) {
                per.put(n, new long[4]);
            }
            exits.put(p.label(), per);
        }
        // grouped by the one integer capture_profile, named through profiles: far cheaper on large captures
        s.query("SELECT pr.capture, pr.profile, x.n, x.cycles, x.on_device, x.by_qemu FROM (SELECT t.capture_profile,"
                + " count(*) AS n, sum(t.cycles) AS cycles, count(*) FILTER (WHERE t.device IS NOT NULL) AS on_device,"
                + " count(*) FILTER (WHERE t.handler = 'qemu') AS by_qemu FROM exits t" + in + " GROUP BY 1) x"
                + " JOIN profiles pr ON pr.capture_profile = x.capture_profile", rs -> {
                    while (rs.next()) {
                        Map<String, long[]> per = exits.get(rs.getString(2));
                        long[] v = per == null ? null : per.get(rs.getString(1));
                        if (v != null) {
                            v[0] = rs.getLong(3);
                            v[1] = rs.getLong(4);
                            v[2] = rs.getLong(5);
                            v[3] = rs.getLong(6);
                        }
                    }
                    return null;
                });
        Profile topProfile = profiles.stream().filter(p -> p != Profile.TCG).findFirst().orElse(profiles.get(0));
        Map<String, String> top = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> topList = new LinkedHashMap<>();
        s.query("SELECT capture, register, n FROM ("
                + " SELECT t.capture, register, count(*) AS n, row_number() OVER (PARTITION BY t.capture"
                + " ORDER BY count(*) DESC, register) AS r FROM exits t" + in + " WHERE profile = "
                + quote(topProfile.label()) + " GROUP BY 1, 2) WHERE r <= " + TOP_REGISTERS + " ORDER BY 1, r", rs -> {
                    while (rs.next()) {
                        String capture = rs.getString(1);
                        top.merge(capture, rs.getString(2) + " " + rs.getLong(3), (a, b) -> a + ", " + b);
                        Map<String, Object> reg = new LinkedHashMap<>();
                        reg.put("register", rs.getString(2));
                        reg.put("exits", rs.getLong(3));
                        topList.computeIfAbsent(capture, k -> new ArrayList<>()).add(reg);
                    }
                    return null;
                });

        List<Metric> m = new ArrayList<>();
        m.add(metric("phase", "phase", names, n -> windows.get(names.indexOf(n)).phase() == null ? "(whole capture)"
                : windows.get(names.indexOf(n)).phase()));
        m.add(metric("seconds", "seconds", names, n -> round(windows.get(names.indexOf(n)).seconds(), 3)));
        m.add(metric("requests", "requests", names, n -> requestsOf(requests.get(n), syns.get(n))));
        m.add(metric("packets", "packets", names, n -> packets.get(n)[0]));
        m.add(metric("packets_rx", "  received", names, n -> packets.get(n)[1]));
        m.add(metric("packets_tx", "  sent", names, n -> packets.get(n)[2]));
        m.add(metric("packets_per_second", "packets per second", names,
                n -> round(packets.get(n)[0] / windows.get(names.indexOf(n)).seconds(), 1)));
        m.add(metric("nic_accesses", "NIC accesses (reads + writes + kicks)", names, n -> {
            long[] a = accesses.get(n);
            long nic = a[0] + a[1] - a[2] + kicks.get(n)[1];
            return nic;
        }));
        m.add(metric("nic_accesses_per_packet", "NIC accesses per packet", names, n -> {
            long[] a = accesses.get(n);
            return round((double) (a[0] + a[1] - a[2] + kicks.get(n)[1]) / packets.get(n)[0], 3);
        }));
        m.add(metric("kicks", "kicks", names, n -> kicks.get(n)[0]));
        m.add(metric("interrupts_per_packet", "interrupts per packet", names,
                n -> round((double) irqs.get(n)[0] / packets.get(n)[0], 3)));
        for (Profile p : profiles) {
            Map<String, long[]> e = exits.get(p.label());
            m.add(metric("exits_per_packet." + p.label(), "exits per packet, " + p.label(), names,
                    n -> round((double) e.get(n)[0] / packets.get(n)[0], 3)));
            m.add(metric("nic_exits_per_packet." + p.label(), "  of which on the NIC", names,
                    n -> round((double) e.get(n)[2] / packets.get(n)[0], 3)));
            m.add(metric("userspace_exits_per_packet." + p.label(), "  of which served by QEMU", names,
                    n -> round((double) e.get(n)[3] / packets.get(n)[0], 3)));
        }
        for (Profile p : profiles) {
            Map<String, long[]> e = exits.get(p.label());
            m.add(metric("exits_per_request." + p.label(), "exits per request, " + p.label(), names, n -> {
                long r = requestsOf(requests.get(n), syns.get(n));
                return r == 0 ? null : round((double) e.get(n)[0] / r, 1);
            }));
        }
        for (Profile p : profiles) {
            Map<String, long[]> e = exits.get(p.label());
            // exits priced at 0 cycles have no cost anchor (tcg by default, see --explain-costs): show no figure
            m.add(metric("cycles_per_packet." + p.label(), "cycles per packet, " + p.label(), names,
                    n -> unpriced(e.get(n)) ? null : Math.round((double) e.get(n)[1] / packets.get(n)[0])));
        }
        double hz = s.options().costs().cpuHz();
        for (Profile p : profiles) {
            Map<String, long[]> e = exits.get(p.label());
            m.add(metric("overhead_pct." + p.label(), "overhead % of a CPU, " + p.label(), names,
                    n -> unpriced(e.get(n)) ? null : round(100.0 * e.get(n)[1] / windows.get(names.indexOf(n)).seconds() / hz, 3)));
        }
        m.add(metric("top_registers." + topProfile.label(), "top registers by exits, " + topProfile.label(), names,
                top::get));
        List<Map<String, Object>> counts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("window_start_ns", windows.get(i).startNs());
            c.put("window_end_ns", windows.get(i).endNs());
            c.put("interrupts", irqs.get(n)[0]);
            String[] columns = {"exits", "cycles", "nic_exits", "userspace_exits"}; // the exits query's, in order
            for (int col = 0; col < columns.length; col++) {
                Map<String, Object> per = new LinkedHashMap<>();
                for (Profile p : profiles) {
                    per.put(p.label(), exits.get(p.label()).get(n)[col]);
                }
                c.put(columns[col], per);
            }
            c.put("top_registers", topList.getOrDefault(n, List.of()));
            counts.add(c);
        }
        return new CaptureComparison(names, windows, m, counts);
    }

    /** Exits counted but none priced: {exits, cycles, ...}. */
    private static boolean unpriced(long[] exits) {
        return exits[0] > 0 && exits[1] == 0;
    }

    private static long requestsOf(long[] marked, long[] syns) {
        return marked[0] > 0 ? marked[0] : syns[0];
    }

    private static List<Window> windows(SqlSession s, List<String> names, String phase) {
        List<Window> out = new ArrayList<>();
        if (phase == null) { // the default: the windows table (window, else workload, else all of it)
            Map<String, Window> found = new LinkedHashMap<>();
            s.query("SELECT capture, phase, start_ns, end_ns FROM windows", rs -> {
                while (rs.next()) {
                    found.put(rs.getString(1), new Window(rs.getString(2), rs.getLong(3), rs.getLong(4)));
                }
                return null;
            });
            for (String n : names) {
                out.add(found.get(n));
            }
            return out;
        }
        Map<String, Map<String, long[]>> found = new LinkedHashMap<>();
        s.query("SELECT capture, name, min(start_ns), max(end_ns) FROM phases WHERE kind = 'phase' GROUP BY 1, 2"
                + " ORDER BY 1, 3, 2", rs -> {
            while (rs.next()) {
                found.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                        .put(rs.getString(2), new long[] {rs.getLong(3), rs.getLong(4)});
            }
            return null;
        });
        // "small,200x1024": the first of these names each capture has, since real and embedded runs name the same
        // part of a workload differently (phases from a phases file, or from the request groups)
        List<String> choices = MeasuredInterval.choices(phase);
        for (String n : names) {
            Map<String, long[]> ph = found.getOrDefault(n, Map.of());
            String chosen = choices.stream().filter(ph::containsKey).findFirst().orElse(null);
            if (chosen == null) {
                throw new AnalysisException("capture '" + n + "' has no phase '" + phase + "'"
                        + (ph.isEmpty() ? " (it has no phases)" : " (it has: " + String.join(", ", ph.keySet()) + ")"));
            }
            long[] w = ph.get(chosen);
            out.add(new Window(chosen, w[0], w[1]));
        }
        return out;
    }

    private static Map<String, long[]> longs(SqlSession s, List<String> names, int width, String sql) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, new long[width]);
        }
        s.query(sql, rs -> {
            while (rs.next()) {
                long[] v = out.get(rs.getString(1));
                if (v != null) {
                    for (int i = 0; i < width; i++) {
                        v[i] = rs.getLong(i + 2);
                    }
                }
            }
            return null;
        });
        return out;
    }

    private interface Value {
        Object of(String capture);
    }

    private static Metric metric(String key, String label, List<String> names, Value v) {
        List<Object> values = new ArrayList<>();
        for (String n : names) {
            values.add(v.of(n));
        }
        return new Metric(key, label, values);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static String quote(String s) {
        return s == null ? "NULL" : "'" + s.replace("'", "''") + "'";
    }

}
