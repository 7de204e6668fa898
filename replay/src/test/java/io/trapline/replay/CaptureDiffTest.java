package io.trapline.replay;

import io.trapline.emulator.e1000.E1000Config;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class CaptureDiffTest {
    @TempDir
    static Path tmp;
    static Path good;

    @BeforeAll
    static void record() {
        good = E1000Session.record(tmp.resolve("good"), E1000Config.defaults(), 30);
    }

    private static CaptureDiff.Result diff(Path a, Path b) {
        try (CaptureReader ra = CaptureReader.open(a); CaptureReader rb = CaptureReader.open(b)) {
            return CaptureDiff.diff(ra, rb, 50);
        }
    }

    @Test
    void aCaptureHasNoDifferencesWithItself() {
        CaptureDiff.Result r = diff(good, good);
        assertTrue(r.sameInputs());
        assertTrue(r.differences().isEmpty());
        assertTrue(r.inputsCompared() > 100);
    }

    @Test
    void aChangedOutputIsReportedAtItsSequence() {
        long[] target = {-1};
        int[] seen = {0};
        Path other = CaptureRewriter.rewrite(good, tmp.resolve("changed"), e -> {
            if (e.type == EventType.FRAME_TX && seen[0]++ == 4) {
                e.payload[20] ^= 1;
                target[0] = e.sequence;
            }
            return new CaptureRewriter.Event[] {e};
        });
        CaptureDiff.Result r = diff(good, other);
        assertTrue(r.sameInputs());
        assertEquals(1, r.differences().size(), r.differences().toString());
        assertEquals(target[0], r.differences().get(0).sequenceA());
        assertTrue(r.differences().get(0).a().startsWith("frame_tx"));
    }

    @Test
    void anOutputLaterThanItsInputIsNamedAsATimersOutput() {
        long[] target = {-1};
        long[] lastInput = {-1};
        Path other = CaptureRewriter.rewrite(good, tmp.resolve("timer"), e -> {
            boolean input = e.type.role() == EventType.Role.ACCESS || e.type == EventType.FRAME_RX;
            if (input) {
                lastInput[0] = e.time;
            } else if (target[0] < 0 && e.type.role() == EventType.Role.DEVICE_IO && lastInput[0] >= 0
                    && e.time > lastInput[0]) {
                target[0] = e.sequence; // e.g. an interrupt when the moderation window closes
                e.value ^= 1;
            }
            return new CaptureRewriter.Event[] {e};
        });
        assertTrue(target[0] >= 0, "the session has an output made by a device timer");
        CaptureDiff.Difference d = diff(good, other).differences().get(0);
        assertEquals(target[0], d.sequenceA());
        assertTrue(d.what().matches("output \\d+, from a device timer [0-9.]+ (ns|µs|ms) after input .+"), d.what());
    }

    @Test
    void aDifferenceNamesTheRegisterAndTheFirstDifferingByteAsReplayDoes() {
        int[] seen = {0};
        Path other = CaptureRewriter.rewrite(good, tmp.resolve("byte"), e -> {
            if (e.type == EventType.FRAME_TX && seen[0]++ == 2) {
                e.payload[20] ^= 1;
            }
            return new CaptureRewriter.Event[] {e};
        });
        CaptureDiff.Difference d = diff(good, other).differences().get(0);
        assertEquals(20, d.firstByteDiff());
        assertTrue(d.what().matches("output \\d+ after input TDT \\(BAR0\\+0x3818\\) <- 0x[0-9a-f]+"), d.what());
        assertTrue(d.a().matches("frame_tx of \\d+ bytes, byte 20 = 0x[0-9a-f]{2}"), d.a());
        assertTrue(d.b().matches("frame_tx of \\d+ bytes, byte 20 = 0x[0-9a-f]{2}"), d.b());
        assertNotEquals(d.a(), d.b());
    }

    @Test
    void aChangedReadValueIsAnOutputDifference() {
        int[] seen = {0};
        Path other = CaptureRewriter.rewrite(good, tmp.resolve("read"), e -> {
            if (e.type == EventType.MMIO_READ && seen[0]++ == 3) {
                e.value ^= 4;
            }
            return new CaptureRewriter.Event[] {e};
        });
        CaptureDiff.Result r = diff(good, other);
        assertEquals(1, r.differences().size());
        assertTrue(r.differences().get(0).what().startsWith("read value"));
    }

    @Test
    void differentInputsAreNotTheSameRun() {
        Path other = E1000Session.record(tmp.resolve("shorter"), E1000Config.defaults(), 10);
        CaptureDiff.Result r = diff(good, other);
        assertFalse(r.sameInputs());
        assertNotNull(r.inputsDifferAt());
    }

    @Test
    void aDiffStoppedAtMaxDifferencesHasNotComparedEveryInput() {
        int[] seen = {0};
        Path other = CaptureRewriter.rewrite(good, tmp.resolve("several"), e -> {
            if (e.type == EventType.MMIO_READ && seen[0]++ % 5 == 3) {
                e.value ^= 4;
            }
            return new CaptureRewriter.Event[] {e};
        });
        try (CaptureReader ra = CaptureReader.open(good); CaptureReader rb = CaptureReader.open(other)) {
            CaptureDiff.Result stopped = CaptureDiff.diff(ra, rb, 1);
            assertTrue(stopped.truncated());
            assertFalse(stopped.sameInputs(), "the inputs after the first difference were not compared");
            assertNull(stopped.inputsDifferAt());
            CaptureDiff.Result all = CaptureDiff.diff(ra, rb, Integer.MAX_VALUE);
            assertTrue(all.sameInputs());
            assertFalse(all.truncated());
            assertTrue(all.differences().size() > 1);
        }
    }
}
