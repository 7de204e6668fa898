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

    /**
     * The request a request mark names: the first word of its name ({@code request#7} of the embedded guest's
     * {@code request#7 GET /file-1024} and {@code request#7 status=200 bytes=1024}), or null when the name is one
     * word. A request's start and end pair when their names are equal or name the same request.
     */
    public static String requestId(String name) {
        int space = name.indexOf(' ');
        return space > 0 ? name.substring(0, space) : null;
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
