package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureException;

/**
 * A phases file that cannot be used: missing, unreadable, too large, not UTF-8, a line that is not
 * {@code name seconds}, a phase that ends before it starts (or, with --strict, a line whose time lies outside the
 * trace). The message is one line naming
 * the file (and the line); the import is refused and leaves no capture. A separate type so that a command line can say which of its options named the file.
 */
public final class PhasesFileException extends CaptureException {
    private static final long serialVersionUID = 1L;

    PhasesFileException(String message) {
        super(message);
    }

    PhasesFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
