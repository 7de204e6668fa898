package io.trapline.guest.kernel;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.machine.PciSlot;
import io.trapline.emulator.pci.BarKind;
import io.trapline.emulator.pci.PciConfigSpace;

/**
 * What the BIOS does before the kernel runs: size every BAR through configuration space and give it an
 * address, as SeaBIOS does on QEMU's i440FX machine (32-bit memory BARs from 0xFEB80000 down-aligned by size,
 * 64-bit prefetchable BARs from 0xFE000000, I/O BARs from 0xC000), then enable decoding.
 */
public final class Firmware {
    static final long MMIO32_BASE = 0xFEB8_0000L;
    static final long MMIO64_BASE = 0xFE00_0000L;
    static final long IO_BASE = 0xC000;

    private Firmware() {
    }

    /** Programs the BARs of every device plugged into {@code machine}. */
    public static void assignBars(Machine machine) {
        long mmio = MMIO32_BASE;
        long mmio64 = MMIO64_BASE;
        long io = IO_BASE;
        for (PciSlot slot : machine.slots()) {
            Device d = slot.device();
            for (int bar = 0; bar < PciConfigSpace.BAR_COUNT; bar++) {
                int reg = PciConfigSpace.BAR0 + 4 * bar;
                long original = d.configRead(reg, 4);
                d.configWrite(reg, 4, 0xFFFF_FFFFL);
                long mask = d.configRead(reg, 4);
                d.configWrite(reg, 4, original);
                if (mask == 0) {
                    continue;
                }
                BarKind kind = d.pciConfig().barKind(bar);
                if (kind == BarKind.IO) {
                    long size = (~(mask & ~0x3L) + 1) & 0xFFFF_FFFFL;
                    io = align(io, size);
                    d.configWrite(reg, 4, io);
                    io += size;
                } else if (kind == BarKind.MEMORY64) {
                    d.configWrite(reg + 4, 4, 0xFFFF_FFFFL);
                    long high = d.configRead(reg + 4, 4);
                    long size = ~((high << 32) | (mask & ~0xFL)) + 1;
                    mmio64 = align(mmio64, size);
                    d.configWrite(reg, 4, mmio64 & 0xFFFF_FFFFL);
                    d.configWrite(reg + 4, 4, mmio64 >>> 32);
                    mmio64 += size;
                    bar++;
                } else {
                    long size = (~(mask & ~0xFL) + 1) & 0xFFFF_FFFFL;
                    mmio = align(mmio, size);
                    d.configWrite(reg, 4, mmio);
                    mmio += size;
                }
            }
            d.configWrite(PciConfigSpace.INTERRUPT_LINE, 1, 11);
            d.configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_IO | PciConfigSpace.COMMAND_MEMORY);
        }
    }

    private static long align(long address, long size) {
        return (address + size - 1) & -size;
    }
}
