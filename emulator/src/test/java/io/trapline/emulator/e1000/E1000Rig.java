package io.trapline.emulator.e1000;

import io.trapline.emulator.machine.InterruptSink;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.machine.NetworkBackend;
import io.trapline.emulator.machine.PciSlot;
import io.trapline.emulator.memory.GuestMemory;
import io.trapline.emulator.pci.PciConfigSpace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.trapline.emulator.e1000.E1000Registers.*;

/** An e1000 plugged into an embedded machine, with the wiring tests need: frames out, INTx level, rxReady calls. */
final class E1000Rig {
    static final long RAM = 64L << 20;
    static final long MMIO_BASE = 0xFEBC_0000L;
    static final int IO_BASE = 0xC000;

    final Machine machine = new Machine(RAM);
    final E1000 nic;
    final PciSlot slot;
    final List<byte[]> sent = new ArrayList<>();
    /** False: transmitted frames are only counted (long random runs). */
    boolean keepFrames = true;
    long framesOut;
    boolean intx;
    int intxEdges;
    int rxReadyCalls;

    E1000Rig() {
        this(E1000Config.defaults());
    }

    E1000Rig(E1000Config config) {
        machine.setInterruptSink(new InterruptSink() {
            @Override
            public void intx(int deviceIndex, boolean asserted) {
                if (asserted && !intx) {
                    intxEdges++;
                }
                intx = asserted;
            }

            @Override
            public void msi(int deviceIndex, long address, int data) {
            }
        });
        machine.setNetwork(new NetworkBackend() {
            @Override
            public void transmit(int deviceIndex, byte[] frame, int offset, int length) {
                framesOut++;
                if (keepFrames) {
                    sent.add(Arrays.copyOfRange(frame, offset, offset + length));
                }
            }

            @Override
            public void rxReady(int deviceIndex) {
                rxReadyCalls++;
            }
        });
        slot = machine.plug(ctx -> new E1000(ctx, config));
        nic = (E1000) slot.device();
        nic.configWrite(PciConfigSpace.BAR0, 4, MMIO_BASE);
        nic.configWrite(PciConfigSpace.BAR0 + 4, 4, IO_BASE);
        nic.configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_IO | PciConfigSpace.COMMAND_MEMORY
                | PciConfigSpace.COMMAND_BUS_MASTER);
    }

    GuestMemory memory() {
        return machine.memory();
    }

    int read(int offset) {
        return (int) machine.mmioRead(MMIO_BASE + offset, 4);
    }

    void write(int offset, int value) {
        machine.mmioWrite(MMIO_BASE + offset, 4, value & 0xFFFF_FFFFL);
    }

    long now() {
        return machine.scheduler().now();
    }

    void advance(long ns) {
        machine.scheduler().runUntil(now() + ns);
    }

    void runUntil(long ns) {
        machine.scheduler().runUntil(ns);
    }

    /** Brings the link up the way Linux does: restart autonegotiation through MDIC, wait for it. */
    void negotiateLink() {
        write(MDIC, MDIC_OP_WRITE | Phy.ADDRESS << MDIC_PHY_SHIFT | Phy.BMCR << MDIC_REG_SHIFT
                | Phy.BMCR_AUTOEN | Phy.BMCR_ANRESTART);
        advance(600_000_000L);
    }

    /** A TX ring of {@code count} descriptors at {@code base}. */
    void setUpTx(long base, int count) {
        write(TDBAL, (int) base);
        write(TDBAH, (int) (base >>> 32));
        write(TDLEN, count * DESCRIPTOR_SIZE);
        write(TDH, 0);
        write(TDT, 0);
        write(TCTL, TCTL_EN | TCTL_PSP);
    }

    void putTxDescriptor(long ringBase, int index, long buffer, int length, int cmdBits) {
        long d = ringBase + (long) index * DESCRIPTOR_SIZE;
        memory().store(d, 8, buffer);
        memory().store(d + 8, 4, (length & 0xFFFF) | (cmdBits & 0xFFFF_0000L));
        memory().store(d + 12, 4, 0);
    }

    /** An RX ring of {@code count} descriptors at {@code base} with buffers at {@code buffers} + i * 4096; RDT = count - 1. */
    void setUpRx(long base, int count, long buffers, int rctl) {
        for (int i = 0; i < count; i++) {
            memory().store(base + 16L * i, 8, buffers + 4096L * i);
            memory().store(base + 16L * i + 8, 8, 0);
        }
        write(RDBAL, (int) base);
        write(RDBAH, 0);
        write(RDLEN, count * DESCRIPTOR_SIZE);
        write(RDH, 0);
        write(RDT, count - 1);
        write(RCTL, rctl);
        advance(E1000.RCTL_SETTLE_MS * 1_000_000L + 1_000_000L);
    }

    boolean receive(byte[] frame) {
        return nic.receive(frame, 0, frame.length);
    }

    static byte[] frame(byte[] dst, byte[] src, int etherType, int length) {
        byte[] f = new byte[length];
        System.arraycopy(dst, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = (byte) (etherType >>> 8);
        f[13] = (byte) etherType;
        for (int i = 14; i < length; i++) {
            f[i] = (byte) (i * 7);
        }
        return f;
    }

    static final byte[] OUR_MAC = E1000Config.QEMU_DEFAULT_MAC.clone();
    static final byte[] PEER_MAC = {0x52, 0x55, 0x0A, 0x00, 0x02, 0x02};
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
}
