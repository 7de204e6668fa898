package io.trapline.guest.workload;

/**
 * Where a workload reports what it is doing, in virtual time; the recorder turns these into capture
 * MARK events. Phase and mark names follow the shared captures' phases.txt.
 */
public interface MarkListener {

    /** An instant: {@code ready}, {@code idle_start}, {@code idle_end}, {@code work_start}, {@code small_end}, {@code work_end}. */
    void mark(long timeNs, String name);

    /** A span begins: {@code idle}, {@code workload} (all requests), and one per request group. */
    void phaseStart(long timeNs, String phase);

    void phaseEnd(long timeNs, String phase);

    /** Request {@code index} (0-based, in workload order) is about to be sent; {@code what} e.g. {@code GET /file-1024}. */
    void requestStart(long timeNs, int index, String what);

    /** Request {@code index} finished with HTTP {@code status} (0 = failed) after {@code bodyBytes} of body. */
    void requestEnd(long timeNs, int index, int status, long bodyBytes);

    MarkListener NONE = new MarkListener() {
        @Override
        public void mark(long timeNs, String name) {
        }

        @Override
        public void phaseStart(long timeNs, String phase) {
        }

        @Override
        public void phaseEnd(long timeNs, String phase) {
        }

        @Override
        public void requestStart(long timeNs, int index, String what) {
        }

        @Override
        public void requestEnd(long timeNs, int index, int status, long bodyBytes) {
        }
    };
}
