package io.trapline.emulator.e1000;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceActivity;
import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.device.GuestAddressNames;
import io.trapline.emulator.pci.BarKind;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.time.Timer;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.trapline.emulator.e1000.E1000Registers.*;
import static io.trapline.emulator.e1000.RegisterMap.Access.*;

/**
 * Intel 82540EM gigabit Ethernet controller (e1000) as QEMU 7.2 presents it to a Linux guest.
 *
 * <p>This class is the device boundary and the register dispatch: it builds the register table
 * ({@link RegisterMap}) with the default load/store for plain registers and named handlers for the ones with
 * side effects, and wires the parts: {@link Eeprom} (EECD/EERD), {@link Phy} (MDIC), {@link Interrupts}
 * (ICR/ICS/IMS/IMC, mitigation, INTx), {@link TxPath} and {@link RxPath}. See docs/devices.md for what is
 * and is not modelled.
 */
public final class E1000 implements Device, GuestAddressNames, DeviceActivity {
    public static final String MODEL = "e1000";
    public static final int VENDOR_INTEL = 0x8086;
    public static final int DEVICE_82540EM = 0x100E;
    /** Network controller, Ethernet. */
    public static final int CLASS_ETHERNET = 0x020000;
    public static final int REVISION = 0x03;
    /** Subsystem ids QEMU 7.2 presents (Red Hat, QEMU), seen in the shared trace's pci_cfg_read lines. */
    public static final int SUBSYSTEM_VENDOR = 0x1AF4;
    public static final int SUBSYSTEM = 0x1100;
    /** QEMU refuses frames for 1 s of virtual time after an RCTL write, then flushes its queue (flush_queue_timer). */
    static final long RCTL_SETTLE_MS = 1000;
    private static final long NS_PER_MS = 1_000_000L;

    private final E1000Config config;
    private final DeviceContext ctx;
    private final PciConfigSpace pci;
    private final RegisterMap map = new RegisterMap();
    private final int[] regs = map.regs;
    private final Eeprom eeprom;
    private final Phy phy = new Phy();
    private final Interrupts interrupts;
    private final TxPath tx;
    private final RxPath rx;
    private final Timer autoneg;
    private final Timer rxSettle;
    private boolean cableConnected;
    private int ioAddress;
    private long unknownBarAccesses;

    /** Size of the option ROM BAR QEMU gives the device. */
    static final long ROM_SIZE = 0x40000;

    public E1000(DeviceContext ctx, E1000Config config) {
        this.ctx = ctx;
        this.config = config;
        this.cableConnected = config.linkUp();
        pci = new PciConfigSpace(256, VENDOR_INTEL, DEVICE_82540EM, CLASS_ETHERNET, REVISION,
                SUBSYSTEM_VENDOR, SUBSYSTEM, 1);
        pci.defineBar(0, MMIO_SIZE, BarKind.MEMORY32, false);
        pci.defineBar(1, IO_SIZE, BarKind.IO, false);
        // QEMU 7.2 loads efi-e1000.rom: a 256 KiB ROM BAR (the shared capture sizes config 0x30 as 0xfffc0000).
        pci.defineRom(ROM_SIZE);
        eeprom = new Eeprom(config.mac(), DEVICE_82540EM);
        interrupts = new Interrupts(regs, ctx, config.mitigation());
        tx = new TxPath(regs, ctx, interrupts, phy, this::loopback);
        rx = new RxPath(regs, ctx, interrupts);
        autoneg = ctx.newTimer(this::autonegDone);
        rxSettle = ctx.newTimer(ctx::rxReady);
        defineRegisters();
        reset(true);
    }

    public E1000(DeviceContext ctx) {
        this(ctx, E1000Config.defaults());
    }

