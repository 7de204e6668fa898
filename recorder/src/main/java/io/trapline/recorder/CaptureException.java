package io.trapline.recorder;

/**
 * A capture that cannot be read or written: missing, not a capture, malformed metadata, an unknown format
 * version, corrupt or truncated events. The message is one line meant for the user and names the file
 * (and offset or sequence where known); the CLI prints it without a stack trace.
 */
public class CaptureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
