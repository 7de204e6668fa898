package io.trapline.analysis;

import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
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

    // the batch's columns; those the consumer does not read are null and skipped
    private DirectColumn seq;
    private DirectColumn time;
    private DirectColumn type;
    private DirectColumn device;
    private DirectColumn vcpu;
    private DirectColumn queue;
    private DirectColumn region;
    private DirectColumn offset;
    private DirectColumn size;
    private DirectColumn value;
    private DirectColumn flags;
    private DirectColumn payloadLen;

    @Override
    void bindColumns() {
        seq = reads("seq") ? direct(i64v("seq")) : null;
        time = reads("time_ns") ? direct(i64v("time_ns")) : null;
        type = reads("type") ? direct(i32v("type")) : null;
        device = reads("device") ? direct(i32v("device")) : null;
        vcpu = reads("vcpu") ? direct(i32v("vcpu")) : null;
        queue = reads("queue") ? direct(i32v("queue")) : null;
        region = reads("region") ? direct(i32v("region")) : null;
        offset = reads("offset") ? direct(i64v("offset")) : null;
        size = reads("size") ? direct(i32v("size")) : null;
        value = reads("value") ? direct(i64v("value")) : null;
        flags = reads("flags") ? direct(i32v("flags")) : null;
        payloadLen = reads("payload_len") ? direct(i32v("payload_len")) : null;
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
        if (seq != null) {
            seq.setLong(r, c.sequence());
        }
        if (time != null) {
            time.setLong(r, c.timeNs());
        }
        if (type != null) {
            type.setInt(r, t.code());
        }
        if (device != null) {
            device.setInt(r, c.device());
        }
        if (vcpu != null) {
            boolean onCpu = t.role() == EventType.Role.ACCESS || t == EventType.EXIT || t == EventType.OTHER_READ
                    || t == EventType.OTHER_WRITE;
            if (onCpu && c.queue() != 0xFFFF) {
                vcpu.setInt(r, c.queue());
            } else {
                vcpu.setNull(r);
            }
        }
        if (queue != null) {
            if (t == EventType.KICK || t == EventType.MSI) {
                queue.setInt(r, c.queue());
            } else {
                queue.setNull(r);
            }
        }
        if (region != null) {
            region.setInt(r, c.region());
        }
        if (offset != null) {
            offset.setLong(r, c.address());
        }
        if (size != null) {
            size.setInt(r, c.size());
        }
        if (value != null) {
            value.setLong(r, c.value());
        }
        if (flags != null) {
            flags.setInt(r, c.flags());
        }
        if (payloadLen != null) {
            payloadLen.setInt(r, c.payloadLength());
        }
    }
}
