package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.Schema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@code phases}: intervals derived from marks. A phase_start and the next phase_end of the same name make a
 * row of kind {@code phase}; request_start / request_end likewise make kind {@code request}, where the names
 * need only share their first word: the embedded guest names a request's start {@code request#7 GET /file-1024}
 * and its end {@code request#7 status=200 bytes=1024}. A row keeps the start's name. A start without an end
 * ends at the capture's last event (end_seq NULL). Phases may nest and overlap.
 */
final class PhasesWriter extends TableWriter {
    static final Schema SCHEMA = new Schema(List.of(CAPTURE, str("kind"), str("name"), i64("ordinal"),
            i64("start_ns"), i64("end_ns"), i64("start_seq"), i64("end_seq")));
    private static final byte[] PHASE = utf8("phase");
    private static final byte[] REQUEST = utf8("request");

    private record Open(boolean request, String name, long ordinal, long startNs, long startSeq) {
    }

    private BigIntVector ordinal;
    private VarCharVector kind;
    private VarCharVector name;
    private BigIntVector start;
    private BigIntVector end;
    private BigIntVector startSeq;
    private BigIntVector endSeq;
    private final List<Open> open = new ArrayList<>();
    private long phases;
    private long requests;
    private long lastTime;

    @Override
    void bindColumns() {
        kind = strv("kind");
        name = strv("name");
        ordinal = i64v("ordinal");
        start = i64v("start_ns");
        end = i64v("end_ns");
        startSeq = i64v("start_seq");
        endSeq = i64v("end_seq");
    }

    @Override
    void beginCapture(CaptureSource source, CaptureMetadata metadata) {
        super.beginCapture(source, metadata);
        open.clear();
        phases = 0;
        requests = 0;
        lastTime = 0;
    }

    @Override
    void onEvent(EventCursor c) {
        lastTime = c.timeNs();
        if (c.type() != EventType.MARK) {
            return;
        }
        long k = c.value();
        String n = new String(MarksWriter.markName(c), StandardCharsets.UTF_8);
        if (k == MarkKind.PHASE_START.code() || k == MarkKind.REQUEST_START.code()) {
            boolean req = k == MarkKind.REQUEST_START.code();
            if (open.size() < 100_000) { // a hostile capture's unmatched starts stay bounded
                open.add(new Open(req, n, req ? requests++ : phases++, c.timeNs(), c.sequence()));
            }
        } else if (k == MarkKind.PHASE_END.code() || k == MarkKind.REQUEST_END.code()) {
            boolean req = k == MarkKind.REQUEST_END.code();
            for (Iterator<Open> it = open.iterator(); it.hasNext(); ) {
                Open o = it.next();
                if (o.request() == req && (o.name().equals(n) || req && sameRequest(o.name(), n))) {
                    it.remove();
                    row(o, c.timeNs(), c.sequence());
                    break;
                }
            }
        }
    }

    /** Whether a request's start and end name the same request ({@link MarkKind#requestId}). */
    static boolean sameRequest(String start, String end) {
        String id = MarkKind.requestId(start);
        return id != null && id.equals(MarkKind.requestId(end));
    }

    @Override
    void endCapture() {
        for (Open o : open) {
            row(o, lastTime, -1);
        }
        open.clear();
    }

    private void row(Open o, long endNs, long endSequence) {
        int r = newRow();
        kind.setSafe(r, o.request() ? REQUEST : PHASE);
        name.setSafe(r, utf8(o.name()));
        ordinal.setSafe(r, o.ordinal());
        start.setSafe(r, o.startNs());
        end.setSafe(r, endNs);
        startSeq.setSafe(r, o.startSeq());
        setOrNull(endSeq, r, endSequence, endSequence >= 0);
    }
}
