package io.trapline.recorder;

import java.util.List;

/**
 * Where a capture is measured: its {@code window} phase (work_start .. work_end + 0.25 s), else its {@code workload}
 * phase, else all of it ({@code phase} null). One definition for {@code analyze} and the saved queries (the
 * {@code windows} table) and for {@code diff}, so that their figures cover the same events.
 *
 * @param phase   the phase measured in, or null for the whole capture
 * @param startNs its start (the capture's first event when whole)
 * @param endNs   its end, inclusive (the capture's last event when whole)
 */
public record MeasuredInterval(String phase, long startNs, long endNs) {
    /** The phases measured in, in order of preference. */
    public static final List<String> PHASES = List.of("window", "workload");

    /**
     * The interval of a capture with these phases and events from {@code firstNs} to {@code lastNs}: the first of
     * {@link #PHASES} it has, from its earliest start to its latest end, else all of it.
     */
    public static MeasuredInterval choose(List<CaptureMetadata.PhaseSpan> spans, long firstNs, long lastNs) {
        for (String p : PHASES) {
            long s = Long.MAX_VALUE;
            long e = Long.MIN_VALUE;
            for (CaptureMetadata.PhaseSpan span : spans) {
                if (span.name().equals(p)) {
                    s = Math.min(s, span.startNs());
                    e = Math.max(e, span.endNs());
                }
            }
            if (s != Long.MAX_VALUE) {
                return new MeasuredInterval(p, s, e);
            }
        }
        return new MeasuredInterval(null, Math.max(firstNs, 0), lastNs);
    }

    /**
     * A capture's interval: from capture.json when its writer kept the phases there, else (older and incomplete
     * captures) from a scan of its marks.
     */
    public static MeasuredInterval of(CaptureReader reader) {
        Phases p = Phases.of(reader);
        return choose(p.spans(), p.firstNs(), p.lastNs());
    }

    /**
     * The phase names a {@code --phase} argument lists, of which a capture is measured in the first it has: real and
     * embedded runs name the same part of a workload differently ({@code large,20x65536}).
     */
    public static List<String> choices(String phaseArgument) {
        return java.util.Arrays.stream(phaseArgument.split(",")).map(String::strip).toList();
    }

    /** The interval of the first of {@link #choices} the capture has, or null when it has none of them. */
    public static MeasuredInterval firstNamed(Phases phases, String phaseArgument) {
        for (String name : choices(phaseArgument)) {
            MeasuredInterval m = named(phases, name);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /**
     * The interval of phase {@code name} in a capture (its earliest start to its latest end, as {@link #choose}
     * takes it), or null when the capture has no such phase.
     */
    public static MeasuredInterval named(Phases phases, String name) {
        long s = Long.MAX_VALUE;
        long e = Long.MIN_VALUE;
        for (CaptureMetadata.PhaseSpan span : phases.spans()) {
            if (span.name().equals(name)) {
                s = Math.min(s, span.startNs());
                e = Math.max(e, span.endNs());
            }
        }
        return s == Long.MAX_VALUE ? null : new MeasuredInterval(name, s, e);
    }

    /** A capture's phases, in start order, and the times of its first and last events. */
    public record Phases(List<CaptureMetadata.PhaseSpan> spans, long firstNs, long lastNs) {
        /** From capture.json when its writer kept the phases there, else from a scan of the capture's marks. */
        public static Phases of(CaptureReader reader) {
            CaptureMetadata meta = reader.metadata();
            CaptureMetadata.EventSummary events = meta.events();
            if (meta.complete() && events != null && events.phases() != null) {
                return new Phases(events.phases(), events.count() > 0 ? events.firstTimeNs() : 0, events.lastTimeNs());
            }
            PhaseSpans marks = new PhaseSpans();
            long first = -1;
            long last = 0;
            byte[] name = new byte[256];
            try (EventCursor c = reader.cursor()) {
                while (c.next()) {
                    if (first < 0) {
                        first = c.timeNs();
                    }
                    last = c.timeNs();
                    if (c.type() == EventType.MARK) {
                        if (name.length < c.payloadLength()) {
                            name = new byte[c.payloadLength()];
                        }
                        marks.note(c.timeNs(), c.value(), name, 0, c.copyPayload(name, 0));
                    }
                }
            }
            List<CaptureMetadata.PhaseSpan> spans = marks.spans(last);
            return new Phases(spans == null ? List.of() : spans, first, last);
        }

        /** The names of the phases, each once, in start order. */
        public List<String> names() {
            return spans.stream().map(CaptureMetadata.PhaseSpan::name).distinct().toList();
        }
    }
}
