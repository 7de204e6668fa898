package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Small captures with known contents, written as a recorder or an importer would write them. */
/** Small captures for analysis, sql and cli tests (shared through this module's test-jar). */
public final class TestCaptures {
    private TestCaptures() {
    }

    public static CaptureMetadata e1000Metadata() {
        return CaptureMetadata.create(new CaptureMetadata.Source("test", "analysis fixture", null),
                new CaptureMetadata.Clock("virtual", null), "2026-11-25T00:00:00Z",
                new CaptureMetadata.Workload("web", 1L, null),
                List.of(new CaptureMetadata.DeviceInfo(0, "e1000", null, null, null,
                        List.of(new CaptureMetadata.Bar(0, "mmio", 0xFEB80000L, 0x20000),
                                new CaptureMetadata.Bar(1, "io", 0xC000, 0x40)))));
    }

    public static CaptureMetadata virtioMetadata(String transport) {
        return CaptureMetadata.create(new CaptureMetadata.Source("test", "analysis fixture", null),
                new CaptureMetadata.Clock("virtual", null), "2026-11-25T00:00:00Z",
                new CaptureMetadata.Workload("web", 1L, null),
                List.of(new CaptureMetadata.DeviceInfo(0, "virtio-net", transport, null, null,
                        List.of(new CaptureMetadata.Bar(0, "io", 0xC040, 0x20),
                                new CaptureMetadata.Bar(1, "mmio", 0xFEB91000L, 0x1000),
                                new CaptureMetadata.Bar(4, "mmio", 0xFE000000L, 0x4000)))));
    }

    public static void mark(CaptureWriter w, long t, MarkKind kind, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        w.append(t, EventType.MARK, 0, 0, 0, 0, 0, kind.code(), 0, n, 0, n.length);
    }

    public static void frame(CaptureWriter w, long t, boolean tx, byte[] f) {
        w.append(t, tx ? EventType.FRAME_TX : EventType.FRAME_RX, 0, 0, 0, 0, 0, f.length, 0, f, 0, f.length);
    }

    /** An Ethernet + IPv4 + TCP frame. */
    public static byte[] tcp(String src, String dst, int sport, int dport, int flags, int payload) {
        byte[] f = new byte[14 + 20 + 20 + payload];
        byte[] mac1 = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
        byte[] mac2 = {0x52, 0x55, 10, 0, 2, 2};
        System.arraycopy(mac1, 0, f, 0, 6);
        System.arraycopy(mac2, 0, f, 6, 6);
        f[12] = 0x08;
        f[14] = 0x45;
        int total = 40 + payload;
        f[16] = (byte) (total >> 8);
        f[17] = (byte) total;
        f[22] = 64;
        f[23] = 6;
        ip(f, 26, src);
        ip(f, 30, dst);
        f[34] = (byte) (sport >> 8);
        f[35] = (byte) sport;
        f[36] = (byte) (dport >> 8);
        f[37] = (byte) dport;
        f[46] = 0x50;
        f[47] = (byte) flags;
        return f;
    }

    private static void ip(byte[] f, int at, String ip) {
        String[] p = ip.split("\\.");
        for (int i = 0; i < 4; i++) {
            f[at + i] = (byte) Integer.parseInt(p[i]);
        }
    }

    public static final int SYN = 0x02;
    public static final int ACK = 0x10;

