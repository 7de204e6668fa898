package io.trapline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether standard error is a terminal, for progress lines. {@code System.console()} answers for standard input
 * and output together, so a run with its summary redirected to a file would lose the progress line it can still
 * show on the terminal, and one with only stderr redirected would fill the file with carriage returns. On Linux
 * the descriptor's link in {@code /proc/self/fd} names the device; elsewhere the console check stands in.
 */
final class Terminal {
    private Terminal() {
    }

    static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd2)) {
            try {
                return isTerminalDevice(Files.readSymbolicLink(fd2).toString());
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }

    /** Pseudo-terminals and virtual consoles (/dev/pts/N, /dev/ttyN, /dev/console); not files, pipes or /dev/null. */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }
}
