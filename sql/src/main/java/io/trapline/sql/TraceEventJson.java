package io.trapline.sql;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes Chrome's Trace Event Format (the JSON object form: {@code {"traceEvents": [...]}}), which Perfetto's UI
 * (ui.perfetto.dev), its trace processor and chrome://tracing open. Times are microseconds, written with three
 * decimals so that nanoseconds survive. Event kinds used:
 * {@code M} (names and sort order of processes and threads), {@code X} (a slice with a duration), {@code i} (an
 * instant on its thread) and {@code C} (a counter). Arguments are strings or integers.
 */
final class TraceEventJson implements AutoCloseable {
    private final Writer out;
    private final StringBuilder sb = new StringBuilder(256);
    private boolean first = true;
    private boolean argsOpen;
    private long written;

    TraceEventJson(Writer out) throws IOException {
        this.out = out;
        // no displayTimeUnit: older trace processors took "ns" there as the unit of ts, which is always µs
        out.write("{\"traceEvents\":[\n");
    }

    /** Names process {@code pid} and puts it at {@code order} among the processes. */
    void process(int pid, String name, int order) throws IOException {
        begin("process_name", "M", pid, 0);
        arg("name", name);
        end();
        begin("process_sort_index", "M", pid, 0);
        arg("sort_index", order);
        end();
    }

    /** Names thread (track) {@code tid} of {@code pid} and puts it at {@code order} in the process. */
    void thread(int pid, int tid, String name, int order) throws IOException {
        begin("thread_name", "M", pid, tid);
        arg("name", name);
        end();
        begin("thread_sort_index", "M", pid, tid);
        arg("sort_index", order);
        end();
    }

    /** Starts an instant; add arguments with {@link #arg}, then {@link #end}. */
    void instant(int pid, int tid, String name, long tsNs) {
        begin(name, "i", pid, tid);
        sb.append(",\"s\":\"t\"");
        ts(tsNs);
    }

    /** Starts a slice of {@code durNs} from {@code tsNs}. */
    void slice(int pid, int tid, String name, long tsNs, long durNs) {
        begin(name, "X", pid, tid);
        ts(tsNs);
        sb.append(",\"dur\":");
        micros(durNs);
    }

    /** Starts a counter sample: its value is the argument(s) added next. */
    void counter(int pid, String name, long tsNs) {
        begin(name, "C", pid, 0);
        ts(tsNs);
    }

    void arg(String key, String value) {
        openArgs(key);
        string(value);
    }

    void arg(String key, long value) {
        openArgs(key);
        sb.append(value);
    }

    /** Finishes the current event and writes it out. */
    void end() throws IOException {
        if (argsOpen) {
            sb.append('}');
            argsOpen = false;
        }
        sb.append('}');
        if (!first) {
            out.write(",\n");
        }
        first = false;
        out.append(sb);
        written++;
    }

    /** Trace events written so far, metadata included. */
    long written() {
        return written;
    }

    /** Ends the event list; {@code otherData} holds each capture's details (shown as the trace's metadata). */
    void finish(java.util.Map<String, java.util.Map<String, String>> otherData) throws IOException {
        sb.setLength(0);
        sb.append("\n],\"otherData\":{");
        boolean firstCapture = true;
        for (var c : otherData.entrySet()) {
            sb.append(firstCapture ? "" : ",");
            firstCapture = false;
            string(c.getKey());
            sb.append(":{");
            boolean firstField = true;
            for (var f : c.getValue().entrySet()) {
                sb.append(firstField ? "" : ",");
                firstField = false;
                string(f.getKey());
                sb.append(':');
                string(f.getValue());
            }
            sb.append('}');
        }
        sb.append("}}\n");
        out.append(sb);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void begin(String name, String ph, int pid, int tid) {
        sb.setLength(0);
        argsOpen = false;
        sb.append("{\"name\":");
        string(name);
        sb.append(",\"ph\":\"").append(ph).append("\",\"pid\":").append(pid).append(",\"tid\":").append(tid);
    }

    private void ts(long ns) {
        sb.append(",\"ts\":");
        micros(ns);
    }

    /** {@code ns} as microseconds with three decimals, exactly (no floating point). */
    private void micros(long ns) {
        if (ns < 0) {
            sb.append('-');
            ns = -ns;
        }
        sb.append(ns / 1000);
        long frac = ns % 1000;
        if (frac != 0) {
            sb.append('.').append((char) ('0' + frac / 100)).append((char) ('0' + frac / 10 % 10))
                    .append((char) ('0' + frac % 10));
        }
    }

    private void openArgs(String key) {
        sb.append(argsOpen ? "," : ",\"args\":{");
        argsOpen = true;
        string(key);
        sb.append(':');
    }

    /** A JSON string (RFC 8259): quotes, backslashes and control characters escaped. */
    private void string(String s) {
        io.trapline.recorder.JsonText.quote(sb, s);
    }
}
