package io.trapline.replay;

import io.trapline.emulator.e1000.E1000Config;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class ReplayerTest {
    @TempDir
    static Path tmp;
    static Path good;

    @BeforeAll
    static void record() {
        good = E1000Session.record(tmp.resolve("good"), E1000Config.defaults(), 60);
    }

    private static ReplayResult replay(Path capture, ReplayOptions options) {
        try (CaptureReader r = CaptureReader.open(capture)) {
            return Replayer.replay(r, options);
        }
    }

    private static long countOf(Path capture, EventType type) {
        try (CaptureReader r = CaptureReader.open(capture)) {
            return r.countByType().getOrDefault(type, 0L);
        }
    }

    /** The sequence number of the {@code n}-th event (0-based) of {@code type}. */
    private static long nth(Path capture, EventType type, int n) {
        AtomicLong found = new AtomicLong(-1);
        int[] seen = {0};
        try (CaptureReader r = CaptureReader.open(capture); var c = r.cursor()) {
            while (c.next()) {
                if (c.type() == type && seen[0]++ == n) {
                    found.set(c.sequence());
                    break;
                }
            }
        }
        return found.get();
    }

    @Test
    void aRecordedE1000SessionReplaysWithZeroDivergences() {
        assertTrue(countOf(good, EventType.DMA_WRITE) > 50, "the session must exercise DMA");
        assertTrue(countOf(good, EventType.FRAME_TX) == 60);
        assertTrue(countOf(good, EventType.INTX) > 10);
        ReplayResult r = replay(good, ReplayOptions.defaults());
        assertEquals(java.util.List.of(), r.divergences());
        assertTrue(r.outputsChecked() > 300, "outputs checked: " + r.outputsChecked());
        assertTrue(r.unverifiable().isEmpty());
    }

    @Test
    void aChangedReadValueIsReportedAtExactlyThatEvent() {
        long target = nth(good, EventType.MMIO_READ, 10);
        Path bad = CaptureRewriter.rewrite(good, tmp.resolve("read-" + target), e -> {
            if (e.sequence == target) {
                e.value ^= 0x80;
            }
            return new CaptureRewriter.Event[] {e};
        });
        ReplayResult r = replay(bad, ReplayOptions.defaults());
        assertFalse(r.divergences().isEmpty());
        Divergence d = r.divergences().get(0);
        assertEquals(target, d.sequence());
        assertEquals(DivergenceKind.READ_VALUE, d.kind());
        assertTrue(d.what().startsWith("ICR") || d.what().startsWith("STATUS"), d.what());
        assertEquals(1, r.divergences().size(), "a changed read value misleads nothing else: " + r.divergences());
        assertEquals(4, d.context().length, "the four events before it, though its outputs were read after it");
        assertTrue(d.context()[3] < target);
    }

    @Test
    void aReadWhoseOutputsDivergeTooIsReportedFirstAndTheLimitHolds() {
        // an ICR read and the INTx deassert it causes, both changed: the read is judged after its call
        long[] pair = {-1, -1};
        try (CaptureReader reader = CaptureReader.open(good); var c = reader.cursor()) {
            long previous = -1;
            boolean icr = false;
            while (c.next() && pair[0] < 0) {
                if (icr && c.type() == EventType.INTX && c.value() == 0) {
                    pair[0] = previous;
                    pair[1] = c.sequence();
                }
                icr = c.type() == EventType.MMIO_READ && c.address() == 0xC0;
                previous = c.sequence();
            }
        }
        assertTrue(pair[0] >= 0, "an ICR read that deasserts INTx");
        Path bad = CaptureRewriter.rewrite(good, tmp.resolve("icr-" + pair[0]), e -> {
            if (e.sequence == pair[0]) {
                e.value ^= 0x80;
            } else if (e.sequence == pair[1]) {
                e.value = 1;
            }
            return new CaptureRewriter.Event[] {e};
        });
        ReplayResult r = replay(bad, ReplayOptions.defaults().withMaxDivergences(1));
        assertEquals(1, r.divergences().size(), r.divergences().toString());
        assertEquals(pair[0], r.divergences().get(0).sequence(), "the read, first in capture order");
        assertEquals(DivergenceKind.READ_VALUE, r.divergences().get(0).kind());
        try (CaptureReader ra = CaptureReader.open(good); CaptureReader rb = CaptureReader.open(bad)) {
            assertEquals(1, CaptureDiff.diff(ra, rb, 1).differences().size(), "diff holds the limit too");
        }
    }

    @Test
    void aDroppedDmaWriteIsReportedAtTheEventThatTookItsPlace() {
        long target = nth(good, EventType.DMA_WRITE, 7);
        Path bad = CaptureRewriter.rewrite(good, tmp.resolve("dma-" + target), e ->
                e.sequence == target ? new CaptureRewriter.Event[0] : new CaptureRewriter.Event[] {e});
        ReplayResult r = replay(bad, ReplayOptions.defaults());
        Divergence d = r.divergences().get(0);
        assertEquals(DivergenceKind.UNEXPECTED_OUTPUT, d.kind());
        assertTrue(d.actual().startsWith("dma_write"), d.actual());
        assertEquals(target, d.sequence(), "the event now standing where the dropped write was (the copy renumbers)");
    }

    @Test
    void aDmaWhosePayloadIsNotItsLengthIsACorruptEventNamingItsSequence() {
        // a longer payload made the device's buffer overflow (an IndexOutOfBoundsException out of replay); a shorter
        // one was served as if whole, the rest of the buffer left as it was
        long read = nth(good, EventType.DMA_READ, 4);
        long write = nth(good, EventType.DMA_WRITE, 4);
        Object[][] cases = {{read, 100, "a dma_read of "}, {read, -3, "a dma_read of "}, {write, 5, "a dma_write of "}};
        for (Object[] k : cases) {
            long target = (Long) k[0];
            int grow = (Integer) k[1];
            long[] length = new long[1];
            Path bad = CaptureRewriter.rewrite(good, tmp.resolve("len-" + target + "-" + grow), e -> {
                if (e.sequence == target) {
                    length[0] = e.value;
                    e.payload = java.util.Arrays.copyOf(e.payload, e.payload.length + grow);
                }
                return new CaptureRewriter.Event[] {e};
            });
            io.trapline.recorder.CaptureException x = assertThrows(io.trapline.recorder.CaptureException.class,
                    () -> replay(bad, ReplayOptions.defaults()));
            assertTrue(x.getMessage().contains(": corrupt event at sequence " + target + " "), x.getMessage());
            assertTrue(x.getMessage().endsWith(k[2] + "" + length[0] + " bytes holds a payload of " + (length[0] + grow)
                    + " bytes"), x.getMessage());
        }
    }

    @Test
    void aChangedByteOfATransmittedFrameIsReportedWithItsOffset() {
        long target = nth(good, EventType.FRAME_TX, 5);
        Path bad = CaptureRewriter.rewrite(good, tmp.resolve("tx-" + target), e -> {
            if (e.sequence == target) {
                e.payload[33] ^= 1;
            }
            return new CaptureRewriter.Event[] {e};
        });
        ReplayResult r = replay(bad, ReplayOptions.defaults());
        assertEquals(1, r.divergences().size(), r.divergences().toString());
        Divergence d = r.divergences().get(0);
        assertEquals(target, d.sequence());
        assertEquals(DivergenceKind.OUTPUT_MISMATCH, d.kind());
        assertEquals(33, d.firstByteDiff());
        assertTrue(d.cause() >= 0 && d.cause() < target, "the TDT write that sent the frame: " + d);
        try (CaptureReader reader = CaptureReader.open(bad); var c = reader.cursor(d.cause())) {
            assertTrue(c.next());
            assertEquals(EventType.MMIO_WRITE, c.type());
            assertEquals(0x3818, c.address(), "TDT");
        }
    }

    @Test
    void reorderedInterruptsAreReportedAtTheFirstOfThem() {
        long first = nth(good, EventType.INTX, 3);
        CaptureRewriter.Event[] held = new CaptureRewriter.Event[1];
        Path bad = CaptureRewriter.rewrite(good, tmp.resolve("irq-" + first), e -> {
            if (e.sequence == first) {
                held[0] = e;
                return new CaptureRewriter.Event[0];
            }
            if (held[0] != null && e.type == EventType.INTX) {
                CaptureRewriter.Event a = held[0];
                held[0] = null;
                a.time = e.time; // time must not go backwards: the held interrupt moves to the later one's time
                return new CaptureRewriter.Event[] {e, a};
            }
            return new CaptureRewriter.Event[] {e};
        });
        ReplayResult r = replay(bad, ReplayOptions.defaults());
        Divergence d = r.divergences().get(0);
        assertTrue(d.sequence() >= first, "nothing before the reordered interrupt: " + d);
        assertTrue(d.kind() == DivergenceKind.MISSING_OUTPUT || d.kind() == DivergenceKind.UNEXPECTED_OUTPUT
                || d.kind() == DivergenceKind.OUTPUT_MISMATCH, d.toString());
    }

    @Test
    void anOutputTheDeviceNeverProducesIsMissingWithTheRecordedEvent() {
        long read = nth(good, EventType.MMIO_READ, 5);
        Path bad = CaptureRewriter.rewrite(good, tmp.resolve("extra-" + read), e -> {
            if (e.sequence != read) {
                return new CaptureRewriter.Event[] {e};
            }
            CaptureRewriter.Event kick = new CaptureRewriter.Event();
            kick.time = e.time;
            kick.type = EventType.KICK;
            kick.device = e.device;
            kick.queue = 3;
            kick.value = 3;
            kick.payload = new byte[0];
            return new CaptureRewriter.Event[] {e, kick};
        });
        ReplayResult r = replay(bad, ReplayOptions.defaults());
        assertEquals(1, r.divergences().size(), r.divergences().toString());
        Divergence d = r.divergences().get(0);
        assertEquals(DivergenceKind.MISSING_OUTPUT, d.kind());
        assertEquals(read + 1, d.sequence());
        assertTrue(d.expected().startsWith("kick"), "the recorded event, as recorded: " + d.expected());
        assertEquals("nothing", d.actual());
    }

    @Test
    void replayingAgainstAnAlteredModelShowsTheDivergence() {
        ReplayResult r = replay(good, ReplayOptions.defaults().withModel(null, Map.of("mitigation", "off")));
        assertFalse(r.divergences().isEmpty(), "mitigation off changes when interrupts fire");
    }

    @Test
    void divergencesStopAtTheLimitAndCarryContext() {
        ReplayResult r = replay(good, ReplayOptions.defaults().withModel(null, Map.of("mitigation", "off")).withMaxDivergences(3));
        assertEquals(3, r.divergences().size());
        assertTrue(r.stoppedEarly());
        Divergence first = r.divergences().get(0);
        assertEquals(4, first.context().length, "the default: four events before it");
        assertTrue(first.deviceState().keySet().containsAll(java.util.List.of("ICR", "IMS", "RDH", "RDT", "TDH", "TDT")),
                "where the model was at the first divergence: " + first.deviceState());
        assertTrue(r.divergences().get(1).deviceState().isEmpty(), "the first divergence only");
        assertTrue(first.context()[3] < first.sequence());
        ReplayResult wide = replay(good, ReplayOptions.defaults().withModel(null, Map.of("mitigation", "off"))
                .withMaxDivergences(1).withContext(12));
        long[] twelve = wide.divergences().get(0).context();
        assertEquals(12, twelve.length);
        assertArrayEquals(first.context(), java.util.Arrays.copyOfRange(twelve, 8, 12), "the same events, and more before");
        assertThrows(IllegalArgumentException.class, () -> ReplayOptions.defaults().withContext(-1));
    }

    @Test
    void anUnknownModelOrOptionIsAReplayException() {
        assertThrows(ReplayException.class, () -> replay(good, ReplayOptions.defaults().withModel("rtl8139", Map.of())));
        ReplayException e = assertThrows(ReplayException.class,
                () -> replay(good, ReplayOptions.defaults().withModel(null, Map.of("mitigaton", "off"))));
        assertTrue(e.getMessage().contains("mitigaton"));
        assertTrue(e.getMessage().startsWith("device 0 (e1000, config from capture.json devices[0] with --model "
                + "{mitigaton=off}): "), "names where the value came from: " + e.getMessage());
    }
}
