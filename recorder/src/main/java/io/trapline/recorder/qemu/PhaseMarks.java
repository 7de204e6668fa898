package io.trapline.recorder.qemu;

import io.trapline.recorder.MarkKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A phases file ({@code name seconds[.fraction]} per line, same wall clock as the trace prefix) turned into
 * marks: one INSTANT per line, plus PHASE_START/PHASE_END pairs for the derived phases documented in
 * docs/capture-format.md ("Imported QEMU captures").
 */
final class PhaseMarks {
    /** A mark at {@code epochNs}; {@code order} keeps file order among equal times. */
    record Mark(long epochNs, MarkKind kind, String name, int order) {
    }

    /** How long after work_end the measurement window stays open (the shared captures' README). */
    static final long WINDOW_TAIL_NS = 250_000_000L;

    private PhaseMarks() {
    }

    /** Parses one line; returns null and sets {@code why[0]} when malformed. Blank and '#' lines give null, no error. */
    static Mark parseLine(String line, int order, String[] why) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
            return null;
        }
        String[] parts = t.split("\\s+");
        if (parts.length != 2) {
            why[0] = "'" + (t.length() > 60 ? t.substring(0, 60) + "..." : t) + "' is not 'name seconds'";
            return null;
        }
        long ns = parseSeconds(parts[1]);
        if (ns < 0) {
            why[0] = "bad time '" + parts[1] + "'";
            return null;
        }
        return new Mark(ns, MarkKind.INSTANT, parts[0], order);
    }

    /** Non-negative decimal seconds to ns; -1 when not a number. */
    static long parseSeconds(String s) {
        int dot = s.indexOf('.');
        String whole = dot < 0 ? s : s.substring(0, dot);
        String frac = dot < 0 ? "" : s.substring(dot + 1);
        if (whole.isEmpty() || whole.length() > 12 || frac.length() > 9 || !digits(whole) || !digits(frac)) {
            return -1;
        }
        long ns = Long.parseLong(whole) * 1_000_000_000L;
        if (!frac.isEmpty()) {
            ns += Long.parseLong((frac + "000000000").substring(0, 9));
        }
        return ns;
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Instants plus derived phases, sorted by time (file order among equals; ends before starts). */
    static List<Mark> withDerivedPhases(List<Mark> instants) {
        Map<String, Long> at = new HashMap<>();
        for (Mark m : instants) {
            at.putIfAbsent(m.name(), m.epochNs());
        }
        List<Mark> out = new ArrayList<>(instants);
        int order = instants.size();
        // named phases of the shared captures' workload script
        order = phase(out, at, "boot", "qemu_start", "ready", 0, order);
        order = phase(out, at, "idle", "idle_start", "idle_end", 0, order);
        order = phase(out, at, "workload", "work_start", "work_end", 0, order);
        order = phase(out, at, "small", "work_start", "small_end", 0, order);
        order = phase(out, at, "large", "small_end", "work_end", 0, order);
        order = phase(out, at, "window", "work_start", "work_end", WINDOW_TAIL_NS, order);
        // any other NAME_start / NAME_end pair
        for (Mark m : instants) {
            String n = m.name();
            if (n.endsWith("_start")) {
                String base = n.substring(0, n.length() - 6);
                if (!base.equals("work") && !base.equals("idle") && !base.equals("qemu") && at.containsKey(base + "_end")) {
                    order = phase(out, at, base, n, base + "_end", 0, order);
                }
            }
        }
        out.sort(Comparator.comparingLong(Mark::epochNs)
                .thenComparingInt(m -> m.kind() == MarkKind.PHASE_END ? 0 : m.kind() == MarkKind.INSTANT ? 1 : 2)
                .thenComparingInt(Mark::order));
        return out;
    }

    private static int phase(List<Mark> out, Map<String, Long> at, String name, String from, String to, long tail, int order) {
        Long s = at.get(from);
        Long e = at.get(to);
        if (s == null || e == null || e + tail < s) {
            return order;
        }
        out.add(new Mark(s, MarkKind.PHASE_START, name, order++));
        out.add(new Mark(e + tail, MarkKind.PHASE_END, name, order++));
        return order;
    }
}
