package io.trapline.cli;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A capture written by a test fixture: a phase mark, register traffic, a DMA read, an interrupt, a frame. */
final class SmallCapture {
    private SmallCapture() {
    }

    static Path write(Path dir) {
        return write(dir, 16);
    }

    /** The same, with {@code dmaPayload} bytes in its 16-byte DMA read (a corrupt capture unless 16). */
    static Path write(Path dir, int dmaPayload) {
        CaptureMetadata meta = CaptureMetadata.create(
                new CaptureMetadata.Source("test", "cli fixture", null),
                new CaptureMetadata.Clock("virtual", null), "2026-11-25T00:00:00Z",
                new CaptureMetadata.Workload("web", 7L, null),
                List.of(new CaptureMetadata.DeviceInfo(0, "e1000", null, CaptureMetadata.map("mac", "52:54:00:12:34:56"),
                        null, List.of(new CaptureMetadata.Bar(0, "mmio", 0xFEB80000L, 0x20000)))));
        try (CaptureWriter w = CaptureWriter.create(dir, meta)) {
            byte[] name = "workload".getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[64];
            frame[0] = (byte) 0xAB;
            w.append(1_000, EventType.MARK, 0, 0, 0, 0, 0, MarkKind.PHASE_START.code(), 0, name, 0, name.length);
            w.append(2_000, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L);
            w.append(3_000, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 5);
            w.append(3_000, EventType.DMA_READ, 0, 0, 0, 0, 0x100000, 16, 0, frame, 0, dmaPayload);
            w.append(3_000, EventType.FRAME_TX, 0, 0, 0, 0, 0, 64, 0, frame, 0, 64);
            w.append(3_000, EventType.INTX, 0, 0, 0, 0, 0, 1);
            w.append(9_000, EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, 0x3);
            int apic = w.region("apic");
            w.append(9_500, EventType.OTHER_WRITE, 0, 0, apic, 4, 0xFEE000B0L, 0);
            w.append(1_500_000_000L, EventType.MARK, 0, 0, 0, 0, 0, MarkKind.PHASE_END.code(), 0, name, 0, name.length);
        }
        return dir;
    }
}
