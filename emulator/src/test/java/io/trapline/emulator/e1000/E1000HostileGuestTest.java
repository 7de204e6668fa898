package io.trapline.emulator.e1000;

import io.trapline.emulator.pci.PciConfigSpace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static io.trapline.emulator.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What a hostile guest can do to the model: every access and every TX kick ends after bounded work, no
 * exception escapes, memory stays bounded. The CVE cases rebuild the guest patterns behind QEMU's e1000
 * infinite loops (NVD descriptions; fixes in hw/net/e1000.c).
 */
class E1000HostileGuestTest {
    static final long RING = 0x10000;
    static final long BUF = 0x40000;
    static final Duration QUICK = Duration.ofSeconds(5);

    /**
     * CVE-2015-6815: process_tx_desc looped forever on a TSO descriptor once the frame buffer was full,
     * because the copy size became 0 while the descriptor still had bytes left.
     */
    @Test
    void cve2015_6815_tsoDescriptorThatCannotAdvanceEnds() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 16);
        // hdr_len 255 + MSS 65535: a segment would be larger than the 64 KiB frame buffer.
        E1000TransmitTest.contextDescriptor(rig, 0, 14, 24, 33, 34, 50, 0, TXD_CMD_TSE | TXD_CMD_TCP | 100000, 255,
                0xFFFF);
        for (int i = 1; i < 5; i++) {
            E1000TransmitTest.dataDescriptor(rig, i, BUF, 0xFFFF, TXD_CMD_TSE, 0);
        }
        E1000TransmitTest.dataDescriptor(rig, 5, BUF, 0xFFFF, TXD_CMD_TSE | TXD_CMD_EOP | TXD_CMD_RS, 0);
        assertTimeoutPreemptively(QUICK, () -> rig.write(TDT, 6));
        assertEquals(6, rig.read(TDH));
        assertEquals(1, rig.sent.size());
        assertEquals(TxPath.MAX_FRAME, rig.sent.get(0).length, "the frame stops growing at 64 KiB");
    }

    /**
     * CVE-2016-1981: with TDH (or RDH) set outside the ring, the head never met the tail and the walk did
     * not end. The model stops after one descriptor when the walk starts outside the ring.
     */
    @Test
    void cve2016_1981_headOutsideTheRingStopsAfterOneDescriptor() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        rig.write(TDH, 100);
        assertTimeoutPreemptively(QUICK, () -> rig.write(TDT, 50));
        assertEquals(0, rig.read(TDH), "one descriptor, then wrapped and stopped");

        E1000Rig rx = E1000ReceiveTest.ready(8, RCTL_EN);
        rx.write(RDH, 100);
        rx.write(RDT, 50);
        assertTimeoutPreemptively(QUICK, () -> assertTrue(rx.receive(E1000ReceiveTest.toUs(60))));
        assertEquals(1, rx.read(RNBC), "a frame that could not be placed is an overrun");
    }

    /**
     * CVE-2021-20257: a TSO data descriptor chained after a legacy one found the frame already past
     * hdr_len + MSS; the unsigned remainder underflowed and the copy loop never ended.
     */
    @Test
    void cve2021_20257_tsoDataAfterLegacyDataEndsTheDescriptor() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        rig.putTxDescriptor(RING, 0, BUF, 200, 0); // legacy, no EOP: 200 bytes pending
        E1000TransmitTest.contextDescriptor(rig, 1, 14, 24, 33, 34, 50, 0, TXD_CMD_TSE | TXD_CMD_TCP | 100, 10, 10);
        E1000TransmitTest.dataDescriptor(rig, 2, BUF, 1000, TXD_CMD_TSE | TXD_CMD_EOP, 0);
        assertTimeoutPreemptively(QUICK, () -> rig.write(TDT, 3));
        assertEquals(3, rig.read(TDH));
        assertEquals(1, rig.sent.size(), "the pending bytes go out once, at EOP");
    }

    @Test
    void ringLengthZeroDoesOneDescriptorPerKick() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        rig.write(TDLEN, 0);
        rig.putTxDescriptor(RING, 0, BUF, 60, TXD_CMD_EOP | TXD_CMD_RS);
        rig.write(TDT, 5);
        assertEquals(1, rig.sent.size());
        assertEquals(0, rig.read(TDH));

        E1000Rig rx = E1000ReceiveTest.ready(8, RCTL_EN);
        rx.write(RDLEN, 0);
        assertTrue(rx.receive(E1000ReceiveTest.toUs(60)));
        assertEquals(1, rx.read(RNBC));
    }

    @Test
    void theLargestRingIsWalkedOnceWithinBoundedTime() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        rig.write(TDLEN, 0xFFFF_FFFF); // 0xFFF80: 65528 descriptors of zeros
        rig.write(TDH, 1);
        assertTimeoutPreemptively(QUICK, () -> rig.write(TDT, 0));
        assertEquals(0, rig.read(TDH));
        assertEquals(0, rig.sent.size(), "zero-length legacy descriptors without EOP send nothing");
    }

    @Test
    void descriptorsAndBuffersOutsideRamReadAsZeros() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        rig.write(TDBAH, 0x7FFF_FFFF);
        rig.write(TDT, 3);
        assertEquals(3, rig.read(TDH));
        assertEquals(0, rig.sent.size());

        E1000Rig out = new E1000Rig();
        out.setUpTx(RING, 8);
        out.putTxDescriptor(RING, 0, E1000Rig.RAM - 10, 100, TXD_CMD_EOP | TXD_CMD_RS);
        out.write(TDT, 1);
        assertArrayEquals(new byte[100], out.sent.get(0));
        assertEquals(0L, rig.nic.activity().get("TX frames"));
        assertEquals(3L, rig.nic.activity().get("guest DMA outside RAM"), "three descriptors outside RAM");
        assertEquals(1L, out.nic.activity().get("guest DMA outside RAM"), "one buffer outside RAM");
        assertEquals(1L, out.nic.activity().get("TX frames"));

        E1000Rig rx = E1000ReceiveTest.ready(8, RCTL_EN);
        rx.write(RDBAH, 0x7FFF_FFFF);
        assertTrue(rx.receive(E1000ReceiveTest.toUs(60)), "descriptor reads as a null buffer: skipped");
    }

    @Test
    void aChainWithoutEopNeverGrowsPast64KiB() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        for (int i = 0; i < 8; i++) {
            rig.putTxDescriptor(RING, i, BUF, 0xFFFF, 0);
        }
        for (int lap = 0; lap < 20; lap++) {
            rig.write(TDT, (rig.read(TDH) + 7) % 8);
        }
        assertEquals(0, rig.sent.size());
        int head = rig.read(TDH);
        rig.putTxDescriptor(RING, head, BUF, 10, TXD_CMD_EOP);
        rig.write(TDT, (head + 1) % 8);
        assertEquals(TxPath.MAX_FRAME, rig.sent.get(0).length);
    }

    @Test
    void zeroLengthDescriptorsAreHarmless() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        rig.putTxDescriptor(RING, 0, 0, 0, TXD_CMD_EOP | TXD_CMD_RS);
        rig.write(TDT, 1);
        assertEquals(1, rig.sent.size());
        assertEquals(0, rig.sent.get(0).length);
    }

    @Test
    void framesLargerThan64KiBAreDroppedAndCounted() {
        E1000Rig rx = E1000ReceiveTest.ready(8, RCTL_EN | RCTL_LPE | RCTL_SBP | RCTL_BSEX | 1 << RCTL_BSIZE_SHIFT);
        assertTrue(rx.receive(new byte[70_000]));
        assertEquals(1, rx.read(ROC));
        assertEquals(0, rx.read(RDH));
        assertTrue(rx.receive(E1000ReceiveTest.toUs(20_000)), "SBP: a long frame is stored across buffers");
        assertEquals(2, rx.read(RDH));
    }

    @Test
    void malformedBoundaryCallsDoNotThrow() {
        E1000Rig rig = new E1000Rig();
        assertEquals(0, rig.nic.read(0, -4, 4));
        assertEquals(0, rig.nic.read(0, MMIO_SIZE, 4));
        assertEquals(0, rig.nic.read(3, 0, 4));
        assertEquals(0, rig.nic.read(0, 0, 3));
        rig.nic.write(0, MMIO_SIZE - 2, 4, -1);
        rig.nic.write(1, 0x3C, 8, -1);
        rig.nic.write(5, 0, 4, 1);
        assertTrue(rig.nic.receive(new byte[10], 8, 10));
        assertTrue(rig.nic.receive(null, 0, 0));
    }

    /** One million random register, memory, frame and time operations: no exception, no hang, bounded state. */
    @Test
    void aMillionRandomOperationsNeitherThrowNorHang() {
        final long seed = 0x1000E_82540L;
        assertTimeoutPreemptively(Duration.ofSeconds(50), () -> runRandom(seed, 1_000_000));
    }

    static final int[] INTERESTING = {CTRL, STATUS, EECD, EERD, MDIC, ICR, ITR, ICS, IMS, IMC, RCTL, TCTL, TDBAL,
        TDBAH, TDLEN, TDH, TDT, RDBAL, RDBAH, RDLEN, RDH, RDT, RDTR, RADV, TADV, VET, MTA, RAL0, RAH0, VFTA,
        GPRC, TORH, TOTH, MPC, RNBC, TIPG, PBA};

    static void runRandom(long seed, int operations) {
        runRandom(seed, operations, new long[8]);
    }

    /** As above; {@code nanosByKind} accumulates time per operation kind (for tuning the generator). */
    static void runRandom(long seed, int operations, long[] nanosByKind) {
        SplittableRandom random = new SplittableRandom(seed);
        E1000Rig rig = new E1000Rig();
        rig.keepFrames = false;
        long window = 1 << 20;
        byte[] frame = new byte[2048];
        byte[] chunk = new byte[64];
        long[] checkpoint = null;
        for (int op = 0; op < operations; op++) {
            if (op == operations / 10) {
                checkpoint = heapAndGuestPages(rig);
            }
            int kind = random.nextInt(100);
            long started = System.nanoTime();
            if (kind < 35) {
                int reg = INTERESTING[random.nextInt(INTERESTING.length)];
                if ((reg == RCTL || reg == MDIC) && random.nextInt(8) != 0) {
                    reg = RDT; // RCTL and MDIC writes hold RX back for 1 s / 500 ms: keep them rarer
                }
                rig.write(reg, randomValue(random, reg, window));
            } else if (kind < 55) {
                int offset = random.nextInt(4) == 0 ? random.nextInt(MMIO_SIZE) & ~3
                        : INTERESTING[random.nextInt(INTERESTING.length)];
                rig.read(offset);
            } else if (kind < 75) {
                random.nextBytes(chunk);
                long at = random.nextLong(window - chunk.length);
                if (random.nextInt(8) != 0) {
                    // Mostly descriptor-shaped: aligned, buffer inside the window, length up to 4 KiB.
                    at &= ~15L;
                    long buffer = random.nextLong(window);
                    for (int i = 0; i < 8; i++) {
                        chunk[i] = (byte) (buffer >>> (8 * i));
                    }
                    chunk[9] &= 0x0F;
                    rig.memory().write(at, chunk, 0, 16);
                } else {
                    rig.memory().write(at, chunk, 0, 16 + random.nextInt(48));
                }
            } else if (kind < 85) {
                int length = random.nextInt(frame.length);
                random.nextBytes(frame);
                if (random.nextBoolean()) {
                    System.arraycopy(E1000Rig.OUR_MAC, 0, frame, 0, 6);
                }
                rig.nic.receive(frame, 0, length);
            } else if (kind < 93) {
                // Mostly short steps; now and then past autonegotiation and the RCTL settle time.
                rig.advance(random.nextInt(32) == 0 ? 1_100_000_000L : random.nextLong(2_000_000));
            } else if (kind < 96) {
                int bar = random.nextInt(3);
                int size = 1 << random.nextInt(4);
                long offset = random.nextLong(-8, 0x20008);
                if (random.nextBoolean()) {
                    rig.nic.write(bar, offset, size, random.nextLong());
                } else {
                    rig.nic.read(bar, offset, size);
                }
            } else if (kind < 98) {
                rig.nic.configWrite(PciConfigSpace.COMMAND, 2, random.nextInt(0x800));
            } else {
                rig.nic.setLinkUp(random.nextInt(4) != 0);
            }
            nanosByKind[Math.min(7, kind / 12)] += System.nanoTime() - started;
        }
        assertTrue(rig.machine.scheduler().pending() <= 3, "only the device's own three timers can be pending");
        // The run must have reached the data paths, not only the register file.
        assertTrue(rig.framesOut > 100, "frames transmitted: " + rig.framesOut);
        assertTrue(rig.nic.framesReceived() > 100, "frames received: " + rig.nic.framesReceived());
        assertTrue(rig.nic.unknownAccesses() > 0);
        long[] end = heapAndGuestPages(rig);
        long deviceGrowth = (end[0] - checkpoint[0]) - (end[1] - checkpoint[1]) * 4096;
        assertTrue(deviceGrowth < 32L << 20, "heap grew by " + (deviceGrowth >> 20) + " MiB beyond guest RAM pages");
    }

    /** Used heap after a collection, and guest RAM pages allocated (RAM the guest touched is not the device's). */
    private static long[] heapAndGuestPages(E1000Rig rig) {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return new long[] {rt.totalMemory() - rt.freeMemory(), rig.memory().pagesAllocated()};
    }

    private static int randomValue(SplittableRandom random, int reg, long window) {
        switch (reg) {
            case TDBAL:
            case RDBAL:
                return (int) random.nextLong(window);
            case TDBAH:
            case RDBAH:
                return random.nextInt(16) == 0 ? random.nextInt() : 0;
            case TDLEN:
            case RDLEN:
                // Now and then the largest ring (65528 descriptors): each kick then walks it all.
                return random.nextInt(256) == 0 ? random.nextInt() : random.nextInt(8) * 128;
            case TDH:
            case TDT:
            case RDH:
            case RDT:
                return random.nextInt(16) == 0 ? random.nextInt() : random.nextInt(64);
            case RCTL:
                return random.nextInt(4) == 0 ? random.nextInt() : RCTL_EN | RCTL_UPE | RCTL_BAM | (random.nextInt(4) << 16);
            case CTRL:
                return random.nextInt(64) == 0 ? random.nextInt() : random.nextInt() & ~CTRL_RST;
            default:
                return random.nextInt();
        }
    }
}
