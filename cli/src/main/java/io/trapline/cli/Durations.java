package io.trapline.cli;

import java.util.Locale;

/** Renders nanosecond times for people. */
final class Durations {
    private Durations() {
    }

    /** A span with a sensible unit: 850 ns, 12.5 µs, 3.250 ms, 17.204 s. */
    static String span(long ns) {
        if (ns < 1_000) {
            return ns + " ns";
        }
        if (ns < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f µs", ns / 1e3);
        }
        if (ns < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.3f ms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
    }

    /** A time stamp as seconds with nanosecond digits: 12.000345678. */
    static String seconds(long ns) {
        return String.format(Locale.ROOT, "%d.%09d", ns / 1_000_000_000L, ns % 1_000_000_000L);
    }
}
