package io.trapline.emulator.machine;

import io.trapline.emulator.device.BoundaryTap;
import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.memory.GuestMemory;
import io.trapline.emulator.pci.BarKind;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.time.Scheduler;
import io.trapline.emulator.time.Timer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The embedded machine: guest RAM, a virtual clock, one PCI bus, an interrupt sink and a network backend.
 * It builds each device with a {@link DeviceContext} of its own and routes guest accesses by address to
 * the BARs the guest programmed, as a PCI host bridge would.
 */
public final class Machine {
    /** What a read of an address that no BAR claims returns (a master abort reads as all ones). */
    public static final long UNCLAIMED_READ = 0xFFFF_FFFF_FFFF_FFFFL;

    private final GuestMemory memory;
    private final Scheduler scheduler = new Scheduler();
    private final List<PciSlot> slots = new ArrayList<>();
    private InterruptSink interrupts = InterruptSink.NONE;
    private NetworkBackend network = NetworkBackend.NONE;
    private long unclaimedAccesses;

    public Machine(long ramSize) {
        this.memory = new GuestMemory(ramSize);
    }

    public GuestMemory memory() {
        return memory;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public void setInterruptSink(InterruptSink sink) {
        this.interrupts = sink;
    }

    public void setNetwork(NetworkBackend backend) {
        this.network = backend;
    }

    /** Plugs a device built by {@code factory} with no tap. */
    public PciSlot plug(Function<DeviceContext, ? extends Device> factory) {
        return plug(factory, BoundaryTap.NONE);
    }

    /** Plugs a device built by {@code factory}; {@code tap} wraps its context and the device itself. */
    public PciSlot plug(Function<DeviceContext, ? extends Device> factory, BoundaryTap tap) {
        int index = slots.size();
        Context raw = new Context(index);
        DeviceContext context = tap.wrapContext(index, raw);
        Device device = factory.apply(context);
        raw.config = device.pciConfig();
        PciSlot slot = new PciSlot(index, tap.wrapDevice(index, device), context);
        slots.add(slot);
        return slot;
    }

    public List<PciSlot> slots() {
        return Collections.unmodifiableList(slots);
    }

    /** Guest accesses that no device claimed (reads returned all ones, writes were dropped). */
    public long unclaimedAccesses() {
        return unclaimedAccesses;
    }

    public long mmioRead(long addr, int size) {
        for (PciSlot slot : slots) {
            int bar = claim(slot, addr, size, false);
            if (bar >= 0) {
                return slot.device().read(bar, addr - slot.device().pciConfig().barAddress(bar), size);
            }
        }
        unclaimedAccesses++;
        return UNCLAIMED_READ >>> (64 - 8 * size);
    }

    public void mmioWrite(long addr, int size, long value) {
        for (PciSlot slot : slots) {
            int bar = claim(slot, addr, size, false);
            if (bar >= 0) {
                slot.device().write(bar, addr - slot.device().pciConfig().barAddress(bar), size, value);
                return;
            }
        }
        unclaimedAccesses++;
    }

    public long pioRead(int port, int size) {
        for (PciSlot slot : slots) {
            int bar = claim(slot, port, size, true);
            if (bar >= 0) {
                return slot.device().read(bar, port - slot.device().pciConfig().barAddress(bar), size);
            }
        }
        unclaimedAccesses++;
        return UNCLAIMED_READ >>> (64 - 8 * size);
    }

    public void pioWrite(int port, int size, long value) {
        for (PciSlot slot : slots) {
            int bar = claim(slot, port, size, true);
            if (bar >= 0) {
                slot.device().write(bar, port - slot.device().pciConfig().barAddress(bar), size, value);
                return;
            }
        }
        unclaimedAccesses++;
    }

    /** The BAR of {@code slot} that decodes {@code [addr, addr+size)}, or -1. */
    private static int claim(PciSlot slot, long addr, int size, boolean io) {
        PciConfigSpace config = slot.device().pciConfig();
        if (io ? !config.ioEnabled() : !config.memoryEnabled()) {
            return -1;
        }
        for (int bar = 0; bar < PciConfigSpace.BAR_COUNT; bar++) {
            BarKind kind = config.barKind(bar);
            if (kind == null || (kind == BarKind.IO) != io) {
                continue;
            }
            long base = config.barAddress(bar);
            long length = config.barSize(bar);
            if (base != 0 && addr >= base && addr - base <= length - size) {
                return bar;
            }
        }
        return -1;
    }

    /** The context the machine gives a device: time and timers from the scheduler, DMA to guest RAM. */
    private final class Context implements DeviceContext {
        private final int index;
        private PciConfigSpace config;
        private boolean intx;

        Context(int index) {
            this.index = index;
        }

        @Override
        public long now() {
            return scheduler.now();
        }

        @Override
        public Timer newTimer(Runnable callback) {
            return scheduler.newTimer(callback);
        }

        @Override
        public boolean read(long addr, byte[] dst, int off, int len) {
            return memory.read(addr, dst, off, len);
        }

        @Override
        public boolean write(long addr, byte[] src, int off, int len) {
            return memory.write(addr, src, off, len);
        }

        @Override
        public void setIntx(boolean asserted) {
            if (config != null) {
                config.setInterruptStatus(asserted);
            }
            if (asserted != intx) {
                intx = asserted;
                interrupts.intx(index, asserted);
            }
        }

        @Override
        public void sendMsi(long address, int data) {
            interrupts.msi(index, address, data);
        }

        @Override
        public void transmit(byte[] frame, int offset, int length) {
            network.transmit(index, frame, offset, length);
        }

        @Override
        public void rxReady() {
            network.rxReady(index);
        }

        @Override
        public void queueKicked(int queue) {
            // An observation for taps; the machine itself needs nothing from it.
        }
    }
}
