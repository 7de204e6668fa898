package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The event checksum follows the capture's format version: CRC-32C from 2.0, the multiply chain in 1.x captures,
 * which stay readable and checked.
 */
class ChecksumVersionTest {
    private static final int EVENTS = 800;

    @TempDir
    Path tmp;

    private static CaptureMetadata withFormat(int major, int minor) {
        CaptureMetadata m = CaptureFixture.metadata();
        return new CaptureMetadata(new CaptureMetadata.Format(CaptureMetadata.FORMAT_NAME, major, minor), m.tool(),
                m.source(), m.clock(), m.startedAt(), m.workload(), m.devices(), m.regions(), m.status(), m.events());
    }

    /** Register reads and DMA of 0–1,499 bytes, one document per event or batched. */
    private Path write(String name, CaptureMetadata meta, boolean batched) {
        Path dir = tmp.resolve(name);
        byte[] payload = new byte[3000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 37 + (i >> 7));
        }
        try (CaptureWriter w = batched ? CaptureWriter.createBatched(dir, meta) : CaptureWriter.create(dir, meta)) {
            for (int i = 0; i < EVENTS / 2; i++) {
                w.append(i, EventType.DMA_READ, 0, 0, 0, 0, 0x1000 + i, 0x5A5A5A5A_00000000L | i, 0, payload, i,
                        7 * i % 1500);
                w.append(i, EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, i, 0, null, 0, 0);
            }
        }
        return dir;
    }

    private static long readAll(Path dir) {
        long n = 0;
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            while (c.next()) {
                n++;
            }
        }
        return n;
    }

    /** Flips one bit in the payload of the DMA_READ event whose value is {@code 0x5A5A5A5A_00000000 | i}. */
    private static void flipPayloadBit(Path dir, int i) throws Exception {
        Path file = EventQueue.dataFiles(dir.resolve("events")).get(0);
        byte[] needle = {(byte) i, (byte) (i >> 8), 0, 0, 0x5A, 0x5A, 0x5A, 0x5A};
        long at = BadCaptureTest.indexOf(file, needle);
        assertTrue(at > 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long target = at + 8 + 8 + 20; // past the value, the payload length and checksum, into the payload
            raf.seek(target);
            int b = raf.read();
            raf.seek(target);
            raf.write(b ^ 0x04);
        }
    }

    @Test
    void aNewCaptureIsTheCurrentFormatAndReadsBack() {
        Path dir = write("v3", CaptureFixture.metadata(), true);
        try (CaptureReader r = CaptureReader.open(dir)) {
            assertEquals(3, r.metadata().format().major());
        }
        assertEquals(EVENTS, readAll(dir));
    }

    @Test
    void aFormat1CaptureStillReadsWithItsOwnChecksum() {
        for (boolean batched : new boolean[] {false, true}) {
            Path dir = write("v1-" + batched, withFormat(1, 1), batched);
            assertEquals(EVENTS, readAll(dir), "batched " + batched);
        }
    }

    @Test
    void theReaderChecksWhatTheVersionSays() throws Exception {
        Path dir = write("v3-claims-1", CaptureFixture.metadata(), true);
        Path json = dir.resolve(CaptureMetadata.FILE_NAME);
        Files.writeString(json, Files.readString(json).replace("\"major\" : 3", "\"major\" : 1"));
        CaptureException e = assertThrows(CaptureException.class, () -> readAll(dir));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void aFlippedBitIsFoundInEitherVersion() throws Exception {
        for (CaptureMetadata meta : new CaptureMetadata[] {CaptureFixture.metadata(), withFormat(1, 1)}) {
            for (boolean batched : new boolean[] {false, true}) {
                String name = "flip-" + meta.format().major() + "-" + batched;
                Path dir = write(name, meta, batched);
                flipPayloadBit(dir, 300);
                CaptureException e = assertThrows(CaptureException.class, () -> readAll(dir), name);
                assertTrue(e.getMessage().contains("sequence 600") && e.getMessage().contains("checksum"),
                        name + ": " + e.getMessage());
            }
        }
    }
}
