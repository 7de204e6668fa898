package io.trapline.guest.driver;

import io.trapline.emulator.machine.PciSlot;
import io.trapline.emulator.memory.GuestMemory;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.guest.kernel.GuestKernel;
import io.trapline.guest.kernel.RegisterWindow;
import io.trapline.guest.net.GuestNic;
import io.trapline.guest.tcp.NetStack;

import static io.trapline.emulator.e1000.E1000Registers.*;

/**
 * A model of Linux 6.1's e1000 driver (drivers/net/ethernet/intel/e1000) on an 82540EM, written from its
 * observable behaviour: the register accesses of its probe, interrupt handler, NAPI poll, transmit and
 * refill paths, its dynamic interrupt throttling and its 2-second watchdog. Facts used, per path:
 * <ul>
 * <li>interrupt (e1000_intr): ICR read; nothing set: not ours; else IMC write of all ones and a STATUS read
 *     to flush it, then NAPI is scheduled. After a poll that did less than its budget, IMS is written and
 *     flushed with another STATUS read: five accesses per interrupt, as in the shared capture.</li>
 * <li>transmit (e1000_xmit_frame): descriptors in memory, one TDT write per burst (skipped while the stack
 *     says more frames follow), TSO via a context descriptor and data descriptors of at most 4 KiB.</li>
 * <li>receive (e1000_clean_rx_irq): up to 64 frames per poll; buffers go back with one RDT write per 16
 *     and one at the end of the poll.</li>
 * <li>dynamic ITR ("dynamic conservative", the default): per-poll traffic class lowest/low/bulk latency
 *     maps to 20000/20000/4000 interrupts/s; ITR is written only when the rate changes.</li>
 * <li>watchdog every 2 s: link check, the statistics registers, and an ICS write of RXDMT0 that forces an
 *     interrupt so that the RX ring gets cleaned.</li>
 * </ul>
 */
public final class E1000Driver implements NicDriver {
    static final int TX_RING_SIZE = 256;
    static final int RX_RING_SIZE = 256;
    static final int RX_BUFFER_SIZE = 2048;
    static final int TX_CHUNK = 4096;
    static final int NAPI_BUDGET = 64;
    static final int RX_BUFFER_WRITE = 16;
    static final long WATCHDOG_PERIOD_NS = 2_000_000_000L;
    static final int IMS_ENABLE = ICR_RXT0 | ICR_TXDW | ICR_RXDMT0 | ICR_RXSEQ | ICR_LSC;
    /** Dynamic ITR classes and their interrupt rates (interrupts per second). */
    static final int LOWEST_LATENCY = 0;
    static final int LOW_LATENCY = 1;
    static final int BULK_LATENCY = 2;

    private final GuestKernel kernel;
    private final PciSlot slot;
    private final NetStack stack;
    private final GuestMemory memory;
    private RegisterWindow regs;
    private long txRing;
    private long rxRing;
    private long txBuffers;
    private long rxBuffers;
    private int txNextToUse;
    private int txNextToClean;
    /** For the first descriptor of each frame (context descriptor included): its EOP descriptor (next_to_watch). */
    private final int[] txEop = new int[TX_RING_SIZE];
    private final int[] txLength = new int[TX_RING_SIZE];
    private final int[] txSegments = new int[TX_RING_SIZE];
    private final int[] txHeaderLength = new int[TX_RING_SIZE];
    private int rxNextToClean;
    private int rxNextToUse;
    private int rxUnused;
    private boolean txStopped;
    private boolean linkUp;
    private boolean napiScheduled;
    private Runnable onLinkUp;
    /** Linux starts dynamic conservative mode at 20000 interrupts/s. */
    private int itrRate = 20000;
    private int txClass = LOW_LATENCY;
    private int rxClass = LOW_LATENCY;
    private long txPackets;
    private long txBytes;
    private long rxPackets;
    private long rxBytes;
    private final byte[] frame = new byte[RX_BUFFER_SIZE];
    private final byte[] descriptor = new byte[16];
    private long interrupts;
    private long watchdogRuns;

