package io.trapline.recorder.embedded;

import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class EmbeddedRecorderTest {
    @TempDir
    Path tmp;

    static GuestRun.Options web(String nic, long seed) {
        return new GuestRun.Options(nic, Map.of(), "web", Map.of("requests", "10x1024,1x65536"), PlatformProfile.tcg(), seed);
    }

    /** SHA-256 over every field and payload byte of every event. */
    static String streamHash(Path capture) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] payload = new byte[1 << 17];
        try (CaptureReader r = CaptureReader.open(capture); EventCursor c = r.cursor()) {
            while (c.next()) {
                md.update((c.sequence() + ":" + c.timeNs() + ":" + c.type() + ":" + c.device() + ":" + c.queue() + ":"
                        + c.region() + ":" + c.size() + ":" + c.flags() + ":" + c.address() + ":" + c.value()).getBytes());
                md.update(payload, 0, c.copyPayload(payload, 0));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void theSameSeedAndOptionsGiveTheSameEventStreamByteForByte() throws Exception {
        for (String nic : new String[] {"e1000", "virtio-net"}) {
            EmbeddedRecorder.Recording a = EmbeddedRecorder.record(web(nic, 7), tmp.resolve(nic + "-a"), null);
            EmbeddedRecorder.Recording b = EmbeddedRecorder.record(web(nic, 7), tmp.resolve(nic + "-b"), null);
            EmbeddedRecorder.Recording c = EmbeddedRecorder.record(web(nic, 8), tmp.resolve(nic + "-c"), null);
            assertTrue(a.run().finished() && a.events() > 1000, nic);
            assertEquals(streamHash(a.capture()), streamHash(b.capture()), nic + ": same seed, same events");
            assertNotEquals(streamHash(a.capture()), streamHash(c.capture()), nic + ": another seed, other ISNs and ports");
        }
    }

    @Test
    void aRecordingHoldsEveryKindOfBoundaryEventAndTheWorkloadMarks() {
        EmbeddedRecorder.Recording r = EmbeddedRecorder.record(web("e1000", 1), tmp.resolve("e1000"), null);
        assertEquals(11, r.run().workload().requestsOk());
        try (CaptureReader reader = CaptureReader.open(r.capture())) {
            Map<EventType, Long> counts = reader.countByType();
            for (EventType t : new EventType[] {EventType.PCI_CFG_READ, EventType.PCI_CFG_WRITE, EventType.MMIO_READ,
                    EventType.MMIO_WRITE, EventType.DMA_READ, EventType.DMA_WRITE, EventType.INTX, EventType.FRAME_RX,
                    EventType.FRAME_TX, EventType.MARK}) {
                assertTrue(counts.getOrDefault(t, 0L) > 0, "missing " + t + " in " + counts);
            }
            assertEquals(2, reader.metadata().device(0).bars().size(), "BAR0 (MMIO) and BAR1 (I/O) as programmed");
            assertEquals("embedded", reader.metadata().source().kind());
            assertEquals(1L, reader.metadata().workload().seed());
        }
        assertEquals(11, r.window().requests());
        assertTrue(r.window().accesses() > 11 * 30, "an e1000 request costs dozens of register accesses");
    }

    @Test
    void everyInterruptTheGuestTakesEndsWithOneLocalApicEoi() {
        for (String nic : new String[] {"e1000", "virtio-net"}) {
            EmbeddedRecorder.Recording r = EmbeddedRecorder.record(web(nic, 1), tmp.resolve("eoi-" + nic), null);
            try (CaptureReader reader = CaptureReader.open(r.capture()); EventCursor c = reader.cursor()) {
                long eois = 0;
                while (c.next()) {
                    if (c.type() == EventType.OTHER_WRITE) {
                        assertEquals("apic", reader.metadata().regionName(c.region()), nic);
                        assertEquals(0xFEE0_00B0L, c.address(), nic + ": the EOI register");
                        eois++;
                    }
                }
                assertEquals(r.run().interrupts(), eois, nic + ": one EOI per interrupt handled");
            }
        }
    }

    @Test
    void virtioUnderMsixKicksAndTakesInterruptsWithoutRegisterReads() {
        EmbeddedRecorder.Recording r = EmbeddedRecorder.record(web("virtio-net", 1), tmp.resolve("v"), null);
        assertEquals(0, r.window().reads());
        assertTrue(r.window().kicks() > 0 && r.window().interrupts() > 0);
    }
}
