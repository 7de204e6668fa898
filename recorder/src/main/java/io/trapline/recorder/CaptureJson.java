package io.trapline.recorder;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code capture.json} without a data-binding library: the same text the metadata's Jackson annotations give
 * (the same fields left out, the same indentation), so a capture reads the same either way. A recording writes this
 * file when it starts and again on the recording thread's way out of {@code close}; Jackson's serializer for it runs
 * so seldom that it stays cold, and it took most of a millisecond per write (docs/benchmarks.md). Values of a type
 * not listed in {@link #writable} are left to Jackson ({@link CaptureMetadata#toJson} falls back).
 */
final class CaptureJson {
    private final StringBuilder out = new StringBuilder(1024);
    /** Objects open around the current position: arrays do not indent, objects do by two spaces. */
    private int depth;
    /** No field written yet in the innermost open object (its first one goes on a new line without a comma). */
    private boolean firstInObject;

    private CaptureJson() {
    }

    /** The metadata as text, or null when a free-form map holds a value this writer does not know. */
    static String write(CaptureMetadata m) {
        if (!writable(m)) {
            return null;
        }
        CaptureJson j = new CaptureJson();
        j.writeMetadata(m);
        return j.out.toString();
    }

    /** Strings, numbers, booleans, nulls, and maps and lists of them: what the tool's own metadata holds. */
    static boolean writable(CaptureMetadata m) {
        if (m.source() != null && !plain(m.source().details())) {
            return false;
        }
        if (m.workload() != null && !plain(m.workload().options())) {
            return false;
        }
        if (m.devices() != null) {
            for (CaptureMetadata.DeviceInfo d : m.devices()) {
                if (d == null || !plain(d.config()) || hasNull(d.bars())) {
                    return false;
                }
            }
        }
        return !hasNull(m.regions());
    }

    /** (Immutable lists refuse to be asked whether they contain null.) */
    private static boolean hasNull(List<?> list) {
        if (list != null) {
            for (Object o : list) {
                if (o == null) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean plain(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof Short || v instanceof Byte) {
            return true;
        }
        if (v instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String) || !plain(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (v instanceof List<?> list) {
            for (Object o : list) {
                if (!plain(o)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    // --- the records, field by field, with their annotations' inclusion rules ---

    private void writeMetadata(CaptureMetadata m) { // NON_NULL
        begin();
        if (m.format() != null) {
            name("format");
            begin();
            field("name", m.format().name());
            field("major", m.format().major());
            field("minor", m.format().minor());
            end();
        }
        if (m.tool() != null) {
            name("tool");
            begin();
            field("name", m.tool().name());
            field("version", m.tool().version());
            end();
        }
        if (m.source() != null) { // NON_EMPTY
            name("source");
            begin();
            fieldIfNotEmpty("kind", m.source().kind());
            fieldIfNotEmpty("description", m.source().description());
            fieldIfNotEmpty("details", m.source().details());
            end();
        }
        if (m.clock() != null) { // NON_NULL
            name("clock");
            begin();
            fieldIfNotNull("domain", m.clock().domain());
            fieldIfNotNull("originEpochNs", m.clock().originEpochNs());
            end();
        }
        fieldIfNotNull("startedAt", m.startedAt());
        if (m.workload() != null) { // NON_EMPTY
            name("workload");
            begin();
            fieldIfNotEmpty("name", m.workload().name());
            fieldIfNotNull("seed", m.workload().seed());
            fieldIfNotEmpty("options", m.workload().options());
            end();
        }
        if (m.devices() != null) {
            name("devices");
            beginArray();
            for (int i = 0; i < m.devices().size(); i++) {
                element(i);
                writeDevice(m.devices().get(i));
            }
            endArray();
        }
        fieldIfNotNull("regions", m.regions());
        fieldIfNotNull("status", m.status());
        if (m.events() != null) {
            name("events");
            begin();
            field("count", m.events().count());
            field("firstTimeNs", m.events().firstTimeNs());
            field("lastTimeNs", m.events().lastTimeNs());
            if (m.events().phases() != null) {
                name("phases");
                beginArray();
                for (int i = 0; i < m.events().phases().size(); i++) {
                    CaptureMetadata.PhaseSpan ph = m.events().phases().get(i);
                    element(i);
                    begin();
                    field("name", ph.name());
                    field("startNs", ph.startNs());
                    field("endNs", ph.endNs());
                    end();
                }
                endArray();
            }
            end();
        }
        end();
    }

    private void writeDevice(CaptureMetadata.DeviceInfo d) { // NON_EMPTY (a primitive 0 is not empty)
        begin();
        field("index", d.index());
        fieldIfNotEmpty("model", d.model());
        fieldIfNotEmpty("transport", d.transport());
        fieldIfNotEmpty("config", d.config());
        fieldIfNotNull("negotiatedFeatures", d.negotiatedFeatures());
        if (d.bars() != null && !d.bars().isEmpty()) {
            name("bars");
            beginArray();
            for (int i = 0; i < d.bars().size(); i++) {
                CaptureMetadata.Bar b = d.bars().get(i);
                element(i);
                begin();
                field("index", b.index());
                field("kind", b.kind());
                field("base", b.base());
                field("size", b.size());
                end();
            }
            endArray();
        }
        end();
    }

    private void fieldIfNotNull(String name, Object value) {
        if (value != null) {
            field(name, value);
        }
    }

    private void fieldIfNotEmpty(String name, Object value) {
        boolean empty = value == null || value instanceof String s && s.isEmpty()
                || value instanceof Map<?, ?> map && map.isEmpty() || value instanceof Collection<?> c && c.isEmpty();
        if (!empty) {
            field(name, value);
        }
    }

    private void field(String name, Object value) {
        name(name);
        value(value);
    }

    // --- the layout of Jackson's default pretty printer ---

    private void begin() {
        out.append('{');
        depth++;
        firstInObject = true;
    }

    private void name(String name) {
        out.append(firstInObject ? "\n" : ",\n");
        firstInObject = false;
        indent();
        string(name);
        out.append(" : ");
    }

    private void end() {
        depth--;
        if (firstInObject) {
            out.append(' '); // an empty object: "{ }"
        } else {
            out.append('\n');
            indent();
        }
        out.append('}');
        firstInObject = false;
    }

    private void beginArray() {
        out.append('[');
    }

    private void element(int index) {
        out.append(index == 0 ? " " : ", ");
    }

    private void endArray() {
        out.append(" ]"); // "[ ]" when empty
        firstInObject = false;
    }

    private void indent() {
        for (int i = 0; i < depth; i++) {
            out.append("  ");
        }
    }

    private void value(Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof Map<?, ?> map) {
            begin();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                field((String) e.getKey(), e.getValue());
            }
            end();
        } else if (v instanceof Collection<?> list) {
            beginArray();
            int i = 0;
            for (Object o : list) {
                element(i++);
                value(o);
            }
            endArray();
        } else {
            out.append(v); // Boolean or an integral number: plain() let nothing else through
        }
    }

    /** A JSON string as Jackson writes it: quotes, backslashes and control characters escaped, the rest as is. */
    private void string(String s) {
        JsonText.quote(out, s);
    }
}
