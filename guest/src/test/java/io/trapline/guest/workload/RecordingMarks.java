package io.trapline.guest.workload;

import java.util.List;

/** Test listener that writes every mark as a line: time, kind, details. */
final class RecordingMarks implements MarkListener {
    private final List<String> lines;

    RecordingMarks(List<String> lines) {
        this.lines = lines;
    }

    @Override
    public void mark(long timeNs, String name) {
        lines.add(timeNs + " mark " + name);
    }

    @Override
    public void phaseStart(long timeNs, String phase) {
        lines.add(timeNs + " start " + phase);
    }

    @Override
    public void phaseEnd(long timeNs, String phase) {
        lines.add(timeNs + " end " + phase);
    }

    @Override
    public void requestStart(long timeNs, int index, String what) {
        lines.add(timeNs + " request " + index + " " + what);
    }

    @Override
    public void requestEnd(long timeNs, int index, int status, long bodyBytes) {
        lines.add(timeNs + " response " + index + " " + status + " " + bodyBytes);
    }
}
