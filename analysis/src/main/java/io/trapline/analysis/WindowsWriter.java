package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MeasuredInterval;
import io.trapline.recorder.PhaseSpans;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/**
 * {@code windows}: one row per capture, the interval {@code analyze} and the saved queries measure it in: its
 * {@code window} phase (work_start .. work_end + 0.25 s), else its {@code workload} phase, else all of it (phase
 * NULL). Taken from capture.json when its writer kept the phases there; a capture written before that, or an
 * incomplete one, is scanned for its marks, as the {@code phases} table is.
 */
final class WindowsWriter extends TableWriter {
    static final Schema SCHEMA = new Schema(List.of(CAPTURE, str("phase"), i64("start_ns"), i64("end_ns")));

    private VarCharVector phase;
    private BigIntVector start;
    private BigIntVector end;
    /** Scanning this capture's events: its phases are not in capture.json. */
    private boolean scan;
    private List<CaptureMetadata.PhaseSpan> spans = List.of();
    private PhaseSpans marks;
    private long first;
    private long last;

    @Override
    void bindColumns() {
        phase = strv("phase");
        start = i64v("start_ns");
        end = i64v("end_ns");
    }

    @Override
    boolean readsEvents() {
        return scan;
    }

    @Override
    void beginCapture(CaptureSource source, CaptureMetadata metadata) {
        super.beginCapture(source, metadata);
        CaptureMetadata.EventSummary events = metadata.events();
        scan = !metadata.complete() || events == null || events.phases() == null;
        if (scan) {
            marks = new PhaseSpans();
            first = -1;
            last = 0;
        } else {
            spans = events.phases();
            first = events.count() > 0 ? events.firstTimeNs() : 0;
            last = events.lastTimeNs();
            row();
        }
    }

    @Override
    void onEvent(EventCursor c) {
        if (first < 0) {
            first = c.timeNs();
        }
        last = c.timeNs();
        if (c.type() == EventType.MARK) {
            byte[] name = MarksWriter.markName(c);
            marks.note(c.timeNs(), c.value(), name, 0, name.length);
        }
    }

    @Override
    void endCapture() {
        if (scan) {
            List<CaptureMetadata.PhaseSpan> found = marks.spans(last);
            spans = found == null ? List.of() : found;
            row();
        }
    }

    /** The capture's row: {@link MeasuredInterval#choose}, the definition {@code diff} uses too. */
    private void row() {
        int r = newRow();
        MeasuredInterval m = MeasuredInterval.choose(spans, first, last);
        if (m.phase() != null) {
            phase.setSafe(r, utf8(m.phase()));
        } else {
            phase.setNull(r);
        }
        start.setSafe(r, m.startNs());
        end.setSafe(r, m.endNs());
    }
}