    private void defineRegisters() {
        RegisterMap m = map;
        // Registers with side effects: named handlers, as in QEMU's macreg_readops/macreg_writeops.
        m.define(CTRL, READ_WRITE);
        m.onWrite(CTRL, (i, v) -> writeCtrl(v));
        m.define(STATUS, READ_ONLY);
        m.define(EECD, READ_WRITE);
        m.onRead(EECD, i -> eeprom.readEecd());
        m.onWrite(EECD, (i, v) -> eeprom.writeEecd(v));
        m.define(EERD, READ_WRITE);
        m.onRead(EERD, i -> eeprom.readEerd(regs[i]));
        m.define(MDIC, READ_WRITE);
        m.onWrite(MDIC, (i, v) -> writeMdic(v));
        m.define(ICR, READ_TO_CLEAR);
        m.onRead(ICR, i -> interrupts.readIcr());
        m.onWrite(ICR, (i, v) -> interrupts.writeIcr(v));
        m.define(ICS, READ_WRITE);
        m.onWrite(ICS, (i, v) -> interrupts.raise(v));
        m.define(IMS, READ_WRITE);
        m.onWrite(IMS, (i, v) -> interrupts.writeIms(v));
        m.define(IMC, WRITE_ONLY);
        m.onWrite(IMC, (i, v) -> interrupts.writeImc(v));
        m.define(RCTL, READ_WRITE);
        m.onWrite(RCTL, (i, v) -> writeRctl(v));
        m.define(TCTL, READ_WRITE);
        m.onWrite(TCTL, (i, v) -> writeTctl(i, v));
        m.define(TDT, READ_WRITE);
        m.onWrite(TDT, (i, v) -> writeTctl(i, v));
        m.define(RDT, READ_WRITE);
        m.onWrite(RDT, (i, v) -> writeRdt(v));

        // Masked plain registers (QEMU's set_16bit / set_dlen / set_11bit / set_13bit / set_4bit).
        m.define(TDH, 1, READ_WRITE, 0xFFFF);
        m.define(RDH, 1, READ_WRITE, 0xFFFF);
        m.define(TDLEN, 1, READ_WRITE, 0xFFF80);
        m.define(RDLEN, 1, READ_WRITE, 0xFFF80);
        m.define(RDTR, 1, READ_WRITE, 0xFFFF);
        m.define(RADV, 1, READ_WRITE, 0xFFFF);
        m.define(TADV, 1, READ_WRITE, 0xFFFF);
        m.define(ITR, 1, READ_WRITE, 0xFFFF);
        m.define(AIT, 1, READ_WRITE, 0xFFFF);
        for (int r : new int[] {TDFH, TDFT}) {
            m.define(r, 1, READ_WRITE, 0x7FF);
        }
        for (int r : new int[] {TDFHS, TDFTS, TDFPC, RDFH, RDFT, RDFHS, RDFTS, RDFPC}) {
            m.define(r, 1, READ_WRITE, 0x1FFF);
        }
        m.define(FFLT, FFLT_COUNT, READ_WRITE, 0x7FF);
        m.define(FFMT, FFMT_COUNT, READ_WRITE, 0xF);

        // Plain read-write registers.
        for (int r : new int[] {PBA, TDBAL, TDBAH, RDBAL, RDBAH, TXDCTL, LEDCTL, VET, SWSM, WUFC, WUC, IPAV,
                FCRUC}) {
            m.define(r, READ_WRITE);
        }
        // QEMU 7.2 has MANC in its read table only: Linux's write (clearing ARP_EN) is dropped, and the
        // capture reads the reset value again after it.
        m.define(MANC, READ_ONLY);
        m.define(WUS, READ_WRITE);
        m.define(RAL0, 2 * RA_COUNT, READ_WRITE, 0xFFFF_FFFF);
        m.define(MTA, MTA_COUNT, READ_WRITE, 0xFFFF_FFFF);
        m.define(VFTA, VFTA_COUNT, READ_WRITE, 0xFFFF_FFFF);
        m.define(IP4AT, IP4AT_COUNT, READ_WRITE, 0xFFFF_FFFF);
        m.define(IP6AT, IP6AT_COUNT, READ_WRITE, 0xFFFF_FFFF);
        m.define(WUPM, WUPM_COUNT, READ_WRITE, 0xFFFF_FFFF);
        m.define(FFVT, FFVT_COUNT, READ_WRITE, 0xFFFF_FFFF);
        m.define(PBM, PBM_COUNT, READ_WRITE, 0xFFFF_FFFF);

        // Statistics: QEMU 7.2 clears these on read ...
        for (int r : new int[] {PRC64, PRC127, PRC255, PRC511, PRC1023, PRC1522, PTC64, PTC127, PTC255, PTC511,
                PTC1023, PTC1522, GPRC, GPTC, TPT, TPR, RUC, ROC, BPRC, MPRC, TSCTC, BPTC, MPTC}) {
            m.define(r, READ_TO_CLEAR);
        }
        for (int r : new int[] {TORH, TOTH, GORCH, GOTCH}) {
            m.define(r, READ_TO_CLEAR_HIGH);
        }
        // ... and keeps these (the SDM says all statistics clear on read; QEMU's table reads them plainly).
        for (int r = CRCERRS; r <= MPC; r += 4) {
            m.define(r, READ_ONLY);
        }
        for (int r : new int[] {SCC, ECOL, MCC, LATECOL, COLC, DC, TNCRS, SEC, CEXTERR, RLEC, XONRXC, XONTXC,
                XOFFRXC, XOFFTXC, RFC, RJC, RNBC, TSCTFC, MGTPRC, MGTPDC, MGTPTC, GORCL, GOTCL, TORL, TOTL}) {
            m.define(r, READ_ONLY);
        }

        // Registers Linux writes that QEMU 7.2 does not implement: read 0, writes ignored (as in QEMU).
        for (int r : new int[] {CTRL_EXT, FCAL, FCAH, FCT, FCTTV, TXCW, RXCW, TIPG, FCRTL, FCRTH, RXDCTL, RSRPD,
                TXDMAC, TIDV, TSPMT, RXCSUM, WUPL}) {
            m.define(r, UNIMPLEMENTED);
        }

        if (!config.mitigation()) {
            for (int r : new int[] {ITR, RDTR, RADV, TADV}) {
                m.setAccess(r, DISABLED);
            }
        }
    }

