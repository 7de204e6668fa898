package io.trapline.recorder.embedded;

import io.trapline.emulator.virtio.pci.VirtioFeatures;
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

    /** Records a web run whose progress callback throws {@code fault} at its first call, mid-run. */
    private io.trapline.recorder.CaptureException failingRun(Path out, Throwable fault) {
        GuestRun.Options options = new GuestRun.Options("e1000", Map.of(), "web", Map.of("requests", "300x1024"),
                PlatformProfile.tcg(), 1);
        GuestRun.Progress failing = (virtualNs, requestsDone) -> {
            if (fault instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) fault;
        };
        return assertThrows(io.trapline.recorder.CaptureException.class, () -> EmbeddedRecorder.record(options, out, failing));
    }

    private static long eventsIn(Path capture) {
        long n = 0;
        try (CaptureReader r = CaptureReader.open(capture); EventCursor c = r.cursor()) {
            while (c.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aRunThatStopsKeepsWhatItRecordedMarkedIncomplete() {
        Path out = tmp.resolve("failed");
        var e = failingRun(out, new IllegalStateException("injected device model bug"));
        assertTrue(e.getMessage().startsWith(out + ": the run stopped: IllegalStateException: injected device model bug; the "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(" events recorded before it are in the capture, marked incomplete"), e.getMessage());
        long kept = Long.parseLong(e.getMessage().replaceAll(".*; the ([0-9,]+) events.*", "$1").replace(",", ""));
        assertTrue(kept > 100, "the probe and the first requests were recorded: " + kept);
        io.trapline.recorder.CaptureMetadata meta = io.trapline.recorder.CaptureMetadata.readFrom(out);
        assertFalse(meta.complete(), "not marked complete");
        assertEquals(kept, meta.events().count(), "capture.json counts what the queue holds");
        assertEquals(kept, eventsIn(out), "every event reported kept is readable");
    }

    @Test
    void runningOutOfMemorySaysSoAndKeepsTheCapture() {
        Path out = tmp.resolve("oom");
        var e = failingRun(out, new OutOfMemoryError("Java heap space"));
        assertTrue(e.getMessage().contains("the run stopped: out of memory (Java heap "), e.getMessage());
        assertTrue(e.getMessage().contains("TRAPLINE_JAVA_OPTS"), e.getMessage());
        assertFalse(io.trapline.recorder.CaptureMetadata.readFrom(out).complete());
        assertTrue(eventsIn(out) > 100);
    }

    @Test
    void badOptionsAreRejectedBeforeTheCaptureExists() {
        for (Map<String, String> bad : java.util.List.of(Map.of("requests", "lots"), Map.of("requests", ""),
                Map.of("count", "3"))) {
            Path out = tmp.resolve("bad");
            GuestRun.Options options = new GuestRun.Options("e1000", Map.of(), "web", bad, PlatformProfile.tcg(), 1);
            assertThrows(IllegalArgumentException.class, () -> EmbeddedRecorder.record(options, out, null), bad.toString());
            assertFalse(java.nio.file.Files.exists(out), bad + ": nothing on disk");
        }
        GuestRun.Options tooManyVectors = new GuestRun.Options("virtio-net", Map.of("vectors", 99999), "web", Map.of(),
                PlatformProfile.tcg(), 1);
        var vectors = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedRecorder.record(tooManyVectors, tmp.resolve("vectors"), null));
        assertEquals("vectors must be 0..2048: 99999", vectors.getMessage());
        assertFalse(java.nio.file.Files.exists(tmp.resolve("vectors")), "a device option is checked before the capture exists");
        GuestRun.Options noDriver = new GuestRun.Options("rtl8139", Map.of(), "web", Map.of(), PlatformProfile.tcg(), 1);
        assertThrows(IllegalArgumentException.class, () -> EmbeddedRecorder.record(noDriver, tmp.resolve("nic"), null));
        assertFalse(java.nio.file.Files.exists(tmp.resolve("nic")));
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
    void aRecordingThroughTheRingOfAnEarlierOneIsTheSameAsTheFirstOfItsKind() throws Exception {
        EmbeddedRecorder.Recording first = EmbeddedRecorder.record(web("e1000", 3), tmp.resolve("first"), null);
        EmbeddedRecorder.Recording other = EmbeddedRecorder.record(web("virtio-net", 4), tmp.resolve("other"), null);
        EmbeddedRecorder.Recording again = EmbeddedRecorder.record(web("e1000", 3), tmp.resolve("again"), null);
        assertTrue(other.events() > 1000);
        assertEquals(streamHash(first.capture()), streamHash(again.capture()));
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
    void aVirtioCaptureSaysWhichFeaturesTheDriverAccepted() {
        long withEventIdx = negotiated(web("virtio-net", 1), "v-event-idx");
        assertTrue(VirtioFeatures.has(withEventIdx, VirtioFeatures.VERSION_1), Long.toHexString(withEventIdx));
        assertTrue(VirtioFeatures.has(withEventIdx, VirtioFeatures.RING_EVENT_IDX), Long.toHexString(withEventIdx));
        assertTrue(VirtioFeatures.has(withEventIdx, 15), "VIRTIO_NET_F_MRG_RXBUF: " + Long.toHexString(withEventIdx));
        GuestRun.Options noEventIdx = new GuestRun.Options("virtio-net", Map.of("event_idx", "off"), "web",
                Map.of("requests", "2x1024"), PlatformProfile.tcg(), 1);
        long without = negotiated(noEventIdx, "v-no-event-idx");
        assertEquals(withEventIdx & ~VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX), without,
                "the device did not offer EVENT_IDX, so the driver could not accept it");
        EmbeddedRecorder.Recording e1000 = EmbeddedRecorder.record(web("e1000", 1), tmp.resolve("e"), null);
        try (CaptureReader reader = CaptureReader.open(e1000.capture())) {
            assertNull(reader.metadata().device(0).negotiatedFeatures(), "e1000 negotiates no features");
        }
    }

    private long negotiated(GuestRun.Options options, String name) {
        EmbeddedRecorder.Recording r = EmbeddedRecorder.record(options, tmp.resolve(name), null);
        try (CaptureReader reader = CaptureReader.open(r.capture())) {
            Long features = reader.metadata().device(0).negotiatedFeatures();
            assertNotNull(features, "capture.json has no negotiatedFeatures");
            return features;
        }
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
        // Each MSI carries its MSI-X vector (as an imported capture does): the data the guest wrote into that entry.
        Map<Integer, Long> entryData = new java.util.HashMap<>();
        Map<Integer, Long> perVector = new java.util.TreeMap<>();
        try (CaptureReader reader = CaptureReader.open(r.capture()); EventCursor c = reader.cursor()) {
            while (c.next()) {
                if (c.type() == EventType.MMIO_WRITE && c.region() == 1 && c.address() < 0x800 && (c.address() & 0xF) == 8) {
                    entryData.put((int) (c.address() >>> 4), c.value()); // msix.table[N].data
                } else if (c.type() == EventType.MSI) {
                    assertEquals(entryData.get(c.queue()), c.value(), "MSI data of vector " + c.queue());
                    perVector.merge(c.queue(), 1L, Long::sum);
                }
            }
        }
        assertEquals(java.util.Set.of(1, 2), perVector.keySet(), "RX (vector 1) and TX (vector 2) interrupts: " + perVector);
    }
}
