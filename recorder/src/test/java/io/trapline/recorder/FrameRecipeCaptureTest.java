package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Format 3.0: a recording stores transmitted frames once, and every reader still sees the frames. */
class FrameRecipeCaptureTest {
    @TempDir
    Path tmp;

    /**
     * Transmit paths as the device models run them: a register write or a kick, descriptor and buffer reads, the frame
     * (sometimes with a checksum put in, sometimes from a virtio header's buffer, sometimes unrelated to the reads),
     * an interrupt; marks between groups; enough of it to span many documents.
     */
    private static void transmitStream(EventSink w) {
        Random r = new Random(11);
        long t = 0;
        for (int i = 0; i < 3_000; i++) {
            t += 100;
            w.append(t, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, i, 0, null, 0, 0);
            byte[] desc = new byte[16];
            r.nextBytes(desc);
            int len = 60 + r.nextInt(1455);
            byte[] buffer = new byte[12 + len];
            r.nextBytes(buffer);
            boolean virtio = i % 3 == 0;
            w.append(t, EventType.DMA_READ, 0, 0, 0, 0, 0x10_0000L + 16 * i, 16, 0, desc, 0, 16);
            w.append(t, EventType.DMA_READ, 0, 0, 0, 0, 0x20_0000L, buffer.length, 0, buffer, 0, virtio ? buffer.length : len);
            byte[] frame = java.util.Arrays.copyOfRange(buffer, virtio ? 12 : 0, virtio ? buffer.length : len);
            if (i % 4 == 1) {
                frame[len / 2] ^= 0x77; // a checksum the device filled in
                frame[len / 2 + 1] ^= 0x11;
            }
            if (i % 10 == 7) {
                r.nextBytes(frame); // not made of the reads
            }
            if (i % 13 == 5) {
                w.append(t, EventType.MARK, 0, 0, 0, 0, 0, 1, 0, new byte[] {'x'}, 0, 1); // a new group: the reads are out of it
            }
            w.append(t, EventType.FRAME_TX, 0, 0, 0, 0, 0, len, 0, frame, 0, len);
            w.append(t, EventType.INTX, 0, 0, 0, 0, 0, 1, 0, null, 0, 0);
        }
    }

    @Test
    void framesStoredAsRecipesReadBackAsTheFramesTheyWere() throws Exception {
        Path whole = tmp.resolve("whole");
        try (CaptureWriter w = CaptureWriter.create(whole, CaptureFixture.metadata())) {
            transmitStream(w); // one event per document: nothing stored as a recipe
        }
        Path recorded = tmp.resolve("recorded");
        try (AsyncCaptureWriter w = AsyncCaptureWriter.create(recorded, CaptureFixture.metadata(), null, 4 << 20)) {
            transmitStream(w);
        }
        assertEquals(AsyncCaptureWriterTest.streamHash(whole), AsyncCaptureWriterTest.streamHash(recorded),
                "every field and payload byte as appended; no flag of the storage shows");
        long[] stored = storedAndSeen(recorded);
        long[] plain = storedAndSeen(whole);
        assertEquals(plain[0], plain[1], "stored whole");
        assertEquals(plain[1], stored[1], "the same frames");
        assertTrue(stored[0] < stored[1] * 0.6, "most frame bytes stored once: " + stored[0] + " of " + stored[1]);
    }

    @Test
    void aLongGroupOfLargeOutputsStillEndsItsDocumentsAndReadsBack() throws Exception {
        byte[] big = new byte[200_000];
        new Random(12).nextBytes(big);
        EventSink[] sinks = new EventSink[2];
        Path whole = tmp.resolve("whole");
        Path recorded = tmp.resolve("recorded");
        try (CaptureWriter a = CaptureWriter.create(whole, CaptureFixture.metadata());
             AsyncCaptureWriter b = AsyncCaptureWriter.create(recorded, CaptureFixture.metadata(), null, 4 << 20)) {
            sinks[0] = a;
            sinks[1] = b;
            for (EventSink w : sinks) {
                w.append(1, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 1, 0, null, 0, 0);
                for (int i = 0; i < 40; i++) { // 8 MB of outputs with no input between: documents end past 1 MiB anyway
                    w.append(2, EventType.DMA_READ, 0, 0, 0, 0, 0x10_0000L, 100_000, 0, big, i * 1000, 100_000);
                    w.append(2, EventType.FRAME_TX, 0, 0, 0, 0, 0, 99_000, 0, big, i * 1000 + 1000, 99_000); // the read's tail
                }
            }
        }
        assertEquals(AsyncCaptureWriterTest.streamHash(whole), AsyncCaptureWriterTest.streamHash(recorded));
        long[] stored = storedAndSeen(recorded);
        assertTrue(stored[0] < stored[1] / 10, "the frames are copies of their reads: " + stored[0] + " of " + stored[1]);
    }

    /** Payload bytes of FRAME_TX events as stored, and as readers see them. */
    private static long[] storedAndSeen(Path capture) {
        long[] sum = new long[2];
        try (CaptureReader r = CaptureReader.open(capture); EventCursor c = r.cursor()) {
            while (c.next()) {
                if (c.type() == EventType.FRAME_TX) {
                    sum[0] += c.storedPayloadLength();
                    sum[1] += c.payloadLength();
                    assertEquals(0, c.flags() & EventFlags.PAYLOAD_RECIPE);
                }
            }
        }
        return sum;
    }

