package io.trapline.bench;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A synthetic e1000 capture shaped like the real QEMU ones: per packet pair, an RX frame, INTx, the driver's
 * interrupt handler (ICR read, IMC write, STATUS read, IMS write, STATUS read), a LAPIC EOI and timer reads,
 * RDT refill, a TDT write with its descriptor DMA read and write-back, a TX frame. Frames are 64 bytes so that
 * the capture's size is mostly events.
 *
 * <p>Two layouts: as {@code trapline record} and {@code import qemu} write (consecutive events share Chronicle
 * documents of about 16 KiB: {@link CaptureWriter#createBatched}, the same documents the recorder's
 * {@code AsyncCaptureWriter} makes), or one event per document as format 1.0 captures have
 * ({@link CaptureWriter#create}).
 */
final class SyntheticCapture {
    /** Events written per packet pair (two frames). */
    static final int EVENTS_PER_ROUND = 18;

    private SyntheticCapture() {
    }

    /** How the events are laid out in the queue file. */
    enum Layout {
        /** Consecutive events in shared documents, as recordings are written. */
        RECORDED,
        /** One event per document, as format 1.0 captures (and imports before they were batched) have. */
        ONE_PER_DOCUMENT
    }

    static long write(Path dir, long events) {
        return write(dir, events, Layout.RECORDED);
    }

    static long write(Path dir, long events, Layout layout) {
        CaptureMetadata meta = CaptureMetadata.create(new CaptureMetadata.Source("test", "synthetic benchmark capture", null),
                new CaptureMetadata.Clock("virtual", null), "2026-11-25T00:00:00Z",
                new CaptureMetadata.Workload("synthetic", 1L, null),
                List.of(new CaptureMetadata.DeviceInfo(0, "e1000", null, null, null,
                        List.of(new CaptureMetadata.Bar(0, "mmio", 0xFEBC0000L, 0x20000),
                                new CaptureMetadata.Bar(1, "io", 0xC000, 0x40)))));
        byte[] rx = frame(0x10);
        byte[] tx = frame(0x18);
        byte[] desc = new byte[16];
        byte[] name = "workload".getBytes(StandardCharsets.UTF_8);
        try (CaptureWriter w = layout == Layout.RECORDED ? CaptureWriter.createBatched(dir, meta)
                : CaptureWriter.create(dir, meta)) {
            int apic = w.region("apic-msi");
            long t = 0;
            w.append(t, EventType.MARK, 0, 0, 0, 0, 0, MarkKind.PHASE_START.code(), 0, name, 0, name.length);
            while (w.count() + EVENTS_PER_ROUND + 1 <= events) {
                t += 100_000;
                w.append(t, EventType.FRAME_RX, 0, 0, 0, 0, 0, rx.length, 0, rx, 0, rx.length);
                w.append(t, EventType.DMA_WRITE, 0, 0, 0, 0, 0x200000, 16, 0, desc, 0, 16);
                w.append(t, EventType.INTX, 0, 0, 0, 0, 0, 1);
                w.append(t + 1000, EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, 0x80);
                w.append(t + 1000, EventType.INTX, 0, 0, 0, 0, 0, 0);
                w.append(t + 1100, EventType.MMIO_WRITE, 0, 0, 0, 4, 0xD8, 0xFFFFFFFFL);
                w.append(t + 1200, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L);
                w.append(t + 1300, EventType.OTHER_WRITE, 0, 0, apic, 4, 0xFEE000B0L, 0);
                w.append(t + 1400, EventType.OTHER_READ, 0, 0, apic, 4, 0xFEE00390L, 12345);
                w.append(t + 2000, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x2818, 7);
                w.append(t + 3000, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 3);
                w.append(t + 3000, EventType.DMA_READ, 0, 0, 0, 0, 0x100000, 16, 0, desc, 0, 16);
                w.append(t + 3000, EventType.FRAME_TX, 0, 0, 0, 0, 0, tx.length, 0, tx, 0, tx.length);
                w.append(t + 3000, EventType.DMA_WRITE, 0, 0, 0, 0, 0x10000C, 1, 0, desc, 0, 1);
                w.append(t + 4000, EventType.MMIO_WRITE, 0, 0, 0, 4, 0xD0, 0x9D);
                w.append(t + 4100, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L);
                w.append(t + 5000, EventType.OTHER_WRITE, 0, 0, apic, 4, 0xFEE00380L, 50000);
                w.append(t + 5100, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L);
            }
            t += 100_000;
            w.append(t, EventType.MARK, 0, 0, 0, 0, 0, MarkKind.PHASE_END.code(), 0, name, 0, name.length);
            return w.count();
        }
    }

    private static byte[] frame(int tcpFlags) {
        byte[] f = new byte[64];
        f[12] = 0x08;
        f[14] = 0x45;
        f[17] = 50;
        f[23] = 6;
        f[26] = 10;
        f[29] = 2;
        f[30] = 10;
        f[33] = 15;
        f[35] = 80;
        f[46] = 0x50;
        f[47] = (byte) tcpFlags;
        return f;
    }
}
