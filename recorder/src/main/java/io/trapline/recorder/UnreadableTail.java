package io.trapline.recorder;

import java.nio.file.Path;

/**
 * Where a scan of an incomplete capture ended: its queue file becomes unreadable after the events capture.json
 * declares (a writer that failed, e.g. on a full file system), so the events read are all there is to read.
 *
 * @param capture the capture directory, as it was opened
 * @param events  the events before that end (sequence 0 to events - 1; the first unreadable one has sequence events)
 * @param reason  what is unreadable there, and where in the queue file ({@link EventCursor#unreadableTail()})
 */
public record UnreadableTail(Path capture, long events, String reason) {
}
