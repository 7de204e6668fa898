package io.trapline.recorder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the small files a command takes in whole (a capture's {@code capture.json}, a SQL script, a cost file): only
 * regular files, since opening a FIFO waits for a writer that may never come and a device can be endless; and only
 * up to a limit, so that a file far larger than any such file ever is (or a symbolic link to {@code /dev/zero})
 * is refused instead of filling the heap. The limits, all in one place:
 */
public final class SmallFiles {
    /**
     * {@code capture.json}: a few KiB in practice; an imported capture keeps its command line (up to 4 MiB) and the
     * phases of its phases file (up to 4 MiB of lines) in it, which this leaves room for.
     */
    public static final Limit CAPTURE_JSON = new Limit(64 << 20, "a capture's metadata");
    /** {@code sql -f FILE}. */
    public static final Limit SQL_SCRIPT = new Limit(16 << 20, "a SQL script");
    /** {@code --costs FILE}: a line per exit class. */
    public static final Limit COST_FILE = new Limit(1 << 20, "a cost file");

    private SmallFiles() {
    }

    /** The most bytes a kind of file may have, and what it is, for the error line ("larger than 1 MiB, too large for a cost file"). */
    public record Limit(int bytes, String what) {
        String describe() {
            return "larger than " + (bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes") + ", too large for "
                    + what;
        }
    }

    /**
     * Why a file is not read: it is not a regular file, or it is larger than its limit. The message is the reason
     * alone, to follow the file's name on an error line (also what {@link IoErrors#describe} gives for it).
     */
    public static final class UnsuitableFileException extends IOException {
        UnsuitableFileException(String reason) {
            super(reason);
        }
    }

    /**
     * The file's text, strictly UTF-8. A symbolic link to a regular file is read; anything else that is not a
     * regular file, or a file of more than {@code limit} bytes, is an {@link UnsuitableFileException}; a file that
     * does not exist a {@link java.nio.file.NoSuchFileException}; text that is not UTF-8 a
     * {@link java.nio.charset.CharacterCodingException}.
     */
    public static String readText(Path file, Limit limit) throws IOException {
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(read(file, limit))).toString();
    }

    /** The file's bytes, under the conditions of {@link #readText}. */
    public static byte[] read(Path file, Limit limit) throws IOException {
        checkRegular(file);
        if (Files.size(file) > limit.bytes()) {
            throw new UnsuitableFileException(limit.describe());
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(limit.bytes() + 1); // a file that grows meanwhile (or a /proc file of size 0)
        }
        if (bytes.length > limit.bytes()) {
            throw new UnsuitableFileException(limit.describe());
        }
        return bytes;
    }

    /**
     * Refuses what is there but not a regular file (following symbolic links): a directory, a FIFO, a socket, a
     * device. A path where nothing is is left to the caller's open, which reports it as missing.
     */
    public static void checkRegular(Path file) throws IOException {
        if (Files.isRegularFile(file) || !Files.exists(file)) {
            return;
        }
        throw new UnsuitableFileException(Files.isDirectory(file) ? "is a directory, not a file"
                : "not a regular file (a pipe, socket or device cannot be read as one)");
    }
}
