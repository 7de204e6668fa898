package io.trapline.recorder.qemu;

import io.trapline.recorder.MarkKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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

    /** A derived phase: from the instant named {@code from} to the one named {@code to}, plus {@code tail}. */
    record Derived(String name, String from, String to, long tail) {
    }

    /**
     * The derived phases whose two instants both appear in {@code instants}: the named phases of the shared captures'
     * workload script, then one per other NAME_start / NAME_end pair.
     */
    static List<Derived> derived(List<Mark> instants) {
        Map<String, Long> at = firstTimes(instants);
        List<Derived> all = new ArrayList<>(List.of(
                new Derived("boot", "qemu_start", "ready", 0),
                new Derived("idle", "idle_start", "idle_end", 0),
                new Derived("workload", "work_start", "work_end", 0),
                new Derived("small", "work_start", "small_end", 0),
                new Derived("large", "small_end", "work_end", 0),
                new Derived("window", "work_start", "work_end", WINDOW_TAIL_NS)));
        for (Mark m : instants) {
            String n = m.name();
            if (n.endsWith("_start")) {
                String base = n.substring(0, n.length() - 6);
                if (!base.equals("work") && !base.equals("idle") && !base.equals("qemu")) {
                    all.add(new Derived(base, n, base + "_end", 0));
                }
            }
        }
        all.removeIf(d -> !at.containsKey(d.from()) || !at.containsKey(d.to()));
        return all;
    }

    /** The first line of each name (a later line of the same name starts or ends no phase). */
    private static Map<String, Mark> firstMarks(List<Mark> instants) {
        Map<String, Mark> first = new HashMap<>();
        for (Mark m : instants) {
            first.putIfAbsent(m.name(), m);
        }
        return first;
    }

    private static Map<String, Long> firstTimes(List<Mark> instants) {
        Map<String, Long> at = new HashMap<>();
        firstMarks(instants).forEach((n, m) -> at.put(n, m.epochNs()));
        return at;
    }

    /**
     * Why the phases of {@code instants} cannot be measured: a phase whose end comes before its start (work_end before
     * work_start, small_end outside work_start..work_end, ...), as "LINE: why" for the end's line (1-based, the
     * earliest such line); null when every phase ends at or after its start.
     */
    static String misordered(List<Mark> instants) {
        Map<String, Mark> first = firstMarks(instants);
        Mark worstEnd = null;
        String why = null;
        for (Derived d : derived(instants)) {
            Mark s = first.get(d.from());
            Mark e = first.get(d.to());
            if (e.epochNs() < s.epochNs() && (worstEnd == null || e.order() < worstEnd.order())) {
                worstEnd = e;
                why = String.format(Locale.ROOT, "%d: '%s' at %s s is before '%s' at %s s (line %d): the '%s' phase would"
                        + " end before it starts", e.order() + 1, e.name(), seconds(e.epochNs()), s.name(),
                        seconds(s.epochNs()), s.order() + 1, d.name());
            }
        }
        return why;
    }

    static String seconds(long epochNs) {
        long frac = epochNs % 1_000_000_000L;
        String digits = String.format(Locale.ROOT, "%09d", frac).replaceFirst("0+$", "");
        return epochNs / 1_000_000_000L + (digits.isEmpty() ? "" : "." + digits);
    }

    /** Instants plus derived phases, sorted by time (file order among equals; ends before starts). */
    static List<Mark> withDerivedPhases(List<Mark> instants) {
        Map<String, Long> at = firstTimes(instants);
        List<Mark> out = new ArrayList<>(instants);
        int order = instants.size();
        for (Derived d : derived(instants)) {
            long s = at.get(d.from());
            long e = at.get(d.to()) + d.tail();
            if (e < s) {
                continue; // refused by the importer (misordered); kept out of the marks in any case
            }
            out.add(new Mark(s, MarkKind.PHASE_START, d.name(), order++));
            out.add(new Mark(e, MarkKind.PHASE_END, d.name(), order++));
        }
        out.sort(Comparator.comparingLong(Mark::epochNs)
                .thenComparingInt(m -> m.kind() == MarkKind.PHASE_END ? 0 : m.kind() == MarkKind.INSTANT ? 1 : 2)
                .thenComparingInt(Mark::order));
        return out;
    }
}
