package io.trapline.analysis;

import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/** {@code events}: every event, one row each, header fields only. */
final class EventsWriter extends TableWriter {
    private static final long DICT_TYPE = 2;
    /** Event type labels by code (codes without a type are never written). */
    private static final List<String> TYPES;

    static {
        String[] t = new String[256];
        int max = 0;
        for (EventType e : EventType.values()) {
            t[e.code()] = e.label();
            max = Math.max(max, e.code());
        }
        for (int i = 0; i <= max; i++) {
            if (t[i] == null) {
                t[i] = "code#" + i;
            }
        }
        TYPES = List.of(java.util.Arrays.copyOf(t, max + 1));
    }

    static final Schema SCHEMA = new Schema(List.of(CAPTURE, i64("seq"), i64("time_ns"), dict("type", DICT_TYPE), i32("device"),
            i32("vcpu"), i32("queue"), i32("region"), i64("offset"), i32("size"), i64("value"), i32("flags"),
            i32("payload_len")));

    private BigIntVector seq;
    private BigIntVector time;
    private IntVector type;
    private IntVector device;
    private IntVector vcpu;
    private IntVector queue;
    private IntVector region;
    private BigIntVector offset;
    private IntVector size;
    private BigIntVector value;
    private IntVector flags;
    private IntVector payloadLen;

    @Override
    void bindColumns() {
        seq = i64v("seq");
        time = i64v("time_ns");
        type = i32v("type");
        device = i32v("device");
        vcpu = i32v("vcpu");
        queue = i32v("queue");
        region = i32v("region");
        offset = i64v("offset");
        size = i32v("size");
        value = i64v("value");
        flags = i32v("flags");
        payloadLen = i32v("payload_len");
    }

    @Override
    List<String> dictionary(long id) {
        return id == DICT_TYPE ? TYPES : null;
    }

    @Override
    void onEvent(EventCursor c) {
        // one row per event and a batch ends at BATCH_ROWS: within the capacity every batch is allocated with
        int r = newRow();
        EventType t = c.type();
        seq.set(r, c.sequence());
        time.set(r, c.timeNs());
        type.set(r, t.code());
        device.set(r, c.device());
        boolean onCpu = t.role() == EventType.Role.ACCESS || t == EventType.EXIT || t == EventType.OTHER_READ
                || t == EventType.OTHER_WRITE;
        if (onCpu && c.queue() != 0xFFFF) {
            vcpu.set(r, c.queue());
        } else {
            vcpu.setNull(r);
        }
        if (t == EventType.KICK || t == EventType.MSI) {
            queue.set(r, c.queue());
        } else {
            queue.setNull(r);
        }
        region.set(r, c.region());
        offset.set(r, c.address());
        size.set(r, c.size());
        value.set(r, c.value());
        flags.set(r, c.flags());
        payloadLen.set(r, c.payloadLength());
    }
}
