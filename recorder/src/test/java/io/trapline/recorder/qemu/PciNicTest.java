package io.trapline.recorder.qemu;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PciNicTest {
    private static PciNic virtio(int deviceId, boolean ioBar, boolean modernBar) {
        PciNic n = new PciNic(0, "virtio-net-pci", PciNic.VIRTIO_NET, 3 << 3);
        n.configValue(0, 0x1af4L | ((long) deviceId << 16), false);
        if (ioBar) {
            n.configValue(0x10, 0xc001, false);
            n.map(0, 0xc000, 0x20);
        }
        n.configValue(0x14, 0xfebd1000L, false);
        n.map(1, 0xfebd1000L, 0x1000);
        if (modernBar) {
            n.configValue(0x20, 0xfe00000cL, false);
            n.map(4, 0xfe000000L, 0x4000);
        }
        return n;
    }

    @Test
    void transportFollowsDeviceIdAndBars() {
        assertEquals("transitional", virtio(0x1000, true, true).transport());
        assertEquals("legacy", virtio(0x1000, true, false).transport());
        assertEquals("modern", virtio(0x1041, false, true).transport());
        assertNull(new PciNic(0, "e1000", PciNic.E1000, 0).transport());
        assertEquals(PciNic.E1000, PciNic.modelOf("e1000"));
        assertEquals(PciNic.E1000, PciNic.modelOf("e1000-82545em"));
        assertNull(PciNic.modelOf("e1000e"));
        assertEquals(PciNic.VIRTIO_NET, PciNic.modelOf("virtio-net-pci-non-transitional"));
    }

    @Test
    void msixEntriesMatchMessagesAndOutOfRangeWritesAreIgnored() {
        PciNic n = virtio(0x1000, true, true);
        n.msixTableWrite(0x10, 4, 0xfee01004L);
        n.msixTableWrite(0x14, 4, 0);
        n.msixTableWrite(0x18, 4, 0x27);
        n.msixTableWrite(0x20, 8, 0xfee01004L);
        n.msixTableWrite(0x28, 4, 0x28);
        n.msixTableWrite(-16, 4, 1);
        n.msixTableWrite((long) PciNic.MSIX_ENTRIES * 16, 4, 1);
        assertEquals(1, n.msixVector(0xfee01004L, 0x27));
        assertEquals(2, n.msixVector(0xfee01004L, 0x28));
        assertEquals(-1, n.msixVector(0xfee01004L, 0x8026));
        assertEquals(1, n.barOf(0xfebd1fffL));
        assertEquals(-1, n.barOf(0xfebd2000L));
        n.unmap(1);
        assertEquals(-1, n.barOf(0xfebd1000L));
        assertTrue(n.barIsIo(0));
    }

    @Test
    void regionNamesAreInternedAndBounded() {
        RegionNames names = new RegionNames();
        byte[] a = "virtio-pci-notify-virtio-net".getBytes(StandardCharsets.US_ASCII);
        int id = names.id(a, 0, a.length);
        assertEquals(id, names.id(a.clone(), 0, a.length));
        assertEquals(RegionNames.Kind.VIRTIO_NOTIFY, names.kind(id));
        int last = -1;
        for (int i = 0; i < RegionNames.CAPACITY + 100; i++) {
            byte[] n = ("r" + i).getBytes(StandardCharsets.US_ASCII);
            last = names.id(n, 0, n.length);
        }
        assertTrue(last < RegionNames.CAPACITY, "ids stay within the table");
    }
}
