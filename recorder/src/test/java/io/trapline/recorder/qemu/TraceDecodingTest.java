package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureException;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-written trace lines in the exact QEMU 7.2 formats, checked field by field in the capture. */
class TraceDecodingTest {
    @TempDir
    Path tmp;

    record Ev(long time, EventType type, int device, int queue, int region, int size, long address, long value, int flags) {
    }

    private List<Ev> importLines(String... lines) throws IOException {
        Path trace = tmp.resolve("trace.log");
        Files.writeString(trace, String.join("\n", lines) + "\n", StandardCharsets.US_ASCII);
        Path out = tmp.resolve("out");
        ImportReport report = QemuTraceImporter.run(QemuImportOptions.of(trace, out).withStrict(true));
        assertEquals(0, report.malformedCount());
        List<Ev> evs = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(out); EventCursor c = r.cursor()) {
            while (c.next()) {
                evs.add(new Ev(c.timeNs(), c.type(), c.device(), c.queue(), c.region(), c.size(), c.address(), c.value(), c.flags()));
            }
        }
        return evs;
    }

    private CaptureMetadata meta() {
        try (CaptureReader r = CaptureReader.open(tmp.resolve("out"))) {
            return r.metadata();
        }
    }

    @Test
    void e1000RegisterAccessesBecomeBarOffsetsWithVcpuAndValue() throws IOException {
        List<Ev> evs = importLines(
                "100@1000.000001:pci_cfg_read e1000 00:03.0 @0x0 -> 0x100e8086",
                "100@1000.000002:memory_region_ops_read cpu 0 mr 0x1 addr 0xcfc value 0x100e8086 size 4 name 'pci-conf-data'",
                "100@1000.000003:pci_update_mappings_add e1000 00:03.0 0,0xfebc0000+0x20000",
                "100@1000.000004:pci_update_mappings_add e1000 00:03.0 1,0xc000+0x40",
                "100@1000.000010:memory_region_ops_read cpu 0 mr 0x2 addr 0xfebc0008 value 0x80080783 size 4 name 'e1000-mmio'",
                "100@1000.000011:memory_region_ops_write cpu 0 mr 0x2 addr 0xfebc3818 value 0x8 size 4 name 'e1000-mmio'",
                "100@1000.000012:memory_region_ops_write cpu 0 mr 0x3 addr 0xc004 value 0x4140240 size 4 name 'e1000-io'",
                "100@1000.000013:memory_region_ops_write cpu 0 mr 0x4 addr 0x61 value 0x3 size 1 name 'pcspk'");
        assertEquals(List.of(
                new Ev(0, EventType.PCI_CFG_READ, 0, 0, 0, 4, 0x0, 0x100e8086L, 0),
                new Ev(1000, EventType.OTHER_READ, 0, 0, 0, 4, 0xcfc, 0x100e8086L, 0),
                new Ev(9000, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L, 0),
                new Ev(10000, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 0x8, 0),
                new Ev(11000, EventType.PIO_WRITE, 0, 0, 1, 4, 0x4, 0x4140240, 0),
                new Ev(12000, EventType.OTHER_WRITE, 0, 0, 1, 1, 0x61, 0x3, 0)), evs);
        CaptureMetadata m = meta();
        assertEquals(List.of("pci-conf-data", "pcspk"), m.regions());
        assertEquals(1000_000_001_000L, m.clock().originEpochNs());
        CaptureMetadata.DeviceInfo d = m.devices().get(0);
        assertEquals("e1000", d.model());
        assertNull(d.transport());
        assertEquals("0x100e", d.config().get("deviceId"));
        assertEquals(List.of(new CaptureMetadata.Bar(0, "mmio", 0xfebc0000L, 0x20000),
                new CaptureMetadata.Bar(1, "io", 0xc000, 0x40)), d.bars());
    }

    @Test
    void modernVirtioOffsetsIncludeTheSubregionAndMsixMessagesAreAttributedByTable() throws IOException {
        List<Ev> evs = importLines(
                "7@5.000000:pci_cfg_read virtio-net-pci 00:03.0 @0x0 -> 0x10001af4",
                "7@5.000000:memory_region_ops_read cpu 0 mr 0x1 addr 0xcfc value 0x10001af4 size 4 name 'pci-conf-data'",
                "7@5.000001:pci_cfg_write virtio-net-pci 00:03.0 @0x3c <- 0xb",
                "7@5.000002:pci_update_mappings_add virtio-net-pci 00:03.0 0,0xc000+0x20",
                "7@5.000003:pci_update_mappings_add virtio-net-pci 00:03.0 1,0xfebd1000+0x1000",
                "7@5.000004:pci_update_mappings_add virtio-net-pci 00:03.0 4,0xfe000000+0x4000",
                "7@5.000005:memory_region_ops_write cpu 0 mr 0x2 addr 0xfe000008 value 0x1 size 4 name 'virtio-pci-common-virtio-net'",
                "7@5.000006:memory_region_ops_write cpu 0 mr 0x2 addr 0xfe00000c value 0x1 size 4 name 'virtio-pci-common-virtio-net'",
                "7@5.000007:memory_region_ops_write cpu 0 mr 0x3 addr 0xfebd1010 value 0xfee01004 size 4 name 'msix-table'",
                "7@5.000008:memory_region_ops_write cpu 0 mr 0x3 addr 0xfebd1018 value 0x27 size 4 name 'msix-table'",
                "7@5.000009:memory_region_ops_write cpu 0 mr 0x4 addr 0xfe003004 value 0x1 size 2 name 'virtio-pci-notify-virtio-net'",
                "7@5.000010:virtio_queue_notify vdev 0x55 n 1 vq 0x77",
                "8@5.000011:memory_region_ops_write cpu -1 mr 0x5 addr 0xfee01004 value 0x27 size 4 name 'apic-msi'",
                "8@5.000012:memory_region_ops_write cpu -1 mr 0x5 addr 0xfee01004 value 0x8026 size 4 name 'apic-msi'",
                "7@5.000013:memory_region_ops_write cpu 0 mr 0x5 addr 0xfee000b0 value 0x0 size 4 name 'apic-msi'",
                "7@5.000014:ioapic_set_irq vector: 11 level: 1",
                "7@5.000015:pic_set_irq master 0 irq 3 level 1",
                "7@5.000016:ioapic_set_irq vector: 11 level: 1",
                "7@5.000017:ioapic_set_irq vector: 11 level: 0",
                "7@5.000018:kvm_run_exit cpu_index 0, reason 2");
        int apic = 2;
        int message = 1;
        assertEquals(List.of(
                new Ev(0, EventType.PCI_CFG_READ, 0, 0, 0, 4, 0x0, 0x10001af4L, 0),
                new Ev(0, EventType.OTHER_READ, 0, 0, 0, 4, 0xcfc, 0x10001af4L, 0),
                new Ev(1000, EventType.PCI_CFG_WRITE, 0, 0xFFFF, 0, 0, 0x3c, 0xb, 0),
                new Ev(5000, EventType.MMIO_WRITE, 0, 0, 4, 4, 0x8, 0x1, 0),
                new Ev(6000, EventType.MMIO_WRITE, 0, 0, 4, 4, 0xc, 0x1, 0),
                new Ev(7000, EventType.MMIO_WRITE, 0, 0, 1, 4, 0x10, 0xfee01004L, 0),
                new Ev(8000, EventType.MMIO_WRITE, 0, 0, 1, 4, 0x18, 0x27, 0),
                new Ev(9000, EventType.MMIO_WRITE, 0, 0, 4, 2, 0x3004, 0x1, 0),
                new Ev(10000, EventType.KICK, 0, 1, 0, 0, 0, 0, EventFlags.DERIVED),
                new Ev(11000, EventType.MSI, 0, 1, 0, 0, 0xfee01004L, 0x27, 0), // size 0: a message, as embedded MSIs
                new Ev(12000, EventType.OTHER_WRITE, 0, 0xFFFF, message, 4, 0xfee01004L, 0x8026, 0),
                new Ev(13000, EventType.OTHER_WRITE, 0, 0, apic, 4, 0xfee000b0L, 0x0, 0),
                new Ev(14000, EventType.INTX, 0, 0, 0, 0, 0, 1, 0),
                new Ev(17000, EventType.INTX, 0, 0, 0, 0, 0, 0, 0),
                new Ev(18000, EventType.EXIT, 0, 0, 0, 0, 0, 2, 0)), evs);
        CaptureMetadata m = meta();
        assertEquals(List.of("pci-conf-data", QemuTraceImporter.INTERRUPT_MESSAGE_REGION, "apic-msi"), m.regions());
        CaptureMetadata.DeviceInfo d = m.devices().get(0);
        assertEquals("virtio-net", d.model());
        assertEquals("transitional", d.transport());
        assertEquals(1L, d.negotiatedFeatures() >>> 32, "driver_feature word 1 = VIRTIO_F_VERSION_1");
        assertEquals(11, d.config().get("interruptLine"));
        assertEquals("modern", d.config().get("driverInterface"));
    }

    @Test
    void aLogWithoutPrefixesImportsAtTimeZero() throws IOException {
        List<Ev> evs = importLines(
                "pci_update_mappings_add e1000 00:03.0 0,0xfebc0000+0x20000",
                "memory_region_ops_read cpu 0 mr 0x2 addr 0xfebc0008 value 0x1 size 4 name 'e1000-mmio'",
                "memory_region_ops_read cpu 0 mr 0x2 addr 0xfebc000c value 0x3 size 4 name 'e1000-mmio'");
        assertEquals(List.of(0L, 0L), evs.stream().map(Ev::time).toList());
        assertEquals(List.of(0x8L, 0xcL), evs.stream().map(Ev::address).toList());
        assertNull(meta().clock().originEpochNs());
    }

    @Test
    void aClockStepBackwardsIsWrittenAtThePreviousTime() throws IOException {
        List<Ev> evs = importLines(
                "1@2.000000:pci_update_mappings_add e1000 00:03.0 0,0xfebc0000+0x20000",
                "1@2.000500:memory_region_ops_read cpu 0 mr 0x2 addr 0xfebc0008 value 0x2 size 4 name 'e1000-mmio'",
                "2@2.000400:memory_region_ops_read cpu 0 mr 0x2 addr 0xfebc0010 value 0x4 size 4 name 'e1000-mmio'",
                "1@2.000600:memory_region_ops_read cpu 0 mr 0x2 addr 0xfebc0010 value 0x4 size 4 name 'e1000-mmio'");
        assertEquals(List.of(500_000L, 500_000L, 600_000L), evs.stream().map(Ev::time).toList());
    }

    @Test
    void mixingLinesWithAndWithoutThePrefixIsMalformed() throws IOException {
        Path trace = tmp.resolve("mixed.log");
        Files.writeString(trace, "1@2.000000:pci_update_mappings_add e1000 00:03.0 0,0xfebc0000+0x20000\n"
                + "memory_region_ops_read cpu 0 mr 0x2 addr 0xfebc0008 value 0x1 size 4 name 'e1000-mmio'\n"
                + "1@2.000100:memory_region_ops_read cpu 0 mr 0x2 addr 0xfebc0008 value 0x1 size 4 name 'e1000-mmio'\n");
        ImportReport r = QemuTraceImporter.run(QemuImportOptions.of(trace, tmp.resolve("mixed")));
        assertEquals(1, r.malformedCount());
        assertEquals(2, r.malformed().get(0).line());
        assertEquals(1, r.eventsWritten());
    }

    @Test
    void aFileWithNoTraceEventsIsRefusedAndLeavesNoCapture() throws IOException {
        Path text = tmp.resolve("services");
        Files.writeString(text, "ftp 21/tcp\nssh 22/tcp\n");
        Path out = tmp.resolve("not-a-capture");
        CaptureException e = assertThrows(CaptureException.class,
                () -> QemuTraceImporter.run(QemuImportOptions.of(text, out)));
        assertTrue(e.getMessage().contains("services: no QEMU trace events in it (2 lines"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
