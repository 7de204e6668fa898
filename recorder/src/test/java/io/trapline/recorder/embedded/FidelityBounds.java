package io.trapline.recorder.embedded;

/** What the fidelity tests hold every report to: no row outside its bound, and no known gap that has closed. */
final class FidelityBounds {
    private FidelityBounds() {
    }

    /** One line per row outside its bound and per known gap now within {@link FidelityReport#BOUND}; "" when none. */
    static String failures(FidelityReport.Report report) {
        StringBuilder failures = new StringBuilder();
        for (FidelityReport.Row r : report.outsideBounds()) {
            failures.append(String.format("%s/%s/%s: real %.2f (%.2f to %.2f) model %.2f (%+.1f%%, bound %.0f%%)%n",
                    r.run(), r.size(), r.metric(), r.real(), r.realMin(), r.realMax(), r.model(), 100 * r.deviation(),
                    100 * r.bound()));
        }
        for (FidelityReport.Row r : report.rows()) {
            if (r.knownGap() != null && Math.abs(r.deviation()) <= FidelityReport.BOUND) {
                failures.append("known gap closed, take it off the list: ").append(r).append('\n');
            }
        }
        return failures.toString();
    }
}
