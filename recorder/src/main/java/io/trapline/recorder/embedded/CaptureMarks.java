package io.trapline.recorder.embedded;

import io.trapline.guest.workload.MarkListener;
import io.trapline.recorder.EventSink;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a workload's marks into capture MARK events: instants keep their names (ready, work_start...),
 * phases become PHASE_START/PHASE_END pairs, and each request a REQUEST_START/REQUEST_END pair named
 * {@code request#N GET /...} and {@code request#N status=200 bytes=1024}.
 *
 * <p>A name is encoded (UTF-8) straight into one reused array instead of being built as a string and then encoded:
 * two marks per request, on the recording thread, cost about a point of a recording that way (a profile of the web
 * workload put string building and encoding at 1–1.5% of the recording thread's samples).
 */
final class CaptureMarks implements MarkListener {
    private final EventSink writer;
    /** The name being encoded; the sink reads it only during its append call. */
    private byte[] name = new byte[128];
    private int length;

    CaptureMarks(EventSink writer) {
        this.writer = writer;
    }

    @Override
    public void mark(long timeNs, String name) {
        append(timeNs, MarkKind.INSTANT, newName().text(name));
    }

    @Override
    public void phaseStart(long timeNs, String phase) {
        append(timeNs, MarkKind.PHASE_START, newName().text(phase));
    }

    @Override
    public void phaseEnd(long timeNs, String phase) {
        append(timeNs, MarkKind.PHASE_END, newName().text(phase));
    }

    @Override
    public void requestStart(long timeNs, int index, String what) {
        append(timeNs, MarkKind.REQUEST_START, newName().text("request#").number(index).text(" ").text(what));
    }

    @Override
    public void requestEnd(long timeNs, int index, int status, long bodyBytes) {
        append(timeNs, MarkKind.REQUEST_END, newName().text("request#").number(index)
                .text(" status=").number(status).text(" bytes=").number(bodyBytes));
    }

    /** Starts a new name in the reused array. */
    private CaptureMarks newName() {
        length = 0;
        return this;
    }

    /** Appends the MARK whose name was just encoded ({@code named}: this, returned by the encoding calls). */
    private void append(long time, MarkKind kind, CaptureMarks named) {
        writer.append(time, EventType.MARK, 0, 0, 0, 0, 0, kind.code(), 0, named.name, 0, named.length);
    }

    /** Appends {@code s} in UTF-8. */
    private CaptureMarks text(String s) {
        int n = s.length();
        room(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return bytes(s.substring(i).getBytes(StandardCharsets.UTF_8)); // the rest as the JDK encodes it
            }
            name[length++] = (byte) c;
        }
        return this;
    }

    /** Appends {@code v} in decimal, as {@link Long#toString(long)} writes it. */
    private CaptureMarks number(long v) {
        if (v < 0) {
            return text(Long.toString(v));
        }
        int digits = 1;
        for (long p = 10; digits < 19 && v >= p; p *= 10) {
            digits++;
        }
        room(digits);
        for (int i = length + digits - 1; i >= length; i--) {
            name[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length += digits;
        return this;
    }

    private CaptureMarks bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, name, length, b.length);
        length += b.length;
        return this;
    }

    private void room(int more) {
        if (length + more > name.length) {
            name = Arrays.copyOf(name, Math.max(name.length * 2, length + more));
        }
    }
}