    public E1000Driver(GuestKernel kernel, PciSlot slot, NetStack stack) {
        this.kernel = kernel;
        this.slot = slot;
        this.stack = stack;
        this.memory = kernel.dma().memory();
    }

    /** Probes and opens the device; {@code onLinkUp} runs once the link is up and the interface carries traffic. */
    @Override
    public void start(Runnable onLinkUp) {
        this.onLinkUp = onLinkUp;
        kernel.cpu().run(0, this::probe);
    }

    @Override
    public long interrupts() {
        return interrupts;
    }

    public long registerAccesses() {
        return regs == null ? 0 : regs.accesses();
    }

    // ---- probe and open -------------------------------------------------------------------------------

    private void probe() {
        // pci_enable_device + pci_set_master
        long command = kernel.configRead(slot, PciConfigSpace.COMMAND, 2);
        kernel.configWrite(slot, PciConfigSpace.COMMAND, 2, command | PciConfigSpace.COMMAND_MEMORY
                | PciConfigSpace.COMMAND_IO | PciConfigSpace.COMMAND_BUS_MASTER);
        regs = kernel.map(slot, 0);
        resetHardware();
        int[] words = new int[64];
        for (int i = 0; i < words.length; i++) {
            words[i] = eepromRead(i);
        }
        int sum = 0;
        for (int w : words) {
            sum += w;
        }
        if ((sum & 0xFFFF) != 0xBABA) {
            return; // "The EEPROM Checksum Is Not Valid": probe fails
        }
        byte[] mac = new byte[6];
        for (int i = 0; i < 3; i++) {
            mac[2 * i] = (byte) words[i];
            mac[2 * i + 1] = (byte) (words[i] >>> 8);
        }
        setupPhy();
        kernel.scheduler().after(10_000_000L, () -> kernel.cpu().run(0, () -> open(mac)));
    }

    private void flush() {
        regs.read32(STATUS);
    }

    private void resetHardware() {
        regs.write32(IMC, 0xFFFF_FFFF);
        regs.write32(RCTL, 0);
        regs.write32(TCTL, TCTL_PSP);
        flush();
        int ctrl = regs.read32(CTRL);
        regs.write32(CTRL, ctrl | CTRL_RST);
        regs.write32(IMC, 0xFFFF_FFFF);
        regs.read32(ICR);
    }

    /** One EEPROM word by bit-banging EECD (Microwire, 6 address bits): the 82540's path in Linux. */
    private int eepromRead(int address) {
        int eecd = regs.read32(EECD);
        regs.write32(EECD, eecd | EECD_REQ);
        eecd = regs.read32(EECD);
        eecd &= ~(EECD_DI | EECD_SK);
        regs.write32(EECD, eecd | EECD_CS);
        eecd |= EECD_CS;
        eecd = shiftOut(eecd, 0b110, 3); // start bit + READ opcode
        eecd = shiftOut(eecd, address, 6);
        int data = 0;
        for (int i = 0; i < 16; i++) {
            eecd = clock(eecd, true);
            eecd = regs.read32(EECD) & ~EECD_DI;
            data = data << 1 | ((eecd & EECD_DO) != 0 ? 1 : 0);
            eecd = clock(eecd, false);
        }
        regs.write32(EECD, eecd & ~(EECD_CS | EECD_DI | EECD_REQ));
        flush();
        return data;
    }

    private int shiftOut(int eecd, int bits, int count) {
        for (int i = count - 1; i >= 0; i--) {
            eecd = ((bits >>> i) & 1) != 0 ? eecd | EECD_DI : eecd & ~EECD_DI;
            regs.write32(EECD, eecd);
            flush();
            eecd = clock(eecd, true);
            eecd = clock(eecd, false);
        }
        return eecd & ~EECD_DI;
    }

    private int clock(int eecd, boolean high) {
        eecd = high ? eecd | EECD_SK : eecd & ~EECD_SK;
        regs.write32(EECD, eecd);
        flush();
        return eecd;
    }

    private int mdicRead(int reg) {
        regs.write32(MDIC, MDIC_OP_READ | 1 << MDIC_PHY_SHIFT | reg << MDIC_REG_SHIFT);
        int v;
        do {
            v = regs.read32(MDIC);
        } while ((v & (MDIC_READY | MDIC_ERROR)) == 0);
        return v & 0xFFFF;
    }

