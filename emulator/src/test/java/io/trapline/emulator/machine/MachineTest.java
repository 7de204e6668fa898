package io.trapline.emulator.machine;

import io.trapline.emulator.device.BoundaryTap;
import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.pci.BarKind;
import io.trapline.emulator.pci.PciConfigSpace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MachineTest {

    /** A register file of 16 words in BAR0 (memory) and BAR1 (I/O); register 0 raises INTx when written. */
    static final class Scratch implements Device {
        final PciConfigSpace config = new PciConfigSpace(256, 0x1234, 0x5678, 0xFF0000, 0, 0, 0, 1);
        final long[] regs = new long[16];
        final DeviceContext ctx;

        Scratch(DeviceContext ctx) {
            this.ctx = ctx;
            config.defineBar(0, 0x1000, BarKind.MEMORY32, false);
            config.defineBar(1, 0x40, BarKind.IO, false);
        }

        @Override
        public String model() {
            return "scratch";
        }

        @Override
        public PciConfigSpace pciConfig() {
            return config;
        }

        @Override
        public long read(int bar, long offset, int size) {
            return regs[(int) (offset / 4) & 15];
        }

        @Override
        public void write(int bar, long offset, int size, long value) {
            regs[(int) (offset / 4) & 15] = value;
            if (offset == 0) {
                ctx.setIntx(value != 0);
            }
        }

        @Override
        public boolean receive(byte[] frame, int offset, int length) {
            return false;
        }
    }

    @Test
    void accessesReachOnlyProgrammedAndEnabledBars() {
        Machine m = new Machine(1 << 20);
        PciSlot slot = m.plug(Scratch::new);
        assertEquals(0xFFFF_FFFFL, m.mmioRead(0xFEB0_0004L, 4), "BAR not yet programmed");
        slot.device().configWrite(0x10, 4, 0xFEB0_0000L);
        slot.device().configWrite(0x14, 4, 0xC000);
        m.mmioWrite(0xFEB0_0004L, 4, 77);
        assertEquals(2, m.unclaimedAccesses(), "memory decoding is still off");
        slot.device().configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_MEMORY | PciConfigSpace.COMMAND_IO);
        m.mmioWrite(0xFEB0_0004L, 4, 77);
        assertEquals(77, m.mmioRead(0xFEB0_0004L, 4));
        assertEquals(77, m.pioRead(0xC004, 4));
        assertEquals(0xFF, m.pioRead(0xC040, 1), "past the I/O BAR");
    }

    @Test
    void intxChangesReachTheSinkOnceAndShowInStatus() {
        Machine m = new Machine(1 << 20);
        List<String> seen = new ArrayList<>();
        m.setInterruptSink(new InterruptSink() {
            @Override
            public void intx(int deviceIndex, boolean asserted) {
                seen.add(deviceIndex + ":" + asserted);
            }

            @Override
            public void msi(int deviceIndex, long address, int data) {
            }
        });
        PciSlot slot = m.plug(Scratch::new);
        slot.device().write(0, 0, 4, 1);
        slot.device().write(0, 0, 4, 2);
        slot.device().write(0, 0, 4, 0);
        assertEquals(List.of("0:true", "0:false"), seen);
        assertEquals(0, slot.device().pciConfig().read(PciConfigSpace.STATUS, 2) & PciConfigSpace.STATUS_INTERRUPT);
    }

    @Test
    void aTapSeesTheContextBeforeTheDeviceIsBuilt() {
        Machine m = new Machine(1 << 20);
        List<String> calls = new ArrayList<>();
        PciSlot slot = m.plug(ctx -> {
            calls.add("build with " + (ctx.getClass().getSimpleName().isEmpty() ? "anonymous" : ctx.getClass().getSimpleName()));
            return new Scratch(ctx);
        }, new BoundaryTap() {
            @Override
            public DeviceContext wrapContext(int deviceIndex, DeviceContext context) {
                calls.add("context " + deviceIndex);
                return context;
            }

            @Override
            public Device wrapDevice(int deviceIndex, Device device) {
                calls.add("device " + deviceIndex);
                return device;
            }
        });
        assertEquals("context 0", calls.get(0));
        assertTrue(calls.get(1).startsWith("build"));
        assertEquals("device 0", calls.get(2));
        assertEquals(0, slot.index());
    }
}
