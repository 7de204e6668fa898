package io.trapline.bench;

import io.trapline.emulator.e1000.E1000;
import io.trapline.emulator.e1000.E1000Config;
import io.trapline.emulator.e1000.E1000Registers;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.memory.GuestMemory;
import io.trapline.emulator.pci.PciConfigSpace;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import static io.trapline.emulator.e1000.E1000Registers.*;

/**
 * The e1000 model's hot paths through the device boundary: register accesses, and frames transmitted
 * (one TDT write per frame, legacy descriptor with EOP|IFCS|RS, DD write-back) and received (filter,
 * descriptor, DMA, status write-back, RDT written every 16 frames as Linux refills in groups).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class E1000Bench {
    private static final long TX_RING = 0x10000;
    private static final long RX_RING = 0x20000;
    private static final long TX_BUFFER = 0x40000;
    private static final long RX_BUFFERS = 0x100000;
    private static final int RING = 256;

    @Param({"64", "1500"})
    public int frameSize;

    private Machine machine;
    private E1000 nic;
    private byte[] frame;
    private int tdt;
    private int received;

    @Setup
    public void setUp() {
        machine = new Machine(64L << 20);
        nic = (E1000) machine.plug(ctx -> new E1000(ctx, E1000Config.defaults())).device();
        nic.configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_MEMORY | PciConfigSpace.COMMAND_BUS_MASTER);
        // Link up as Linux brings it up: restart autonegotiation, let 500 ms of virtual time pass.
        write(MDIC, MDIC_OP_WRITE | 1 << MDIC_PHY_SHIFT | 0x1340);
        machine.scheduler().runUntil(600_000_000L);
        write(IMS, ICR_TXDW | ICR_TXQE | ICR_LSC | ICR_RXDMT0 | ICR_RXT0);
        write(ITR, 0xC3);

        GuestMemory mem = machine.memory();
        frame = new byte[frameSize];
        byte[] mac = E1000Config.QEMU_DEFAULT_MAC;
        System.arraycopy(mac, 0, frame, 0, 6);
        frame[6] = 0x52;
        frame[12] = 0x08;
        for (int i = 14; i < frameSize; i++) {
            frame[i] = (byte) i;
        }
        mem.write(TX_BUFFER, frame, 0, frameSize);
        for (int i = 0; i < RING; i++) {
            mem.store(TX_RING + 16L * i, 8, TX_BUFFER);
            mem.store(TX_RING + 16L * i + 8, 4, frameSize | TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS);
            mem.store(RX_RING + 16L * i, 8, RX_BUFFERS + 2048L * i);
        }
        write(TDBAL, (int) TX_RING);
        write(TDLEN, RING * 16);
        write(TCTL, TCTL_EN | TCTL_PSP);
        write(RDBAL, (int) RX_RING);
        write(RDLEN, RING * 16);
        write(RDT, RING - 1);
        write(RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
        machine.scheduler().runUntil(machine.scheduler().now() + 1_100_000_000L);
    }

    private void write(int offset, int value) {
        nic.write(0, offset, 4, value & 0xFFFF_FFFFL);
    }

    /** A STATUS read: the register Linux reads most (twice per interrupt, as a write flush). */
    @Benchmark
    public long registerRead() {
        return nic.read(0, STATUS, 4);
    }

    /** An IMS write: a side-effect register (re-evaluates the interrupt line). */
    @Benchmark
    public void registerWrite() {
        nic.write(0, IMS, 4, ICR_RXT0);
    }

    /**
     * The five accesses Linux's e1000 makes per interrupt (ICR read, IMC write, STATUS read as a write
     * flush, IMS write, STATUS read): one op = five register accesses.
     */
    @Benchmark
    public long interruptHandlerAccesses() {
        long icr = nic.read(0, ICR, 4);
        nic.write(0, IMC, 4, 0xFFFF_FFFFL);
        long status = nic.read(0, STATUS, 4);
        nic.write(0, IMS, 4, ICR_TXDW | ICR_TXQE | ICR_LSC | ICR_RXDMT0 | ICR_RXT0);
        return icr + status + nic.read(0, STATUS, 4);
    }

    /** One frame: TDT write, descriptor read, payload DMA, backend hand-off, DD write-back, TXQE|TXDW. */
    @Benchmark
    public int transmitFrame() {
        tdt = (tdt + 1) & (RING - 1);
        nic.write(0, TDT, 4, tdt);
        return tdt;
    }

    /** One frame from the backend into the ring; RDT handed back every 16 frames. */
    @Benchmark
    public boolean receiveFrame() {
        boolean taken = nic.receive(frame, 0, frameSize);
        if ((++received & 15) == 0) {
            int rdh = (int) nic.read(0, RDH, 4);
            nic.write(0, RDT, 4, (rdh - 1) & (RING - 1));
            nic.read(0, ICR, 4);
        }
        return taken;
    }
}
