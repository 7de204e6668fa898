package io.trapline.cli;

/**
 * What a command that writes says, and cleans up, when the process is stopped before the command ends (Ctrl-C,
 * SIGTERM): the JVM runs its shutdown hooks then, so one line on stderr tells what is left at the output. The
 * process then halts at once (exit code 130, as for SIGINT): the command's own threads would otherwise go on during
 * the shutdown, writing more and failing with traces on stderr. Closed when the command ends by itself, after which
 * a stop says nothing.
 */
final class Interruption implements AutoCloseable {
    /** 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C. */
    static final int INTERRUPTED = 130;

    private final Thread hook;

    private Interruption(Thread hook) {
        this.hook = hook;
    }

    /** Until closed: on a stop, runs {@code cleanup} and prints "trapline COMMAND: interrupted; LEFT". */
    static Interruption on(String command, String left, Runnable cleanup) {
        Thread hook = new Thread(() -> {
            try {
                cleanup.run();
            } finally {
                System.err.println("trapline " + command + ": interrupted; " + left);
                System.err.flush();
                Runtime.getRuntime().halt(INTERRUPTED);
            }
        }, "trapline-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        return new Interruption(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: the stop came first
        }
    }
}
