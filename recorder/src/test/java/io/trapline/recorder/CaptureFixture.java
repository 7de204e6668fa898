package io.trapline.recorder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A small capture with one event of every type, as a test fixture writes it. */
final class CaptureFixture {
    private CaptureFixture() {
    }

    static CaptureMetadata metadata() {
        return CaptureMetadata.create(
                new CaptureMetadata.Source("test", "fixture", CaptureMetadata.map("by", "CaptureFixture")),
                new CaptureMetadata.Clock("virtual", null), "2026-11-25T00:00:00Z",
                new CaptureMetadata.Workload("web", 42L, CaptureMetadata.map("requests", "2x1024")),
                List.of(new CaptureMetadata.DeviceInfo(0, "e1000", null, CaptureMetadata.map("mac", "52:54:00:12:34:56"),
                        null, List.of(new CaptureMetadata.Bar(0, "mmio", 0xFEB80000L, 0x20000),
                                new CaptureMetadata.Bar(1, "io", 0xC000, 0x40))),
                        // the tests' events name devices up to 3: a complete capture declares every device its events name
                        new CaptureMetadata.DeviceInfo(1, "e1000", null, null, null, null),
                        new CaptureMetadata.DeviceInfo(2, "e1000", null, null, null, null),
                        new CaptureMetadata.DeviceInfo(3, "e1000", null, null, null, null)));
    }

    /** Writes one event of each type (plus extra register traffic) and returns the number of events. */
    static long writeAllTypes(Path dir) {
        try (CaptureWriter w = CaptureWriter.create(dir, metadata())) {
            long t = 1000;
            byte[] frame = new byte[60];
            for (int i = 0; i < frame.length; i++) {
                frame[i] = (byte) i;
            }
            byte[] name = "workload".getBytes(StandardCharsets.UTF_8);
            w.append(t, EventType.MARK, 0, 0, 0, 0, 0, MarkKind.PHASE_START.code(), 0, name, 0, name.length);
            w.append(t += 10, EventType.PCI_CFG_READ, 0, 0, 0, 4, 0x0, 0x100E8086L);
            w.append(t += 10, EventType.PCI_CFG_WRITE, 0, 0, 0, 4, 0x4, 0x7);
            w.append(t += 10, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L);
            w.append(t += 10, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 5);
            w.append(t += 10, EventType.PIO_WRITE, 0, 0, 1, 4, 0x0, 0x8);
            w.append(t += 10, EventType.PIO_READ, 0, 0, 1, 4, 0x4, 0x80080783L);
            w.append(t += 10, EventType.DMA_READ, 0, 0, 0, 0, 0x100000, 0, 0, frame, 0, 16);
            w.append(t += 10, EventType.DMA_READ, 0, 0, 0, 0, 0x7FFF_FFFF_0000L, 0, EventFlags.FAULT, null, 0, 0);
            w.append(t += 10, EventType.FRAME_TX, 0, 0, 0, 0, 0, 0, 0, frame, 0, frame.length);
            w.append(t += 10, EventType.DMA_WRITE, 0, 0, 0, 0, 0x100010, 0, 0, frame, 0, 4);
            w.append(t += 10, EventType.INTX, 0, 0, 0, 0, 0, 1);
            w.append(t += 10, EventType.MSI, 0, 1, 0, 0, 0xFEE00000L, 0x4021);
            w.append(t += 10, EventType.KICK, 0, 1, 0, 0, 0, 1);
            w.append(t += 10, EventType.FRAME_RX, 0, 0, 0, 0, 0, 0, 0, frame, 0, frame.length);
            w.append(t += 10, EventType.RX_READY, 0, 0, 0, 0, 0, 0);
            w.append(t += 10, EventType.EXIT, 0, 0, 0, 0, 0, 6);
            int apic = w.region("apic");
            w.append(t += 10, EventType.OTHER_WRITE, 0, 0, apic, 4, 0xFEE000B0L, 0);
            w.append(t += 10, EventType.OTHER_READ, 0, 0, apic, 4, 0xFEE00030L, 0x50014);
            w.append(t + 10, EventType.MARK, 0, 0, 0, 0, 0, MarkKind.PHASE_END.code(), 0, name, 0, name.length);
            return w.count();
        }
    }
}
