package io.trapline.recorder;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that run capture writers ({@link AsyncCaptureWriter}). A thread whose capture is closed waits a while
 * for the next one instead of ending: starting a thread and joining it cost the recording thread 1–2 ms per capture
 * (docs/benchmarks.md), which a process that records many captures (the demo, a benchmark, a program embedding the
 * recorder) would pay every time. Each capture gets a thread of its own; an idle one is reused, else a new one is
 * made. Daemon threads: an idle writer never keeps a process alive.
 */
final class WriterThreads {
    /** How long a thread without a capture waits for the next one before it ends. */
    private static final long IDLE_SECONDS = 30;
    static final String IDLE_NAME = "capture-writer (idle)";

    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS,
            TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
                Thread t = new Thread(task, IDLE_NAME);
                t.setDaemon(true);
                return t;
            });

    private WriterThreads() {
    }

    /** Runs {@code loop} on an idle writer thread, or on a new one when none is idle. */
    static void start(Runnable loop) {
        POOL.execute(loop);
    }
}