    /**
     * Power-on reset (and CTRL.RST): registers to their reset values, MAC address into RAL0/RAH0, interrupts
     * deasserted, transmit state and EEPROM transfer forgotten. A CTRL.RST keeps the PHY (SDM 13.4.1: the
     * PHY has its own reset, CTRL.PHY_RST).
     */
    private void reset(boolean powerOn) {
        autoneg.cancel();
        rxSettle.cancel();
        java.util.Arrays.fill(regs, 0);
        if (powerOn) {
            phy.reset();
        }
        regs[PBA >>> 2] = 0x0010_0030;
        regs[LEDCTL >>> 2] = 0x602;
        regs[CTRL >>> 2] = CTRL_SWDPIN2 | CTRL_SWDPIN0 | CTRL_SPD_1000 | CTRL_SLU;
        regs[STATUS >>> 2] = 0x8000_0000 | STATUS_GIO_MASTER_ENABLE | STATUS_ASDV | STATUS_MTXCKOK
                | STATUS_SPEED_1000 | STATUS_FD | STATUS_LU;
        regs[MANC >>> 2] = MANC_EN_MNG2HOST | MANC_RCV_TCO_EN | MANC_ARP_EN | MANC_0298_EN | MANC_RMCP_EN;
        regs[VET >>> 2] = 0x8100;
        byte[] mac = config.mac();
        regs[RAL0 >>> 2] = (mac[0] & 0xFF) | (mac[1] & 0xFF) << 8 | (mac[2] & 0xFF) << 16 | (mac[3] & 0xFF) << 24;
        regs[RAH0 >>> 2] = (mac[4] & 0xFF) | (mac[5] & 0xFF) << 8 | RAH_AV;
        if (!cableConnected) {
            linkDownRegisters();
        } else if (!powerOn && (phy.regs[Phy.BMSR] & Phy.BMSR_LINK_ST) == 0) {
            regs[STATUS >>> 2] &= ~STATUS_LU;
        }
        ioAddress = 0;
        eeprom.reset();
        tx.reset();
        rx.reset();
        interrupts.reset();
    }

    // ---- side-effect handlers ----

    private void writeCtrl(int value) {
        if ((value & CTRL_RST) != 0) {
            reset(false);
            return;
        }
        regs[CTRL >>> 2] = value;
    }

    private void writeMdic(int value) {
        int result = phy.mdic(value, regs[MDIC >>> 2]);
        regs[MDIC >>> 2] = result;
        if (phy.takeRestartRequest()) {
            restartAutoneg();
        }
        if ((result & MDIC_INT_EN) != 0) {
            interrupts.raise(ICR_MDAC);
        }
    }

    private void writeRctl(int value) {
        regs[RCTL >>> 2] = value;
        rx.rctlChanged(value);
        rxSettle.arm(msDeadline(RCTL_SETTLE_MS));
    }

    /** TDT and TCTL writes both start transmission (QEMU set_tctl); TDT keeps 16 bits. */
    private void writeTctl(int index, int value) {
        regs[index] = value;
        regs[TDT >>> 2] &= 0xFFFF;
        tx.start();
    }

    private void writeRdt(int value) {
        regs[RDT >>> 2] = value & 0xFFFF;
        if (rx.hasBuffers(1)) {
            ctx.rxReady();
        }
    }

    private void restartAutoneg() {
        linkDownRegisters();
        autoneg.arm(msDeadline(Phy.AUTONEG_DELAY_MS));
    }

