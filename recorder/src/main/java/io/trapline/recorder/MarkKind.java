package io.trapline.recorder;

/** What a MARK event marks (its value field). Codes are part of the capture format. */
public enum MarkKind {
    /** A single instant, e.g. a host-side marker line. */
    INSTANT(0),
    /** A named phase begins (e.g. {@code probe}, {@code idle}, {@code workload}). */
    PHASE_START(1),
    PHASE_END(2),
    /** A workload request begins; the name identifies the request. */
    REQUEST_START(3),
    REQUEST_END(4);

    private final int code;

    MarkKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static MarkKind ofCode(long code) {
        for (MarkKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }
}