    private void mdicWrite(int reg, int value) {
        regs.write32(MDIC, MDIC_OP_WRITE | 1 << MDIC_PHY_SHIFT | reg << MDIC_REG_SHIFT | (value & 0xFFFF));
        int v;
        do {
            v = regs.read32(MDIC);
        } while ((v & (MDIC_READY | MDIC_ERROR)) == 0);
    }

    private void setupPhy() {
        mdicRead(2); // PHY_ID1
        mdicRead(3); // PHY_ID2
        int ctrl = regs.read32(CTRL);
        regs.write32(CTRL, ctrl | CTRL_SLU);
        mdicWrite(4, 0x01E1);  // autoneg advertisement: 10/100 half/full, 802.3
        mdicWrite(9, 0x0200);  // 1000BASE-T full duplex
        mdicWrite(0, 0x1200);  // BMCR: autoneg enable + restart; QEMU completes it 500 ms later (LSC)
    }

    private void open(byte[] mac) {
        regs.write32(RAL0, (mac[0] & 0xFF) | (mac[1] & 0xFF) << 8 | (mac[2] & 0xFF) << 16 | (mac[3] & 0xFF) << 24);
        regs.write32(RAH0, (mac[4] & 0xFF) | (mac[5] & 0xFF) << 8 | RAH_AV);
        for (int i = 1; i < 16; i++) {
            regs.write32(RAL0 + 8 * i, 0);
            regs.write32(RAH0 + 8 * i, 0);
        }
        for (int i = 0; i < MTA_COUNT; i++) {
            regs.write32(MTA + 4 * i, 0);
        }
        configureTx();
        configureRx();
        regs.write32(ITR, itrRegister(itrRate));
        kernel.interrupts().onIntx(slot.index(), this::interrupt);
        regs.write32(IMS, IMS_ENABLE);
        flush();
        kernel.scheduler().after(WATCHDOG_PERIOD_NS, this::watchdogTick);
    }

    private void configureTx() {
        txRing = kernel.dma().allocate((long) TX_RING_SIZE * DESCRIPTOR_SIZE, 4096);
        txBuffers = kernel.dma().allocate((long) TX_RING_SIZE * TX_CHUNK, 4096);
        regs.write32(TDBAL, (int) txRing);
        regs.write32(TDBAH, (int) (txRing >>> 32));
        regs.write32(TDLEN, TX_RING_SIZE * DESCRIPTOR_SIZE);
        regs.write32(TDH, 0);
        regs.write32(TDT, 0);
        regs.write32(TIPG, 8 | 8 << 10 | 6 << 20);
        regs.write32(TIDV, 8);
        regs.write32(TCTL, TCTL_EN | TCTL_PSP | 0x0F << 4 | 0x40 << 12);
    }

