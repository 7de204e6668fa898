package io.trapline.recorder;

import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.core.UnsafeMemory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The documents of the capture's Chronicle Queue cycle file, walked straight in mapped memory: a scan pays one
 * header read per event instead of a tailer's per-document bookkeeping. The layout (Chronicle Queue's, checked
 * against the version trapline is built with): documents follow each other from offset 0, each a 4-byte header
 * (bits 0-29 length, bit 30 metadata, bit 31 not complete) and its bytes, the next header at the following
 * 4-byte boundary. Metadata documents (the store header, index arrays) are skipped; a zero header is where the
 * writer has not written yet, and a not-complete one a document still being written (or the end-of-data
 * marker): both end the documents readable now, as they do for a tailer.
 */
final class MappedQueueFile implements AutoCloseable {
    static final int NOT_COMPLETE = 0x8000_0000;
    static final int META_DATA = 0x4000_0000;
    static final int LENGTH_MASK = 0x3FFF_FFFF;
    /** The store header's first field, as Chronicle's binary wire writes it: a 6-character field name "header". */
    private static final byte[] STORE_HEADER = "\u00b9\u0006header".getBytes(StandardCharsets.ISO_8859_1);

    /** Bytes mapped at a time: the scan slides this window along the file, so resident memory stays flat. */
    static final long WINDOW = 256L << 20;
    /** Window starts are multiples of this (a multiple of the page size and of mmap's alignment). */
    private static final long ALIGN = 1L << 20;

    private final Path file;
    private final long window;
    /** The file's length when last looked at. */
    private long length;
    /** The mapped window: {@code windowLength} bytes of the file from {@code windowStart}, at {@code address}. */
    private long address;
    private long windowStart;
    private long windowLength;
    private long position;
    private long document;

    private MappedQueueFile(Path file, long length, long window) {
        this.file = file;
        this.length = length;
        this.window = window;
    }

    /**
     * Maps {@code file}, or returns null when it does not start with the store header this reader knows (the
     * caller then reads through Chronicle's tailer).
     */
    static MappedQueueFile open(Path file) {
        return open(file, WINDOW);
    }

    /** The same with a window of {@code window} bytes (a multiple of 1 MiB; tests slide small ones). */
    static MappedQueueFile open(Path file, long window) {
        long length;
        try {
            length = java.nio.file.Files.size(file);
        } catch (IOException e) {
            return null;
        }
        if (length < 4 + STORE_HEADER.length) {
            return null;
        }
        MappedQueueFile f = new MappedQueueFile(file, length, window);
        try {
            f.map(0, 0);
        } catch (RuntimeException e) {
            f.close();
            return null;
        }
        if (!f.startsWithStoreHeader()) {
            f.close();
            return null;
        }
        return f;
    }

    private boolean startsWithStoreHeader() {
        UnsafeMemory m = UnsafeMemory.MEMORY;
        byte[] field = new byte[STORE_HEADER.length];
        for (int i = 0; i < field.length; i++) {
            field[i] = m.readByte(address + 4 + i);
        }
        return storeHeaderDamage(m.readVolatileInt(address), field, windowLength) == null;
    }

    /**
     * What is wrong with the store header {@code file} should start with, in words for an error line, or null when it
     * has one. Chronicle reads that header before any document, and a file without one makes its tailer throw (or,
     * when the header looks half written, wait for a writer) instead of reading events.
     */
    static String storeHeaderDamage(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer start = ByteBuffer.allocate(4 + STORE_HEADER.length).order(ByteOrder.nativeOrder());
            while (start.hasRemaining() && ch.read(start) >= 0) {
                // a short read: read on to the end of the file
            }
            if (start.hasRemaining()) {
                return "the file is " + start.position() + " bytes, shorter than the store header";
            }
            byte[] field = new byte[STORE_HEADER.length];
            start.get(4, field);
            return storeHeaderDamage(start.getInt(0), field, ch.size());
        }
    }

    /** The same for a first document header {@code h}, the bytes after it and the bytes readable from offset 0. */
    private static String storeHeaderDamage(int h, byte[] field, long readable) {
        if ((h & (NOT_COMPLETE | META_DATA)) != META_DATA) {
            return String.format("file offset 0 holds 0x%08x, not the header of a complete metadata document", h);
        }
        int len = h & LENGTH_MASK;
        if (len < STORE_HEADER.length) {
            return "the store header at file offset 0 is " + len + " bytes, too short to be one";
        }
        if (len + 4L > readable) {
            return "the store header at file offset 0 declares " + len + " bytes, past the end of the file ("
                    + readable + " bytes)";
        }
        if (!Arrays.equals(field, STORE_HEADER)) {
            return "the store header at file offset 0 does not begin with its 'header' field";
        }
        return null;
    }

    /**
     * Moves to the next complete data document and returns its length, or -1 when there is none (yet). Throws
     * {@link UnreadableEventsException} naming the file offset when a document runs past the end of the file.
     */
    int next() {
        UnsafeMemory m = UnsafeMemory.MEMORY;
        while (true) {
            if (!reachable(position, 4)) {
                return -1;
            }
            int h = m.readVolatileInt(address + (position - windowStart));
            if (h == 0 || (h & NOT_COMPLETE) != 0) {
                return -1;
            }
            int len = h & LENGTH_MASK;
            long end = position + 4 + len;
            if (!reachable(position, 4 + len)) {
                throw new UnreadableEventsException(file.toString(), "truncated: the document at file offset " + position
                        + " (" + len + " bytes) runs past the end of the file (" + length + " bytes)", null);
            }
            long at = position;
            position = (end + 3) & ~3L;
            if ((h & META_DATA) == 0) {
                document = at;
                return len;
            }
        }
    }

    /**
     * Makes the document whose header is at file offset {@code offset} (one {@link #next()} returned before, in a scan
     * of this file) the next one {@link #next()} reads.
     */
    void seek(long offset) {
        position = offset;
    }

    /** Native address of the current document's bytes (after its header); valid until the next call to next(). */
    long address() {
        return address + (document - windowStart) + 4;
    }

    /** File offset of the current document's header. */
    long offset() {
        return document;
    }

    /**
     * Makes {@code [at, at + bytes)} mapped, sliding the window (and re-reading the file's length: a writer still
     * appending may have grown it). False when the file ends before.
     */
    private boolean reachable(long at, long bytes) {
        if (at >= windowStart && at + bytes <= windowStart + windowLength) {
            return true;
        }
        if (at + bytes > length) {
            try {
                length = java.nio.file.Files.size(file);
            } catch (IOException e) {
                throw new CaptureException(file + ": cannot read: " + IoErrors.describe(e), e);
            }
            if (at + bytes > length) {
                return false;
            }
        }
        long start = at & ~(ALIGN - 1);
        map(start, at + bytes - start);
        return true;
    }

    /** Maps the window at {@code start}, at least {@code atLeast} bytes long (a document longer than a window). */
    private void map(long start, long atLeast) {
        unmap();
        long size = Math.min(Math.max(window, atLeast), length - start);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            address = OS.map(ch, FileChannel.MapMode.READ_ONLY, start, size);
        } catch (IOException e) {
            throw new CaptureException(file + ": cannot map: " + e.getMessage(), e);
        }
        windowStart = start;
        windowLength = size;
    }

    private void unmap() {
        if (address != 0) {
            try {
                OS.unmap(address, windowLength);
            } catch (IOException e) {
                // unmapping a read-only view: nothing was written through it
            }
            address = 0;
            windowLength = 0;
        }
    }

    @Override
    public void close() {
        unmap();
    }
}
