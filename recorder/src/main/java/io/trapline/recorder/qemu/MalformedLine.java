package io.trapline.recorder.qemu;

/** A trace line that could not be imported: file, 1-based line number, why, and its text. */
public record MalformedLine(String file, long line, String reason, String text) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + reason + (text == null || text.isEmpty() ? "" : ": " + text);
    }
}