    private void configureRx() {
        rxRing = kernel.dma().allocate((long) RX_RING_SIZE * DESCRIPTOR_SIZE, 4096);
        rxBuffers = kernel.dma().allocate((long) RX_RING_SIZE * RX_BUFFER_SIZE, 4096);
        regs.write32(RDTR, 0);
        regs.write32(RDBAL, (int) rxRing);
        regs.write32(RDBAH, (int) (rxRing >>> 32));
        regs.write32(RDLEN, RX_RING_SIZE * DESCRIPTOR_SIZE);
        regs.write32(RDH, 0);
        regs.write32(RDT, 0);
        regs.write32(RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
        rxUnused = RX_RING_SIZE - 1;
        refill();
    }

    // ---- interrupts and NAPI --------------------------------------------------------------------------

    private void interrupt() {
        int icr = regs.read32(ICR);
        if (icr == 0) {
            return; // shared line, not ours
        }
        interrupts++;
        if ((icr & ICR_LSC) != 0) {
            kernel.scheduler().after(1_000_000L, this::checkLink);
        }
        regs.write32(IMC, 0xFFFF_FFFF);
        flush();
        if (!napiScheduled) {
            napiScheduled = true;
            kernel.cpu().run(0, this::poll);
        }
    }

    private void poll() {
        cleanTx();
        int done = cleanRx(NAPI_BUDGET);
        if (done == NAPI_BUDGET) {
            kernel.cpu().run(0, this::poll); // more work: stay in polling mode
            return;
        }
        // As virtio-net's: Linux runs the stack on the received frames inside the poll, so the interrupts
        // come back on only after that work.
        kernel.cpu().runAfterKernelWork(this::completePoll);
    }

    private void completePoll() {
        napiScheduled = false;
        setItr();
        txPackets = txBytes = rxPackets = rxBytes = 0;
        regs.write32(IMS, IMS_ENABLE);
        flush();
    }

    /** e1000_set_itr: the interrupt rate follows the traffic class of this poll ("dynamic conservative"). */
    private void setItr() {
        // Conservative mode keeps lowest latency out of each direction's remembered class, not only out of
        // the rate: the next poll is classified from "low", where a burst of full-size frames means bulk
        // (e1000_set_itr clamps tx_itr and rx_itr themselves, Linux e1000_main.c).
        if (txPackets > 0) {
            txClass = conservative(classify(txClass, txPackets, txBytes));
        }
        if (rxPackets > 0) {
            rxClass = conservative(classify(rxClass, rxPackets, rxBytes));
        }
        int rate = Math.max(txClass, rxClass) == BULK_LATENCY ? 4000 : 20000;
        if (rate != itrRate) {
            rate = rate > itrRate ? Math.min(itrRate + (rate >> 2), rate) : rate;
            itrRate = rate;
            regs.write32(ITR, itrRegister(rate));
        }
    }

    private static int conservative(int trafficClass) {
        return trafficClass == LOWEST_LATENCY ? LOW_LATENCY : trafficClass;
    }

    /** The traffic class after a poll that moved {@code packets} frames of {@code bytes} bytes in all. */
    static int classify(int current, long packets, long bytes) {
        long perPacket = bytes / packets;
        switch (current) {
            case LOWEST_LATENCY:
                if (perPacket > 8000) {
                    return BULK_LATENCY;
                }
                return packets < 5 && bytes > 512 ? LOW_LATENCY : LOWEST_LATENCY;
            case LOW_LATENCY:
                if (bytes > 10000) {
                    if (perPacket > 8000 || packets < 10 || perPacket > 1200) {
                        return BULK_LATENCY;
                    }
                    return packets > 35 ? LOWEST_LATENCY : LOW_LATENCY;
                }
                if (perPacket > 2000) {
                    return BULK_LATENCY;
                }
                return packets <= 2 && bytes < 512 ? LOWEST_LATENCY : LOW_LATENCY;
            default:
                if (bytes > 25000) {
                    return packets > 35 ? LOW_LATENCY : BULK_LATENCY;
                }
                return bytes < 6000 ? LOW_LATENCY : BULK_LATENCY;
        }
    }

    static int itrRegister(int interruptsPerSecond) {
        return 1_000_000_000 / (interruptsPerSecond * 256);
    }

    private void checkLink() {
        kernel.cpu().run(0, () -> {
            boolean up = (regs.read32(STATUS) & STATUS_LU) != 0;
            if (up && !linkUp) {
                linkUp = true;
                if (onLinkUp != null) {
                    Runnable r = onLinkUp;
                    onLinkUp = null;
                    r.run();
                }
            }
            linkUp = up;
        });
    }

    private void watchdogTick() {
        kernel.cpu().run(0, () -> {
            watchdogRuns++;
            boolean up = (regs.read32(STATUS) & STATUS_LU) != 0;
            if (up && !linkUp) {
                linkUp = true;
                if (onLinkUp != null) {
                    Runnable r = onLinkUp;
                    onLinkUp = null;
                    r.run();
                }
            }
            // e1000_update_stats: the statistics block (read-to-clear counters)
            for (int reg = CRCERRS; reg <= 0x4124; reg += 4) {
                regs.read32(reg);
            }
            regs.write32(ICS, ICR_RXDMT0); // force an interrupt so the RX ring is cleaned
            kernel.scheduler().after(WATCHDOG_PERIOD_NS, this::watchdogTick);
        });
    }

    // ---- transmit -------------------------------------------------------------------------------------

    private int txFree() {
        return (txNextToClean - txNextToUse - 1 + TX_RING_SIZE) % TX_RING_SIZE;
    }

    @Override
    public int tsoMaxBytes() {
        return 65_535;
    }

    @Override
    public boolean transmit(byte[] data, int offset, int length, int gsoSize, boolean more) {
        int chunks = (length + TX_CHUNK - 1) / TX_CHUNK;
        int needed = chunks + (gsoSize > 0 ? 1 : 0);
        if (regs == null || txFree() < needed + 2) {
            txStopped = true;
            stack.stopQueue();
            return false;
        }
        int first = txNextToUse;
        int firstData = txNextToUse;
        if (gsoSize > 0) {
            writeTsoContext(data, offset, length, gsoSize);
            firstData = txNextToUse;
        }
        int done = 0;
        while (done < length) {
            int n = Math.min(TX_CHUNK, length - done);
            long buffer = txBuffers + (long) txNextToUse * TX_CHUNK;
            memory.write(buffer, data, offset + done, n);
            int cmd = TXD_CMD_IFCS | TXD_CMD_RS | (done + n == length ? TXD_CMD_EOP : 0);
            long d = txRing + (long) txNextToUse * DESCRIPTOR_SIZE;
            memory.store(d, 8, buffer);
            if (gsoSize > 0) {
                memory.store(d + 8, 4, (n | cmd | TXD_CMD_DEXT | TXD_DTYP_D | TXD_CMD_TSE) & 0xFFFF_FFFFL);
                memory.store(d + 12, 4, (TXD_POPTS_TXSM | TXD_POPTS_IXSM) << 8);
            } else {
                memory.store(d + 8, 4, (n | cmd) & 0xFFFF_FFFFL);
                memory.store(d + 12, 4, 0);
            }
            txEop[first] = txNextToUse;
            txNextToUse = (txNextToUse + 1) % TX_RING_SIZE;
            done += n;
        }
        txLength[first] = length;
        txSegments[first] = 1;
        txHeaderLength[first] = 0;
        if (gsoSize > 0) {
            seedTsoHeaders(txBuffers + (long) firstData * TX_CHUNK, data, offset);
            int ihl = (data[offset + 14] & 0x0F) * 4;
            int headers = 14 + ihl + ((data[offset + 14 + ihl + 12] & 0xF0) >>> 4) * 4;
            txSegments[first] = Math.max(1, (length - headers + gsoSize - 1) / gsoSize);
            txHeaderLength[first] = headers;
        }
        if (txFree() < 2 + (65_535 / TX_CHUNK + 2)) {
            txStopped = true;
            stack.stopQueue();
        }
        if (!more || txStopped) {
            regs.write32(TDT, txNextToUse);
        }
        return true;
    }

    private void writeTsoContext(byte[] data, int offset, int length, int mss) {
        int ihl = (data[offset + 14] & 0x0F) * 4;
        int tcpHeader = ((data[offset + 14 + ihl + 12] & 0xF0) >>> 4) * 4;
        int hdrLen = 14 + ihl + tcpHeader;
        long d = txRing + (long) txNextToUse * DESCRIPTOR_SIZE;
        memory.store(d, 1, 14);                 // IPCSS
        memory.store(d + 1, 1, 14 + 10);        // IPCSO: IPv4 header checksum
        memory.store(d + 2, 2, 14 + ihl - 1);   // IPCSE
        memory.store(d + 4, 1, 14 + ihl);       // TUCSS
        memory.store(d + 5, 1, 14 + ihl + 16);  // TUCSO: TCP checksum
        memory.store(d + 6, 2, 0);              // TUCSE: to the end
        memory.store(d + 8, 4, ((length - hdrLen) | TXD_CMD_DEXT | TXD_CMD_TSE | TXD_CMD_IP | TXD_CMD_TCP) & 0xFFFF_FFFFL);
        memory.store(d + 12, 1, 0);
        memory.store(d + 13, 1, hdrLen);
        memory.store(d + 14, 2, mss);
        txNextToUse = (txNextToUse + 1) % TX_RING_SIZE;
    }

    /** e1000_clean_tx_irq: frames are done when their EOP descriptor reports DD (written back because of RS). */
    /**
     * What e1000_tso does to the headers before handing a TSO frame over: IP total length and checksum 0, and
     * the TCP checksum seeded with the pseudo-header sum without the length, which the NIC adds per segment.
     */
    private void seedTsoHeaders(long buffer, byte[] data, int offset) {
        int ip = 14;
        int ihl = (data[offset + ip] & 0x0F) * 4;
        memory.store(buffer + ip + 2, 2, 0);
        memory.store(buffer + ip + 10, 2, 0);
        long sum = 0;
        for (int i = 12; i < 20; i += 2) { // source and destination address
            sum += (data[offset + ip + i] & 0xFF) << 8 | (data[offset + ip + i + 1] & 0xFF);
        }
        sum += 6; // IPPROTO_TCP
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        // stored big-endian, as on the wire
        memory.store(buffer + ip + ihl + 16, 1, sum >>> 8);
        memory.store(buffer + ip + ihl + 17, 1, sum & 0xFF);
    }

    private void cleanTx() {
        while (txNextToClean != txNextToUse) {
            int eop = txEop[txNextToClean];
            if ((memory.loadU8(txRing + (long) eop * DESCRIPTOR_SIZE + 12) & TXD_STAT_DD) == 0) {
                break;
            }
            // a TSO frame counts as the segments it became, with their headers (as e1000 accounts tx bytes)
            txPackets += txSegments[txNextToClean];
            txBytes += txLength[txNextToClean] + (long) (txSegments[txNextToClean] - 1) * txHeaderLength[txNextToClean];
            txNextToClean = (eop + 1) % TX_RING_SIZE;
        }
        if (txStopped && txFree() >= 2 * (65_535 / TX_CHUNK + 3)) {
            txStopped = false;
            stack.wakeQueue();
        }
    }

    // ---- receive --------------------------------------------------------------------------------------

    private int cleanRx(int budget) {
        int done = 0;
        int cleaned = 0;
        while (done < budget) {
            long d = rxRing + (long) rxNextToClean * DESCRIPTOR_SIZE;
            memory.read(d, descriptor, 0, 16);
            int status = descriptor[12] & 0xFF;
            if ((status & RXD_STAT_DD) == 0) {
                break;
            }
            int length = (descriptor[8] & 0xFF) | (descriptor[9] & 0xFF) << 8;
            long buffer = rxBuffers + (long) rxNextToClean * RX_BUFFER_SIZE;
            if ((status & RXD_STAT_EOP) != 0 && length <= RX_BUFFER_SIZE) {
                memory.read(buffer, frame, 0, length);
                stack.receive(frame, 0, length);
                rxPackets++;
                rxBytes += length;
            }
            memory.store(d + 12, 1, 0);
            rxNextToClean = (rxNextToClean + 1) % RX_RING_SIZE;
            rxUnused++;
            done++;
            cleaned++;
            if (cleaned >= RX_BUFFER_WRITE) {
                refill();
                cleaned = 0;
            }
        }
        if (rxUnused > 0) {
            refill();
        }
        return done;
    }

    /** e1000_alloc_rx_buffers: give every unused descriptor a buffer, then one RDT write. */
    private void refill() {
        if (rxUnused == 0) {
            return;
        }
        while (rxUnused > 0) {
            long d = rxRing + (long) rxNextToUse * DESCRIPTOR_SIZE;
            memory.store(d, 8, rxBuffers + (long) rxNextToUse * RX_BUFFER_SIZE);
            memory.store(d + 8, 8, 0);
            rxNextToUse = (rxNextToUse + 1) % RX_RING_SIZE;
            rxUnused--;
        }
        // RDT points at the last descriptor handed over (Linux writes next_to_use - 1)
        regs.write32(RDT, (rxNextToUse - 1 + RX_RING_SIZE) % RX_RING_SIZE);
    }
}
