package io.trapline.replay;

import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventType;
import io.trapline.recorder.embedded.EmbeddedRecorder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Divergence lines say what their raw values are: fault injection into embedded captures (one recorded output
 * altered), then the report line must name the DMA address, the frame's field or the MSI-X vector.
 */
class DivergenceNamesTest {
    @TempDir
    static Path tmp;
    static Path e1000;
    static Path virtio;

    @BeforeAll
    static void record() {
        e1000 = record("e1000");
        virtio = record("virtio-net");
    }

    private static Path record(String nic) {
        EmbeddedRecorder.Recording rec = EmbeddedRecorder.record(new GuestRun.Options(nic, Map.of(), "web",
                Map.of("requests", "4x1024,1x65536"), PlatformProfile.tcg(), 3), tmp.resolve(nic), null);
        assertTrue(rec.run().finished());
        return rec.capture();
    }

    private static ReplayResult replay(Path capture) {
        try (CaptureReader r = CaptureReader.open(capture)) {
            return Replayer.replay(r, ReplayOptions.defaults());
        }
    }

    /** Rewrites {@code capture}, altering the first event that {@code pick} accepts with {@code change}; returns its sequence. */
    private static long[] alterFirst(Path capture, Path to, Predicate<CaptureRewriter.Event> pick,
                                     java.util.function.Consumer<CaptureRewriter.Event> change) {
        long[] at = {-1};
        CaptureRewriter.rewrite(capture, to, e -> {
            if (at[0] < 0 && pick.test(e)) {
                at[0] = e.sequence;
                change.accept(e);
            }
            return new CaptureRewriter.Event[] {e};
        });
        assertTrue(at[0] >= 0, "no event to alter");
        return at;
    }

    private static Divergence first(Path capture, long sequence) {
        ReplayResult r = replay(capture);
        assertFalse(r.divergences().isEmpty(), "the altered event must diverge");
        Divergence d = r.divergences().get(0);
        assertEquals(sequence, d.sequence(), d.toString());
        return d;
    }

    @Test
    void aUsedRingWriteOneElementOffNamesBothElements() {
        Path bad = tmp.resolve("used-off");
        long[] at = alterFirst(virtio, bad, e -> e.type == EventType.DMA_WRITE && e.value == 8, e -> e.address += 8);
        Divergence d = first(bad, at[0]);
        assertTrue(d.expected().matches(".*, queue \\d \\(\\w+\\) used\\[(\\d+)\\]"), d.expected());
        assertTrue(d.actual().matches(".*, queue \\d \\(\\w+\\) used\\[(\\d+)\\]"), d.actual());
        int recorded = Integer.parseInt(d.expected().replaceAll(".*used\\[(\\d+)\\]", "$1"));
        int produced = Integer.parseInt(d.actual().replaceAll(".*used\\[(\\d+)\\]", "$1"));
        assertEquals(produced + 1, recorded);
    }

    @Test
    void anMsiWithOtherDataNamesTheVectorsOnBothSides() {
        Path bad = tmp.resolve("msi-data");
        long[] at = alterFirst(virtio, bad, e -> e.type == EventType.MSI && e.queue == 1, e -> e.value += 1);
        Divergence d = first(bad, at[0]);
        assertEquals(DivergenceKind.OUTPUT_MISMATCH, d.kind());
        assertTrue(d.expected().endsWith(", MSI-X vector 1: queue 0 (receiveq)"), d.expected());
        assertTrue(d.actual().endsWith(", MSI-X vector 1: queue 0 (receiveq)"), d.actual());
    }

    @Test
    void anMsiFromAnotherVectorWithTheSameMessageIsADivergence() {
        Path bad = tmp.resolve("msi-vector");
        long[] at = alterFirst(virtio, bad, e -> e.type == EventType.MSI && e.queue == 2, e -> e.queue = 1);
        Divergence d = first(bad, at[0]);
        assertEquals(DivergenceKind.OUTPUT_MISMATCH, d.kind());
        assertTrue(d.expected().endsWith("MSI-X vector 1: queue 0 (receiveq)"), d.expected());
        assertTrue(d.actual().endsWith("MSI-X vector 2: queue 1 (transmitq)"), d.actual());
    }

    @Test
    void capturesThatRecordNoVectorsStillReplay() {
        // Embedded captures made before MSIs kept their MSI-X vector hold 0 in every MSI's queue field.
        Path old = CaptureRewriter.rewrite(virtio, tmp.resolve("no-vectors"), e -> {
            if (e.type == EventType.MSI) {
                e.queue = 0;
            }
            return new CaptureRewriter.Event[] {e};
        });
        assertEquals(java.util.List.of(), replay(old).divergences());
    }

    @Test
    void aTxStatusByteNamesTheDescriptorField() {
        Path bad = tmp.resolve("dd");
        long[] at = alterFirst(e1000, bad, e -> e.type == EventType.DMA_WRITE && e.value == 4, e -> e.payload[0] ^= 1);
        Divergence d = first(bad, at[0]);
        assertTrue(d.what().matches("dma_write 0x[0-9a-f]+, byte \\+0: TX desc \\d+ \\(TDBA\\+0x[0-9a-f]*c\\) status"), d.what());
        assertTrue(d.expected().contains(" status, byte +0 = 0x"), d.expected());
    }

    @Test
    void aDescriptorReadElsewhereNamesBothDescriptors() {
        Path bad = tmp.resolve("desc-read");
        long[] at = alterFirst(e1000, bad, e -> e.type == EventType.DMA_READ && e.value == 16, e -> e.address += 16);
        Divergence d = first(bad, at[0]);
        assertEquals(DivergenceKind.DMA_READ_MISMATCH, d.kind());
        assertTrue(d.expected().matches(".*, [TR]X desc \\d+ \\([TR]DBA\\+0x[0-9a-f]+\\).*"), d.expected());
        assertTrue(d.actual().matches(".*, [TR]X desc \\d+ \\([TR]DBA\\+0x[0-9a-f]+\\).*"), d.actual());
    }

    @Test
    void aTransmittedFrameByteNamesItsProtocolField() {
        Path bad = tmp.resolve("tcp-checksum");
        long[] at = alterFirst(e1000, bad, e -> e.type == EventType.FRAME_TX && e.payload.length > 54
                && e.payload[12] == 0x08 && e.payload[13] == 0 && e.payload[14] == 0x45 && e.payload[23] == 6,
                e -> e.payload[50] ^= 0x10);
        Divergence d = first(bad, at[0]);
        assertEquals(50, d.firstByteDiff());
        assertEquals("frame_tx, byte 50: TCP checksum", d.what());
    }
}
