package io.trapline.emulator.virtio.net;

import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.virtio.pci.VirtioPciRegisters;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The BARs as the firmware programs them in the real run (pci_update_mappings_add), decoded by the machine. */
class VirtioNetOnTheMachineTest {

    @Test
    void guestReachesEveryRegionThroughTheProgrammedBars() {
        Machine m = new Machine(64L << 20);
        VirtioNet net = (VirtioNet) m.plug(ctx -> new VirtioNet(ctx, VirtioNetConfig.defaults())).device();
        // BAR0 0xc000 (I/O, 0x20), BAR1 0xfebd1000 (0x1000), BAR4 0xfe000000 (64-bit, 0x4000): QEMU 7.2's run.
        net.configWrite(PciConfigSpace.BAR0, 4, 0xc000);
        net.configWrite(PciConfigSpace.BAR0 + 4, 4, 0xfebd1000L);
        net.configWrite(PciConfigSpace.BAR0 + 16, 4, 0xfe000000L);
        net.configWrite(PciConfigSpace.BAR0 + 20, 4, 0);
        net.configWrite(PciConfigSpace.COMMAND, 2, 0x7);
        assertEquals(0x20, net.pciConfig().barSize(0));
        assertEquals(0xfe000000L, net.pciConfig().barAddress(4));

        assertEquals(3, m.mmioRead(0xfe000000L + VirtioPciRegisters.NUM_QUEUES, 2));
        assertEquals(0x101, readFeatureWord(m, 1));
        assertEquals(0x52, m.mmioRead(0xfe002000L, 1), "device config: mac[0]");
        assertEquals(1, m.mmioRead(0xfebd1000L + 12, 4), "MSI-X vector 0 masked");
        assertEquals(256, m.pioRead(0xc000 + VirtioPciRegisters.LEGACY_QUEUE_NUM, 2));
        assertEquals(0x79bf8064L, m.pioRead(0xc000, 4));
        m.mmioWrite(0xfe000000L + VirtioPciRegisters.DEVICE_STATUS, 1, 1);
        assertEquals(1, m.pioRead(0xc000 + VirtioPciRegisters.LEGACY_STATUS, 1), "one device behind both interfaces");
        assertEquals(0, m.unclaimedAccesses());
    }

    private static long readFeatureWord(Machine m, int select) {
        m.mmioWrite(0xfe000000L + VirtioPciRegisters.DEVICE_FEATURE_SELECT, 4, select);
        return m.mmioRead(0xfe000000L + VirtioPciRegisters.DEVICE_FEATURE, 4);
    }
}