    /**
     * e1000, one request: RX SYN, the driver's interrupt handling (ICR read, IMC write, STATUS read, IMS write,
     * STATUS read), RDT refill, then TX of the SYN-ACK through TDT, a LAPIC EOI, then idle (watchdog read 1 s later).
     */
    public static Path e1000(Path dir) {
        try (CaptureWriter w = CaptureWriter.create(dir, e1000Metadata())) {
            int apic = w.region("apic-msi");
            w.append(10, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L);      // before any frame
            mark(w, 100, MarkKind.PHASE_START, "workload");
            mark(w, 100, MarkKind.REQUEST_START, "GET /");
            frame(w, 1_000, false, tcp("10.0.2.2", "10.0.2.15", 40000, 80, SYN, 0));   // packet 0
            w.append(1_000, EventType.INTX, 0, 0, 0, 0, 0, 1);
            w.append(2_000, EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, 0x80);       // ICR
            w.append(2_000, EventType.INTX, 0, 0, 0, 0, 0, 0);
            w.append(2_100, EventType.MMIO_WRITE, 0, 0, 0, 4, 0xD8, 0xFFFFFFFFL); // IMC
            w.append(2_200, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L);  // STATUS
            w.append(2_300, EventType.OTHER_WRITE, 0, 0, apic, 4, 0xFEE000B0L, 0); // LAPIC EOI
            w.append(2_400, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x2818, 7);         // RDT (coalesced under KVM)
            w.append(2_500, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 1);         // TDT: the doorbell
            w.append(2_500, EventType.DMA_READ, 0, 0, 0, 0, 0x100000, 16, 0, new byte[16], 0, 16);
            frame(w, 2_500, true, tcp("10.0.2.15", "10.0.2.2", 80, 40000, SYN | ACK, 0)); // packet 1
            w.append(2_600, EventType.MMIO_WRITE, 0, 0, 0, 4, 0xD0, 0x9D);       // IMS
            w.append(2_700, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L);  // STATUS
            mark(w, 3_000, MarkKind.REQUEST_END, "GET /");
            mark(w, 3_000, MarkKind.PHASE_END, "workload");
            w.append(1_000_003_000L, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L); // idle watchdog
            w.append(1_000_004_000L, EventType.PCI_CFG_READ, 0, 0, 0, 4, 0x0, 0x100E8086L);
        }
        return dir;
    }

    /**
     * virtio-net (modern): an ioeventfd kick traced only as a KICK (QEMU, ioeventfd on), a notify write followed
     * by its KICK (ioeventfd off / embedded), an MSI-X table write, an ISR read, MSI interrupts, frames.
     */
    public static Path virtio(Path dir) {
        try (CaptureWriter w = CaptureWriter.create(dir, virtioMetadata("modern"))) {
            mark(w, 100, MarkKind.PHASE_START, "workload");
            w.append(200, EventType.MMIO_WRITE, 0, 0, 1, 4, 0x0, 0xFEE00000L);    // MSI-X table entry 0 address
            w.append(300, EventType.KICK, 0, 1, 0, 0, 0, 1, EventFlags.DERIVED, null, 0, 0);
            frame(w, 300, true, tcp("10.0.2.15", "10.0.2.2", 80, 40000, SYN | ACK, 0));  // packet 0
            w.append(400, EventType.MSI, 0, 2, 0, 4, 0xFEE00000L, 0x4022);
            frame(w, 500, false, tcp("10.0.2.2", "10.0.2.15", 40000, 80, ACK, 100));     // packet 1
            w.append(500, EventType.MSI, 0, 1, 0, 4, 0xFEE00000L, 0x4021);
            w.append(600, EventType.MMIO_WRITE, 0, 0, 4, 2, 0x3004, 1);            // notify queue 1
            w.append(600, EventType.KICK, 0, 1, 0, 0, 0, 1);
            frame(w, 600, true, tcp("10.0.2.15", "10.0.2.2", 80, 40000, ACK, 1000));     // packet 2
            w.append(700, EventType.MMIO_READ, 0, 0, 4, 1, 0x1000, 1);             // ISR
            mark(w, 800, MarkKind.PHASE_END, "workload");
        }
        return dir;
    }

    /** A capture with register traffic but no frames. */
    public static Path noPackets(Path dir) {
        try (CaptureWriter w = CaptureWriter.create(dir, e1000Metadata())) {
            w.append(10, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L);
            w.append(20, EventType.MMIO_WRITE, 0, 0, 0, 4, 0xD0, 0x9D);
        }
        return dir;
    }
}
