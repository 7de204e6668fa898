package io.trapline.recorder;

/**
 * Events that cannot be read where the queue file has them: a document that does not verify (length, sequence,
 * type, checksum), runs past the end of the file, or whose mapped pages fault when read. In a complete capture that
 * is corruption; in an incomplete one (a writer that failed or died) it may be the end of what the writer got
 * to write, and a scan from before it ends there ({@link EventCursor#unreadableTail()}).
 */
final class UnreadableEventsException extends CaptureException {
    private static final long serialVersionUID = 1L;

    /** The message without the file name in front: what is unreadable, and where in the file. */
    private final String reason;

    UnreadableEventsException(String file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