    /** QEMU's millisecond timers fire at whole milliseconds of virtual time. */
    private long msDeadline(long delayMs) {
        long ms = ctx.now() / NS_PER_MS + delayMs;
        // near the end of representable time the deadline saturates: the timer never fires, as for any later time
        return ms > Long.MAX_VALUE / NS_PER_MS ? Long.MAX_VALUE : ms * NS_PER_MS;
    }

    private void autonegDone() {
        if (!cableConnected) {
            return;
        }
        phy.autonegDone();
        regs[STATUS >>> 2] |= STATUS_LU;
        ctx.rxReady();
        interrupts.raise(ICR_LSC);
    }

    private void linkDownRegisters() {
        regs[STATUS >>> 2] &= ~STATUS_LU;
        phy.linkDown();
    }

    private void loopback(byte[] frame, int offset, int length) {
        receive(frame, offset, length);
    }

    // ---- public controls ----

    /**
     * The cable was plugged or unplugged (QEMU's {@code set_link}): the link goes down at once; coming up, it
     * renegotiates (500 ms) if autonegotiation is on and was not complete. LSC is raised when STATUS changes.
     */
    public void setLinkUp(boolean up) {
        int before = regs[STATUS >>> 2];
        cableConnected = up;
        if (!up) {
            linkDownRegisters();
        } else if (phy.autonegEnabled() && !phy.autonegComplete()) {
            restartAutoneg();
        } else {
            phy.linkUp();
            regs[STATUS >>> 2] |= STATUS_LU;
            ctx.rxReady();
        }
        if (regs[STATUS >>> 2] != before) {
            interrupts.raise(ICR_LSC);
        }
    }

    public E1000Config config() {
        return config;
    }

    /** Guest accesses to offsets with no register (BAR0, or the BAR1 window), which read 0 and ignore writes. */
    public long unknownAccesses() {
        return map.unknownReads() + map.unknownWrites() + unknownBarAccesses;
    }

    public long unknownReads() {
        return map.unknownReads();
    }

    public long unknownWrites() {
        return map.unknownWrites();
    }

    /** Writes dropped because the register is read-only. */
    public long droppedWrites() {
        return map.droppedWrites();
    }

    public long framesTransmitted() {
        return tx.framesSent();
    }

    public long framesReceived() {
        return rx.framesDelivered();
    }

    @Override
    public Map<String, Long> activity() {
        long[] t = tx.activity();
        long[] r = rx.activity();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("TX descriptors", t[0]);
        m.put("TX context descriptors", t[1]);
        m.put("TX frames", tx.framesSent());
        m.put("TX TSO segments", t[2]);
        m.put("TX checksums inserted", t[3]);
        m.put("TX VLAN tags inserted", t[4]);
        m.put("TX ring wraps", t[5]);
        m.put("RX frames", rx.framesDelivered());
        m.put("RX frames over several descriptors", r[0]);
        m.put("RX VLAN tags stripped", r[1]);
        m.put("RX ring wraps", r[2]);
        m.put("RX frames refused for want of descriptors", r[3]);
        m.put("RX frames dropped (filtered, oversized)", r[4]);
        m.put("interrupts asserted", interrupts.assertions());
        m.put("interrupt moderation windows", interrupts.windows());
        m.put("guest DMA outside RAM", t[6] + r[5]);
        m.put("guest writes to unknown registers", map.unknownWrites());
        m.put("guest writes to read-only registers", map.droppedWrites());
        return m;
    }

    @Override
    public Map<String, String> state() {
        Map<String, String> m = new LinkedHashMap<>();
        // straight from the register file: a read through the device would clear ICR
        for (int r : new int[] {CTRL, STATUS, ICR, IMS, ITR, RCTL, TCTL}) {
            m.put(E1000Registers.name(r), "0x" + Integer.toHexString(regs[r >>> 2]));
        }
        m.put("RDBA", "0x" + Long.toHexString((long) regs[RDBAH >>> 2] << 32 | (regs[RDBAL >>> 2] & 0xFFFF_FFFFL)));
        for (int r : new int[] {RDLEN, RDH, RDT}) {
            m.put(E1000Registers.name(r), Integer.toString(regs[r >>> 2]));
        }
        m.put("TDBA", "0x" + Long.toHexString((long) regs[TDBAH >>> 2] << 32 | (regs[TDBAL >>> 2] & 0xFFFF_FFFFL)));
        for (int r : new int[] {TDLEN, TDH, TDT}) {
            m.put(E1000Registers.name(r), Integer.toString(regs[r >>> 2]));
        }
        m.put("INTx line", interrupts.level() ? "up" : "down");
        return m;
    }

