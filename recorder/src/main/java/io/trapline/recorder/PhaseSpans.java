package io.trapline.recorder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The phases a capture's marks make, as they are appended: a phase_start and the next phase_end of the same name (the
 * rule of the {@code phases} table, docs/sql.md). A writer keeps them for capture.json, so that a reader finds a
 * capture's phases without a scan of its events; a reader of a capture written before that finds them the same way. Bounded: a capture with absurdly many phases keeps the first ones and
 * says nothing of the rest (readers then scan, as for captures written before phases were kept).
 */
public final class PhaseSpans {
    /** More than any workload marks (boot, idle, workload, window and one per request group). */
    static final int MAX = 4096;

    private record Open(String name, long startNs) {
    }

    private final List<Open> open = new ArrayList<>();
    private final List<CaptureMetadata.PhaseSpan> spans = new ArrayList<>();
    private boolean overflow;

    /** A MARK event: its kind ({@code value}) and name (the payload, UTF-8). */
    public void note(long timeNs, long kind, byte[] name, int offset, int length) {
        boolean start = kind == MarkKind.PHASE_START.code();
        if (!start && kind != MarkKind.PHASE_END.code()) {
            return; // instants and requests
        }
        String n = new String(name, offset, length, StandardCharsets.UTF_8);
        if (start) {
            if (open.size() + spans.size() >= MAX) {
                overflow = true;
                return;
            }
            open.add(new Open(n, timeNs));
            return;
        }
        for (int i = 0; i < open.size(); i++) {
            if (open.get(i).name().equals(n)) {
                spans.add(new CaptureMetadata.PhaseSpan(n, open.remove(i).startNs(), timeNs));
                return;
            }
        }
    }

    /** The phases in start order, those still open ending at {@code lastTimeNs}; null when too many were marked. */
    public List<CaptureMetadata.PhaseSpan> spans(long lastTimeNs) {
        if (overflow) {
            return null;
        }
        List<CaptureMetadata.PhaseSpan> all = new ArrayList<>(spans);
        for (Open o : open) {
            all.add(new CaptureMetadata.PhaseSpan(o.name(), o.startNs(), lastTimeNs));
        }
        all.sort(java.util.Comparator.comparingLong(CaptureMetadata.PhaseSpan::startNs));
        return all;
    }
}
