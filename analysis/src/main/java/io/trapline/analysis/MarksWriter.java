package io.trapline.analysis;

import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.Schema;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** {@code marks}: workload marks: kind (instant, phase_start, phase_end, request_start, request_end) and name. */
final class MarksWriter extends TableWriter {
    static final Schema SCHEMA = new Schema(List.of(CAPTURE, i64("seq"), i64("time_ns"), str("kind"), str("name")));
    static final byte[][] KIND = new byte[MarkKind.values().length][];

    static {
        for (MarkKind k : MarkKind.values()) {
            KIND[k.code()] = k.name().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        }
    }

    private BigIntVector seq;
    private BigIntVector time;
    private VarCharVector kind;
    private VarCharVector name;

    @Override
    void bindColumns() {
        seq = i64v("seq");
        time = i64v("time_ns");
        kind = strv("kind");
        name = strv("name");
    }

    @Override
    void onEvent(EventCursor c) {
        if (c.type() != EventType.MARK) {
            return;
        }
        int r = newRow();
        seq.setSafe(r, c.sequence());
        time.setSafe(r, c.timeNs());
        long k = c.value();
        kind.setSafe(r, k >= 0 && k < KIND.length ? KIND[(int) k] : utf8("kind#" + k));
        name.setSafe(r, markName(c));
    }

    static byte[] markName(EventCursor c) {
        byte[] b = new byte[c.payloadLength()];
        c.copyPayload(b, 0);
        return b;
    }
}