    /** Frames taken from the backend but not delivered: filtered, oversized, or no room (RXO). */
    public long framesDropped() {
        return rx.framesDropped();
    }

    /** The current level of the interrupt line as the device drives it. */
    public boolean interruptPending() {
        return interrupts.level();
    }

    /** The register value without side effects (for tests and inspection). */
    public int peek(int offset) {
        return regs[(offset & (MMIO_SIZE - 1)) >>> 2];
    }

    /** A PHY register value without side effects. */
    public int peekPhy(int reg) {
        return phy.regs[reg & 31];
    }

    /** An EEPROM word. */
    public int eepromWord(int index) {
        return eeprom.word(index);
    }

    // ---- Device ----

    // ---- GuestAddressNames: read-only, from TDBA/TDLEN, RDBA/RDLEN and the descriptors last fetched ----

    private static final String[] TX_FIELDS = {"buffer address", "buffer address", "buffer address", "buffer address",
            "buffer address", "buffer address", "buffer address", "buffer address", "length", "length", "CSO", "CMD",
            "status", "CSS", "special", "special"};
    private static final String[] RX_FIELDS = {"buffer address", "buffer address", "buffer address", "buffer address",
            "buffer address", "buffer address", "buffer address", "buffer address", "length", "length", "checksum",
            "checksum", "status", "errors", "special", "special"};

    /**
     * {@code TX desc 0 (TDBA+0xc) status}, {@code TX buffer of the last descriptor fetched +0x22}, and when
     * neither ring nor buffer holds the address, {@code RX desc 256 (RDBA+0x1000), outside the ring (RDLEN 4096)}
     * (any index the 16-bit TDH/RDH could hold); null elsewhere.
     */
    @Override
    public String describeDma(long address, long length) {
        String name = null;
        for (int pass = 0; pass < 2 && name == null; pass++) {
            boolean outside = pass == 1;
            name = ringName("TX", "TDBA", "TDLEN", TDBAL, TDBAH, TDLEN, TX_FIELDS, address, length, outside);
            if (name == null) {
                name = ringName("RX", "RDBA", "RDLEN", RDBAL, RDBAH, RDLEN, RX_FIELDS, address, length, outside);
            }
            if (name == null && !outside) {
                name = bufferName("TX", tx.lastBufferAddress(), tx.lastBufferLength(), address);
            }
            if (name == null && !outside) {
                name = bufferName("RX", rx.lastBufferAddress(), rx.bufferSize(), address);
            }
        }
        return name;
    }

    private String ringName(String ring, String base, String lengthName, int lowReg, int highReg, int lengthReg,
                            String[] fields, long address, long length, boolean outside) {
        int ringLength = regs[lengthReg >>> 2];
        if (ringLength <= 0) {
            return null; // not set up
        }
        long off = address - (((long) regs[highReg >>> 2] << 32) + (regs[lowReg >>> 2] & 0xFFFF_FFF0L));
        if (Long.compareUnsigned(off, (long) DESCRIPTOR_SIZE << 16) >= 0) {
            return null; // beyond any index the 16-bit head could hold
        }
        long index = off / DESCRIPTOR_SIZE;
        if (outside != index >= ringLength / DESCRIPTOR_SIZE) {
            return null;
        }
        int in = (int) (off % DESCRIPTOR_SIZE);
        return ring + " desc " + index + " (" + base + "+0x" + Long.toHexString(off) + ")"
                + (in == 0 && Long.compareUnsigned(length, DESCRIPTOR_SIZE) >= 0 ? "" : " " + fields[in])
                + (outside ? ", outside the ring (" + lengthName + " " + ringLength + ")" : "");
    }

