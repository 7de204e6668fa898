package io.trapline.guest.kernel;

import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.machine.PciSlot;
import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.platform.Cpu;
import io.trapline.guest.platform.PlatformProfile;

/**
 * The parts of a guest kernel that drivers use: the CPU they run on, their interrupt controller, DMA
 * memory, register windows onto their BARs and PCI configuration access.
 */
public final class GuestKernel {
    /** Where DMA allocations start: above the first 16 MiB, as a booted kernel's free memory would. */
    static final long DMA_START = 16L << 20;

    private final Machine machine;
    private final PlatformProfile profile;
    private final Cpu cpu;
    private final InterruptController interrupts;
    private final DmaArena dma;
    /** True while a trapping access is being emulated: device work then runs on the stopped vCPU. */
    boolean inAccess;

    public GuestKernel(Machine machine, PlatformProfile profile) {
        this.machine = machine;
        this.profile = profile;
        this.cpu = new Cpu(machine.scheduler());
        this.interrupts = new InterruptController(cpu, profile.interruptDeliveryNs(), profile.interruptBusyNs());
        this.dma = new DmaArena(machine.memory(), DMA_START, machine.memory().size());
        machine.setInterruptSink(interrupts);
    }

    public Machine machine() {
        return machine;
    }

    public Scheduler scheduler() {
        return machine.scheduler();
    }

    public PlatformProfile profile() {
        return profile;
    }

    public Cpu cpu() {
        return cpu;
    }

    public InterruptController interrupts() {
        return interrupts;
    }

    public DmaArena dma() {
        return dma;
    }

    /** ioremap / pci_iomap of BAR {@code bar} of the device in {@code slot}. */
    public RegisterWindow map(PciSlot slot, int bar) {
        return new RegisterWindow(this, slot.device().pciConfig(), bar);
    }

    /** Whether a device model is running inside one of this guest's register accesses right now. */
    public boolean inAccess() {
        return inAccess;
    }

    /** A configuration-space read (config accesses trap like port I/O: CF8/CFC). */
    public long configRead(PciSlot slot, int offset, int size) {
        cpu.charge(profile.pioExitNs() * 2);
        return slot.device().configRead(offset, size);
    }

    public void configWrite(PciSlot slot, int offset, int size, long value) {
        cpu.charge(profile.pioExitNs() * 2);
        slot.device().configWrite(offset, size, value);
    }
}
