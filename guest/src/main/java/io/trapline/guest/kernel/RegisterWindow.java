package io.trapline.guest.kernel;

import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.pci.BarKind;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.guest.platform.Cpu;
import io.trapline.guest.platform.PlatformProfile;

/**
 * A driver's view of one BAR (Linux's ioremap'd region or I/O port range): every access goes through the
 * machine's bus, as the guest's trapping instruction would, and charges the exit it costs to the guest CPU.
 */
public final class RegisterWindow {
    private final Machine machine;
    private final Cpu cpu;
    private final long base;
    private final boolean io;
    private final long exitNs;
    private final long ioeventfdNs;
    private long accesses;
    private final GuestKernel kernel;

    RegisterWindow(GuestKernel kernel, PciConfigSpace config, int bar) {
        this.kernel = kernel;
        this.machine = kernel.machine();
        this.cpu = kernel.cpu();
        PlatformProfile profile = kernel.profile();
        this.base = config.barAddress(bar);
        this.io = config.barKind(bar) == BarKind.IO;
        this.exitNs = io ? profile.pioExitNs() : profile.mmioExitNs();
        this.ioeventfdNs = io ? profile.pioIoeventfdNs() : profile.mmioIoeventfdNs();
    }

    public long read(long offset, int size) {
        accesses++;
        cpu.charge(exitNs);
        kernel.inAccess = true;
        try {
            return io ? machine.pioRead((int) (base + offset), size) : machine.mmioRead(base + offset, size);
        } finally {
            kernel.inAccess = false;
        }
    }

    public void write(long offset, int size, long value) {
        accesses++;
        cpu.charge(exitNs);
        kernel.inAccess = true;
        try {
            if (io) {
                machine.pioWrite((int) (base + offset), size, value);
            } else {
                machine.mmioWrite(base + offset, size, value);
            }
        } finally {
            kernel.inAccess = false;
        }
    }

    /** A queue notification: a write the hypervisor may absorb with ioeventfd (cheaper than a full exit). */
    public void notify(long offset, int size, long value) {
        accesses++;
        cpu.charge(ioeventfdNs);
        if (io) {
            machine.pioWrite((int) (base + offset), size, value);
        } else {
            machine.mmioWrite(base + offset, size, value);
        }
    }

    public int read32(long offset) {
        return (int) read(offset, 4);
    }

    public void write32(long offset, int value) {
        write(offset, 4, value & 0xFFFF_FFFFL);
    }

    public long accesses() {
        return accesses;
    }
}
