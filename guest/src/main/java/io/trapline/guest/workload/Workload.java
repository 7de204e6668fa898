package io.trapline.guest.workload;

import io.trapline.guest.http.HttpClient;

/**
 * A host-side client workload against the guest's HTTP server. {@link #start} marks {@code ready} at once,
 * then follows the captures' plan: {@code idle_start}, an idle phase, {@code idle_end}, {@code work_start},
 * the {@code workload} phase with every request, {@code work_end}. Subclasses issue the requests.
 * A {@code window} phase starts at {@code work_start} and ends 0.25 s after {@code work_end}, as the importer
 * derives it for the shared captures, so that every command measures embedded and real runs alike.
 */
public abstract class Workload {
    /** The phase the shared captures' figures are measured in: work_start .. work_end + 0.25 s. */
    public static final String WINDOW = "window";
    protected final WorkloadEnv env;
    protected MarkListener marks = MarkListener.NONE;
    private boolean started;
    private boolean done;
    private int nextIndex;
    private long requestsOk;
    private long requestsFailed;
    private long bodyBytes;
    private long workStartNs = -1;
    private long workEndNs = -1;

    protected Workload(WorkloadEnv env) {
        this.env = env;
    }

    /** Name as on the command line: web, keepalive, bulk, rr. */
    public abstract String name();

    /** Issues the requests; call {@link #requestDone} for each and {@link #workDone} after the last. */
    protected abstract void begin();

    public final void start(MarkListener listener) {
        if (started) {
            throw new IllegalStateException("workload already started");
        }
        started = true;
        this.marks = listener;
        var s = env.scheduler();
        marks.mark(s.now(), "ready");
        s.after(env.readyToIdleNs(), () -> {
            marks.mark(s.now(), "idle_start");
            marks.phaseStart(s.now(), "idle");
            s.after(env.idleNs(), () -> {
                marks.phaseEnd(s.now(), "idle");
                marks.mark(s.now(), "idle_end");
                marks.mark(s.now(), "work_start");
                marks.phaseStart(s.now(), "workload");
                marks.phaseStart(s.now(), WINDOW); // ended by the run, TAIL_NS after work_end (GuestRun)
                workStartNs = s.now();
                begin();
            });
        });
    }

    public final boolean done() {
        return done;
    }

    public final WorkloadResult result() {
        return new WorkloadResult(name(), requestsOk, requestsFailed, bodyBytes, workStartNs, workEndNs);
    }

    /** Marks the start of the next request and returns its index. */
    protected final int requestStarting(String what) {
        int index = nextIndex++;
        marks.requestStart(env.scheduler().now(), index, what);
        return index;
    }

    protected final void requestDone(int index, int status, long bytes, boolean intact) {
        if (status == 200 && intact) {
            requestsOk++;
        } else {
            requestsFailed++;
        }
        bodyBytes += bytes;
        marks.requestEnd(env.scheduler().now(), index, status, bytes);
    }

    protected final void workDone() {
        long now = env.scheduler().now();
        workEndNs = now;
        marks.phaseEnd(now, "workload");
        marks.mark(now, "work_end");
        done = true;
    }

    protected final HttpClient open(HttpClient.Listener listener) {
        return HttpClient.open(env.client(), env.scheduler(), env.profile(), env.serverIp(), env.serverPort(), listener);
    }
}
