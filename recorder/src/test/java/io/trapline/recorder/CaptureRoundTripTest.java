package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CaptureRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void everyFieldAndPayloadReadsBackAsWritten() {
        Path dir = tmp.resolve("cap");
        byte[] payload = new byte[1500];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            w.append(5, EventType.MMIO_WRITE, 3, 0xBEEF, 0x1234, 8, 0xDEAD_BEEF_0000_0001L, -2L);
            w.append(6, EventType.FRAME_RX, 1, 2, 0, 0, 0, 1, EventFlags.REFUSED, payload, 0, payload.length);
        }
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            assertTrue(c.next());
            assertEquals(0, c.sequence());
            assertEquals(5, c.timeNs());
            assertEquals(EventType.MMIO_WRITE, c.type());
            assertEquals(3, c.device());
            assertEquals(0xBEEF, c.queue());
            assertEquals(0x1234, c.region());
            assertEquals(8, c.size());
            assertEquals(0xDEAD_BEEF_0000_0001L, c.address());
            assertEquals(-2L, c.value());
            assertEquals(0, c.payloadLength());
            assertTrue(c.next());
            assertEquals(1, c.sequence());
            assertTrue(c.hasFlag(EventFlags.REFUSED));
            assertEquals(1500, c.payloadLength());
            byte[] back = new byte[1500];
            assertEquals(1500, c.copyPayload(back, 0));
            assertArrayEquals(payload, back);
            assertEquals(payload[777], c.payloadByte(777));
            assertFalse(c.next());
        }
    }

    @Test
    void metadataIsCompleteAfterCloseWithSummaryAndRegions() {
        Path dir = tmp.resolve("cap");
        long n = CaptureFixture.writeAllTypes(dir);
        CaptureMetadata meta = CaptureMetadata.readFrom(dir);
        assertTrue(meta.complete());
        assertEquals(n, meta.events().count());
        assertEquals(1000, meta.events().firstTimeNs());
        assertEquals("apic", meta.regionName(0));
        assertEquals("e1000", meta.device(0).model());
        assertEquals(0xFEB80000L, meta.device(0).bars().get(0).base());
        assertEquals(42L, meta.workload().seed());
        assertEquals(CaptureMetadata.FORMAT_MAJOR, meta.format().major());
    }

    @Test
    void countsByTypeCoverEveryType() {
        Path dir = tmp.resolve("cap");
        CaptureFixture.writeAllTypes(dir);
        try (CaptureReader r = CaptureReader.open(dir)) {
            Map<EventType, Long> counts = r.countByType();
            for (EventType t : EventType.values()) {
                assertTrue(counts.containsKey(t), "missing " + t);
            }
            assertEquals(2L, counts.get(EventType.MARK));
            assertEquals(2L, counts.get(EventType.DMA_READ));
        }
    }

    @Test
    void cursorStartsAtARequestedSequence() {
        Path dir = tmp.resolve("cap");
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            for (int i = 0; i < 10_000; i++) {
                w.append(i, EventType.MMIO_READ, 0, 0, 0, 4, 8, i);
            }
        }
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor(7_777)) {
            assertTrue(c.next());
            assertEquals(7_777, c.sequence());
            assertEquals(7_777, c.value());
            long n = 1;
            while (c.next()) {
                n++;
            }
            assertEquals(10_000 - 7_777, n);
        }
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor(50_000)) {
            assertFalse(c.next());
        }
    }

    @Test
    void writerRefusesTimeGoingBackwardsAndANonEmptyDirectory() throws Exception {
        Path dir = tmp.resolve("cap");
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            w.append(100, EventType.MMIO_READ, 0, 0, 0, 4, 8, 1);
            assertThrows(IllegalArgumentException.class, () -> w.append(99, EventType.MMIO_READ, 0, 0, 0, 4, 8, 1));
        }
        CaptureException e = assertThrows(CaptureException.class, () -> CaptureWriter.create(dir, CaptureFixture.metadata()));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        Files.writeString(tmp.resolve("file"), "x");
        assertThrows(CaptureException.class, () -> CaptureWriter.create(tmp.resolve("file"), CaptureFixture.metadata()));
    }

    @Test
    void anEmptyCaptureReadsAsNoEvents() {
        Path dir = tmp.resolve("cap");
        CaptureWriter.create(dir, CaptureFixture.metadata()).close();
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            assertFalse(c.next());
        }
    }
}
