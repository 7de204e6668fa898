package io.trapline.recorder.embedded;

import io.trapline.guest.workload.MarkListener;
import io.trapline.recorder.EventSink;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;

import java.nio.charset.StandardCharsets;

/**
 * Turns a workload's marks into capture MARK events: instants keep their names (ready, work_start...),
 * phases become PHASE_START/PHASE_END pairs, and each request a REQUEST_START/REQUEST_END pair named
 * {@code request#N GET /...} and {@code request#N status=200 bytes=1024}.
 */
final class CaptureMarks implements MarkListener {
    private final EventSink writer;

    CaptureMarks(EventSink writer) {
        this.writer = writer;
    }

    private void append(long time, MarkKind kind, String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        writer.append(time, EventType.MARK, 0, 0, 0, 0, 0, kind.code(), 0, b, 0, b.length);
    }

    @Override
    public void mark(long timeNs, String name) {
        append(timeNs, MarkKind.INSTANT, name);
    }

    @Override
    public void phaseStart(long timeNs, String phase) {
        append(timeNs, MarkKind.PHASE_START, phase);
    }

    @Override
    public void phaseEnd(long timeNs, String phase) {
        append(timeNs, MarkKind.PHASE_END, phase);
    }

    @Override
    public void requestStart(long timeNs, int index, String what) {
        append(timeNs, MarkKind.REQUEST_START, "request#" + index + " " + what);
    }

    @Override
    public void requestEnd(long timeNs, int index, int status, long bodyBytes) {
        append(timeNs, MarkKind.REQUEST_END, "request#" + index + " status=" + status + " bytes=" + bodyBytes);
    }
}