    @Test
    void aRecipeFlagIsRefusedOnEventsGivenToAWriter() {
        try (CaptureWriter w = CaptureWriter.create(tmp.resolve("c"), CaptureFixture.metadata())) {
            byte[] frame = new byte[100];
            assertThrows(IllegalArgumentException.class,
                    () -> w.append(1, EventType.FRAME_TX, 0, 0, 0, 0, 0, 100, EventFlags.PAYLOAD_RECIPE, frame, 0, 100));
        }
    }

    @Test
    void aRecipeReachingOutsideItsDocumentIsReportedAsCorruptionNamingTheEvent() {
        Path dir = tmp.resolve("bad");
        try (CaptureWriter w = CaptureWriter.createBatched(dir, CaptureFixture.metadata())) {
            w.append(1, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 1, 0, null, 0, 0);
            // A well-checksummed recipe that copies from 10,000 bytes back, before the start of its document.
            byte[] recipe = new byte[4 + FrameRecipe.COPY_SIZE];
            EventBytes.putInt(recipe, 0, 100);
            recipe[4] = FrameRecipe.COPY;
            EventBytes.putInt(recipe, 5, 10_000);
            EventBytes.putInt(recipe, 9, 0);
            EventBytes.putInt(recipe, 13, 100);
            byte[] event = new byte[EventLayout.HEADER_SIZE + recipe.length];
            EventLayout.putHeader(event, 0, 0, 0, EventChecksum.packed(EventType.FRAME_TX.code(), 0, 0, 0, 0,
                    EventFlags.PAYLOAD_RECIPE), 0, 100, recipe.length);
            System.arraycopy(recipe, 0, event, EventLayout.HEADER_SIZE, recipe.length);
            w.appendEncoded(event, 0, 2);
        }
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            assertTrue(c.next());
            assertTrue(c.next());
            assertEquals(100, c.payloadLength(), "the frame's length, as the recipe declares it");
            CaptureException e = assertThrows(CaptureException.class, () -> c.copyPayload(new byte[100], 0));
            assertTrue(e.getMessage().contains("corrupt event at sequence 1") && e.getMessage().contains("outside its document"),
                    e.getMessage());
        }
    }

    /** An event laid out as {@link CaptureWriter#appendEncoded} takes it (the writer fills in sequence, time, checksum). */
    private static byte[] encoded(EventType type, int flags, long value, byte[] payload) {
        byte[] event = new byte[EventLayout.HEADER_SIZE + payload.length];
        EventLayout.putHeader(event, 0, 0, 0, EventChecksum.packed(type.code(), 0, 0, 0, 0, flags), 0, value,
                payload.length);
        System.arraycopy(payload, 0, event, EventLayout.HEADER_SIZE, payload.length);
        return event;
    }

    @Test
    void aReadTheWriterRefusedIsNoSourceForTheFrameAfterIt() {
        Path dir = tmp.resolve("c");
        byte[] data = new byte[500];
        new Random(1).nextBytes(data);
        try (CaptureWriter w = CaptureWriter.createBatched(dir, CaptureFixture.metadata())) {
            w.appendEncoded(encoded(EventType.MMIO_WRITE, 0, 1, new byte[0]), 0, 10);
            assertThrows(IllegalArgumentException.class, // its time goes back: refused
                    () -> w.appendEncoded(encoded(EventType.DMA_READ, 0, 500, data), 0, 5));
            w.appendEncoded(encoded(EventType.FRAME_TX, 0, 500, data), 0, 10);
        }
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            assertTrue(c.next());
            assertTrue(c.next());
            assertEquals(EventType.FRAME_TX, c.type());
            assertFalse(c.storedAsRecipe(), "nothing before it in the capture holds its bytes");
            byte[] frame = new byte[500];
            c.copyPayload(frame, 0);
            assertArrayEquals(data, frame);
            assertFalse(c.next());
        }
    }

    @Test
    void aRecipeCopyingFromAnywhereButAReadsStartIsReportedAsCorruption() {
        Path dir = tmp.resolve("bad");
        byte[] read = new byte[64];
        java.util.Arrays.fill(read, (byte) 7);
        // Inside the read's payload, 64 bytes before the frame's header, lies what looks like a payload length of 8.
        EventBytes.putInt(read, EventLayout.PAYLOAD_LENGTH, 8);
        try (CaptureWriter w = CaptureWriter.createBatched(dir, CaptureFixture.metadata())) {
            w.appendEncoded(encoded(EventType.MMIO_WRITE, 0, 1, new byte[0]), 0, 1);
            w.appendEncoded(encoded(EventType.DMA_READ, 0, 64, read), 0, 1);
            byte[] recipe = new byte[4 + FrameRecipe.COPY_SIZE];
            EventBytes.putInt(recipe, 0, 8);
            recipe[4] = FrameRecipe.COPY;
            EventBytes.putInt(recipe, 5, 64); // into the read's payload, not its header
            EventBytes.putInt(recipe, 9, 0);
            EventBytes.putInt(recipe, 13, 8);
            w.appendEncoded(encoded(EventType.FRAME_TX, EventFlags.PAYLOAD_RECIPE, 8, recipe), 0, 1);
        }
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            assertTrue(c.next());
            assertTrue(c.next());
            assertTrue(c.next());
            CaptureException e = assertThrows(CaptureException.class, () -> c.copyPayload(new byte[8], 0));
            assertTrue(e.getMessage().contains("corrupt event at sequence 2")
                    && e.getMessage().contains("where no dma_read event stored whole starts"), e.getMessage());
        }
    }
}