    private static String bufferName(String ring, long buffer, long length, long address) {
        long off = address - buffer;
        if (buffer == 0 || Long.compareUnsigned(off, length) >= 0) {
            return null;
        }
        return ring + " buffer of the last descriptor fetched +0x" + Long.toHexString(off);
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public PciConfigSpace pciConfig() {
        return pci;
    }

    @Override
    public void configWrite(int offset, int size, long value) {
        boolean masterBefore = pci.busMasterEnabled();
        pci.write(offset, size, value);
        interrupts.setLineDisabled(pci.intxDisabled());
        if (!masterBefore && pci.busMasterEnabled()) {
            // QEMU flushes its receive queue when bus mastering is switched on (e1000_write_config).
            ctx.rxReady();
        }
    }

    @Override
    public long read(int bar, long offset, int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            unknownBarAccesses++;
            return 0;
        }
        if (bar == 0) {
            if (offset < 0 || offset + size > MMIO_SIZE) {
                unknownBarAccesses++;
                return 0;
            }
            return readMmio((int) offset, size);
        }
        if (bar == 1) {
            if (offset < 0 || offset + size > IO_SIZE) {
                unknownBarAccesses++;
                return 0;
            }
            return readIo((int) offset, size);
        }
        unknownBarAccesses++;
        return 0;
    }

    @Override
    public void write(int bar, long offset, int size, long value) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            unknownBarAccesses++;
            return;
        }
        if (bar == 0) {
            if (offset < 0 || offset + size > MMIO_SIZE) {
                unknownBarAccesses++;
                return;
            }
            writeMmio((int) offset, size, value);
        } else if (bar == 1) {
            if (offset < 0 || offset + size > IO_SIZE) {
                unknownBarAccesses++;
                return;
            }
            writeIo((int) offset, size, value);
        } else {
            unknownBarAccesses++;
        }
    }

    @Override
    public boolean receive(byte[] frame, int offset, int length) {
        if (frame == null || offset < 0 || length < 0 || length > frame.length - offset) {
            return true; // nothing a guest controls; refuse the malformed call without keeping it queued
        }
        return rx.receive(frame, offset, length, canReceive());
    }

    /** QEMU e1000_can_receive: link up, receiver on, bus master on, a free descriptor, not settling after RCTL. */
    private boolean canReceive() {
        return (regs[STATUS >>> 2] & STATUS_LU) != 0
                && (regs[RCTL >>> 2] & RCTL_EN) != 0
                && pci.busMasterEnabled()
                && rx.hasBuffers(1)
                && !rxSettle.armed();
    }

    /**
     * Registers are 32 bits. A narrower read returns bytes of the register (its read side effect happens);
     * an 8-byte read reads two registers. A narrower write merges into the stored value, then acts as a
     * 32-bit write. Linux only uses aligned 32-bit accesses.
     */
    private long readMmio(int offset, int size) {
        int index = offset >>> 2;
        int shift = (offset & 3) * 8;
        if (size == 8) {
            long low = map.read(index) & 0xFFFF_FFFFL;
            long high = index + 1 < WORDS ? map.read(index + 1) & 0xFFFF_FFFFL : 0;
            return (low | high << 32) >>> shift;
        }
        long value = (map.read(index) & 0xFFFF_FFFFL) >>> shift;
        return size == 4 ? value : value & ((1L << (8 * size)) - 1);
    }

    private void writeMmio(int offset, int size, long value) {
        int index = offset >>> 2;
        if (size == 8 && (offset & 3) == 0) {
            map.write(index, (int) value);
            if (index + 1 < WORDS) {
                map.write(index + 1, (int) (value >>> 32));
            }
            return;
        }
        if (size == 4 && (offset & 3) == 0) {
            map.write(index, (int) value);
            return;
        }
        int shift = (offset & 3) * 8;
        int bytes = Math.min(size, 4 - (offset & 3));
        long mask = ((1L << (8 * bytes)) - 1) << shift;
        int merged = (int) ((regs[index] & ~mask) | ((value << shift) & mask));
        map.write(index, merged);
    }

    /** BAR1: QEMU 7.2 implements none of it (e1000_io_read returns 0); with ioWindow, IOADDR/IODATA per SDM 13.2.1. */
    private long readIo(int offset, int size) {
        if (!config.ioWindow()) {
            return 0;
        }
        long value;
        if (offset < IODATA) {
            value = ioAddress & 0xFFFF_FFFFL;
        } else if (offset < IODATA + 4) {
            value = ioAddress >= 0 && ioAddress < MMIO_SIZE ? map.read(ioAddress >>> 2) & 0xFFFF_FFFFL : 0;
        } else {
            return 0;
        }
        value >>>= (offset & 3) * 8;
        return size >= 4 ? value : value & ((1L << (8 * size)) - 1);
    }

    private void writeIo(int offset, int size, long value) {
        if (!config.ioWindow()) {
            return;
        }
        if (offset == IOADDR && size >= 4) {
            ioAddress = (int) value & (MMIO_SIZE - 4);
        } else if (offset == IODATA && size >= 4) {
            writeMmio(ioAddress, 4, value);
        }
    }
}
