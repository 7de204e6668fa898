package io.trapline.emulator.device;

import io.trapline.emulator.e1000.E1000;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.virtio.net.VirtioNet;
import io.trapline.emulator.virtio.pci.TransportMode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class DeviceCatalogTest {

    @Test
    void buildsEachModelFromACaptureConfigMap() {
        Machine m = new Machine(1 << 20);
        Device e1000 = m.plug(ctx -> DeviceCatalog.create("e1000", Map.of("mitigation", "off", "mac", "52:54:00:aa:bb:cc"), ctx)).device();
        assertInstanceOf(E1000.class, e1000);
        assertFalse(((E1000) e1000).config().mitigation());
        Device virtio = m.plug(ctx -> DeviceCatalog.create("virtio-net", Map.of("transport", "modern", "vectors", 0, "event_idx", false), ctx)).device();
        assertInstanceOf(VirtioNet.class, virtio);
        assertEquals(0x1041, virtio.pciConfig().read(2, 2), "modern-only device id");
    }

    @Test
    void describeAndCreateRoundTrip() {
        var cfg = DeviceCatalog.virtioNetConfig(Map.of("transport", "legacy", "event_idx", "off", "tx_burst", 64));
        Map<String, Object> described = DeviceCatalog.describe(cfg);
        assertEquals("legacy", described.get("transport"));
        var again = DeviceCatalog.virtioNetConfig(described);
        assertEquals(TransportMode.LEGACY, again.mode());
        assertFalse(again.eventIdx());
        assertEquals(64, again.txBurst());
        assertEquals(DeviceCatalog.describe(cfg), DeviceCatalog.describe(again));
    }

    @Test
    void badModelsKeysAndValuesNameWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceCatalog.create("rtl8139", Map.of(), null));
        assertTrue(e.getMessage().contains("rtl8139"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeviceCatalog.e1000Config(Map.of("mitigaton", "off")));
        assertTrue(e.getMessage().contains("mitigaton") && e.getMessage().contains("mitigation"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeviceCatalog.virtioNetConfig(Map.of("event_idx", "maybe")));
        assertTrue(e.getMessage().contains("event_idx"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeviceCatalog.virtioNetConfig(Map.of("tx_burst", "99999999999")));
        assertEquals("virtio-net: option 'tx_burst' is out of range: 99999999999", e.getMessage(), "not truncated to an int");
        e = assertThrows(IllegalArgumentException.class, () -> DeviceCatalog.virtioNetConfig(Map.of("vectors", 4294967300L)));
        assertTrue(e.getMessage().contains("vectors"), "2^32 + 4 is not 4 vectors: " + e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeviceCatalog.virtioNetConfig(Map.of("vectors", 2049)));
        assertEquals("vectors must be 0..2048: 2049", e.getMessage(), "checked with the options, before a device exists");
        // a delay the scheduler cannot add to the time without wrapping made the bottom half run at once
        for (Object delay : new Object[] {"9223372036854775807", 4294967296L, "-1"}) {
            e = assertThrows(IllegalArgumentException.class, () -> DeviceCatalog.virtioNetConfig(Map.of("tx_bh_delay_ns", delay)));
            assertEquals("tx_bh_delay_ns must be 0 to 4294967295 (about 4.3 s, the range of QEMU's x-txtimer), got " + delay,
                    e.getMessage());
        }
        assertEquals(4294967295L, DeviceCatalog.virtioNetConfig(Map.of("tx_bh_delay_ns", "4294967295")).txBottomHalfDelayNs());
    }

    @Test
    void namesRegistersOfBothModels() {
        assertEquals("STATUS", DeviceCatalog.registerNames("e1000", null).name(0, 0x8));
        assertEquals("TDT", DeviceCatalog.registerNames("e1000", null).name(0, 0x3818));
        assertEquals("IODATA", DeviceCatalog.registerNames("e1000", null).name(1, 4));
        assertEquals("common.queue_select", DeviceCatalog.registerNames("virtio-net", "modern").name(4, 0x16));
        assertNull(DeviceCatalog.registerNames("nic9000", null).name(0, 0));
        assertEquals("BAR0+0x8", DeviceCatalog.registerNames("nic9000", null).label(0, 8));
    }
}
