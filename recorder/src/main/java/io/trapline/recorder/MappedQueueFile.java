package io.trapline.recorder;

import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.core.UnsafeMemory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    private final Path file;
    private long address;
    private long mapped;
    private long position;
    private long document;

    private MappedQueueFile(Path file, long address, long mapped) {
        this.file = file;
        this.address = address;
        this.mapped = mapped;
    }

    /**
     * Maps {@code file}, or returns null when it does not start with the store header this reader knows (the
     * caller then reads through Chronicle's tailer).
     */
    static MappedQueueFile open(Path file) {
        long length;
        long address;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            length = ch.size();
            if (length < 4 + STORE_HEADER.length) {
                return null;
            }
            address = OS.map(ch, FileChannel.MapMode.READ_ONLY, 0, length);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        MappedQueueFile f = new MappedQueueFile(file, address, length);
        if (!f.startsWithStoreHeader()) {
            f.close();
            return null;
        }
        return f;
    }

    private boolean startsWithStoreHeader() {
        UnsafeMemory m = UnsafeMemory.MEMORY;
        int h = m.readVolatileInt(address);
        if ((h & (NOT_COMPLETE | META_DATA)) != META_DATA || (h & LENGTH_MASK) < STORE_HEADER.length
                || (h & LENGTH_MASK) + 4L > mapped) {
            return false;
        }
        for (int i = 0; i < STORE_HEADER.length; i++) {
            if (m.readByte(address + 4 + i) != STORE_HEADER[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Moves to the next complete data document and returns its length, or -1 when there is none (yet). Throws
     * {@link CaptureException} naming the file offset when a document runs past the end of the file.
     */
    int next() {
        UnsafeMemory m = UnsafeMemory.MEMORY;
        while (true) {
            if (position + 4 > mapped && !grow(position + 4)) {
                return -1;
            }
            int h = m.readVolatileInt(address + position);
            if (h == 0 || (h & NOT_COMPLETE) != 0) {
                return -1;
            }
            int length = h & LENGTH_MASK;
            long end = position + 4 + length;
            if (end > mapped && !grow(end)) {
                throw new CaptureException(file + ": truncated: the document at file offset " + position + " ("
                        + length + " bytes) runs past the end of the file (" + mapped + " bytes)");
            }
            long at = position;
            position = (end + 3) & ~3L;
            if ((h & META_DATA) == 0) {
                document = at;
                return length;
            }
        }
    }

    /** Native address of the current document's bytes (after its header); valid until the next call to next(). */
    long address() {
        return address + document + 4;
    }

    /** File offset of the current document's header. */
    long offset() {
        return document;
    }

    /** A writer still appending may have extended the file since it was mapped: map it again if so. */
    private boolean grow(long needed) {
        long length;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            length = ch.size();
            if (length < needed) {
                return false;
            }
            long remapped = OS.map(ch, FileChannel.MapMode.READ_ONLY, 0, length);
            unmap();
            address = remapped;
            mapped = length;
            return true;
        } catch (IOException e) {
            throw new CaptureException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private void unmap() {
        if (address != 0) {
            try {
                OS.unmap(address, mapped);
            } catch (IOException e) {
                // unmapping a read-only view: nothing was written through it
            }
            address = 0;
        }
    }

    @Override
    public void close() {
        unmap();
    }
}
