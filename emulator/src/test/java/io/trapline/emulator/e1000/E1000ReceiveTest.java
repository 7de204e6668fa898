package io.trapline.emulator.e1000;

import io.trapline.emulator.pci.PciConfigSpace;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.trapline.emulator.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

class E1000ReceiveTest {
    static final long RING = 0x80000;
    static final long BUFS = 0x100000;

    static E1000Rig ready(int descriptors, int rctl) {
        E1000Rig rig = new E1000Rig();
        rig.negotiateLink();
        rig.read(ICR);
        rig.setUpRx(RING, descriptors, BUFS, rctl);
        return rig;
    }

    static byte[] toUs(int length) {
        return E1000Rig.frame(E1000Rig.OUR_MAC, E1000Rig.PEER_MAC, 0x0800, length);
    }

    static int status(E1000Rig rig, int index) {
        return rig.memory().loadU8(RING + 16L * index + 12);
    }

    static int length(E1000Rig rig, int index) {
        return rig.memory().loadU16(RING + 16L * index + 8);
    }

    @Test
    void aFrameLandsInTheNextDescriptorWithEopAndRaisesRxt0() {
        E1000Rig rig = ready(8, RCTL_EN);
        rig.write(IMS, ICR_RXT0);
        byte[] f = toUs(100);
        assertTrue(rig.receive(f));
        byte[] got = new byte[100];
        rig.memory().read(BUFS, got, 0, 100);
        assertArrayEquals(f, got);
        assertEquals(104, length(rig, 0), "length includes the 4-byte FCS");
        assertEquals(RXD_STAT_DD | RXD_STAT_EOP | RXD_STAT_IXSM, status(rig, 0));
        assertEquals(1, rig.read(RDH));
        assertTrue(rig.intx);
        assertEquals(ICR_RXT0, rig.read(ICR));
        assertEquals(1, rig.read(GPRC));
        assertEquals(1, rig.read(PRC127));
        assertEquals(104, rig.read(GORCL));
    }

    @Test
    void shortFramesArePaddedTo60Bytes() {
        E1000Rig rig = ready(8, RCTL_EN | RCTL_SECRC);
        assertTrue(rig.receive(toUs(42)));
        assertEquals(60, length(rig, 0), "SECRC: no FCS counted");
    }

    @Test
    void aFrameLargerThanTheBufferSpansDescriptors() {
        E1000Rig rig = ready(8, RCTL_EN | 3 << RCTL_BSIZE_SHIFT); // 256-byte buffers
        byte[] f = toUs(600);
        assertTrue(rig.receive(f));
        assertEquals(256, length(rig, 0));
        assertEquals(256, length(rig, 1));
        assertEquals(604 - 512, length(rig, 2));
        assertEquals(RXD_STAT_DD, status(rig, 0));
        assertEquals(RXD_STAT_DD, status(rig, 1));
        assertEquals(RXD_STAT_DD | RXD_STAT_EOP | RXD_STAT_IXSM, status(rig, 2));
        byte[] got = new byte[600];
        for (int i = 0; i < 3; i++) {
            rig.memory().read(BUFS + 4096L * i, got, 256 * i, Math.min(256, 600 - 256 * i));
        }
        assertArrayEquals(f, got);
        assertEquals(3, rig.read(RDH));
    }

    @Test
    void bufferSizeFollowsBsizeAndBsex() {
        assertEquals(2048, RxPath.bufferSize(0));
        assertEquals(1024, RxPath.bufferSize(1 << RCTL_BSIZE_SHIFT));
        assertEquals(512, RxPath.bufferSize(2 << RCTL_BSIZE_SHIFT));
        assertEquals(256, RxPath.bufferSize(3 << RCTL_BSIZE_SHIFT));
        assertEquals(16384, RxPath.bufferSize(RCTL_BSEX | 1 << RCTL_BSIZE_SHIFT));
        assertEquals(8192, RxPath.bufferSize(RCTL_BSEX | 2 << RCTL_BSIZE_SHIFT));
        assertEquals(4096, RxPath.bufferSize(RCTL_BSEX | 3 << RCTL_BSIZE_SHIFT));
    }

    @Test
    void unicastFramesForOtherAddressesAreFilteredUnlessPromiscuous() {
        E1000Rig rig = ready(8, RCTL_EN);
        byte[] other = E1000Rig.frame(new byte[] {0x52, 0x54, 0, 0, 0, 9}, E1000Rig.PEER_MAC, 0x0800, 60);
        assertTrue(rig.receive(other), "taken from the backend ...");
        assertEquals(0, rig.read(RDH), "... but filtered");
        rig.write(RCTL, RCTL_EN | RCTL_UPE);
        rig.advance(E1000.RCTL_SETTLE_MS * 1_000_000L);
        assertTrue(rig.receive(other));
        assertEquals(1, rig.read(RDH));
    }

    @Test
    void receiveAddressesNeedTheValidBit() {
        E1000Rig rig = ready(8, RCTL_EN);
        byte[] second = {0x02, 0, 0, 0, 0, 0x33};
        rig.write(RAL0 + 8, 0x0000_0002);
        rig.write(RAH0 + 8, 0x3300);
        rig.receive(E1000Rig.frame(second, E1000Rig.PEER_MAC, 0x0800, 60));
        assertEquals(0, rig.read(RDH));
        rig.write(RAH0 + 8, 0x3300 | RAH_AV);
        rig.receive(E1000Rig.frame(second, E1000Rig.PEER_MAC, 0x0800, 60));
        assertEquals(1, rig.read(RDH));
    }

    @Test
    void broadcastNeedsBam() {
        E1000Rig rig = ready(8, RCTL_EN);
        rig.receive(E1000Rig.frame(E1000Rig.BROADCAST, E1000Rig.PEER_MAC, 0x0806, 60));
        assertEquals(0, rig.read(RDH));
        rig.write(RCTL, RCTL_EN | RCTL_BAM);
        rig.advance(E1000.RCTL_SETTLE_MS * 1_000_000L);
        rig.receive(E1000Rig.frame(E1000Rig.BROADCAST, E1000Rig.PEER_MAC, 0x0806, 60));
        assertEquals(1, rig.read(RDH));
        assertEquals(1, rig.read(BPRC));
    }

    @Test
    void multicastPassesThroughTheMtaHashOrMpe() {
        E1000Rig rig = ready(8, RCTL_EN);
        byte[] group = {0x01, 0x00, 0x5E, 0x00, 0x00, (byte) 0xFB}; // 224.0.0.251
        byte[] f = E1000Rig.frame(group, E1000Rig.PEER_MAC, 0x0800, 60);
        rig.receive(f);
        assertEquals(0, rig.read(RDH));
        // MO = 0: hash = address bits 47:36, i.e. (byte5 << 4 | byte4 >> 4).
        int hash = ((0xFB << 8 | 0x00) >>> 4) & 0xFFF;
        rig.write(MTA + 4 * (hash >>> 5), 1 << (hash & 31));
        rig.receive(f);
        assertEquals(1, rig.read(RDH));
        assertEquals(1, rig.read(MPRC));
        rig.write(MTA + 4 * (hash >>> 5), 0);
        rig.write(RCTL, RCTL_EN | RCTL_MPE);
        rig.advance(E1000.RCTL_SETTLE_MS * 1_000_000L);
        rig.receive(f);
        assertEquals(2, rig.read(RDH));
    }

    @Test
    void anEmptyRingLeavesTheFrameInTheBackendUntilRdtIsWritten() {
        E1000Rig rig = ready(8, RCTL_EN);
        for (int i = 0; i < 7; i++) {
            assertTrue(rig.receive(toUs(60)));
        }
        assertEquals(7, rig.read(RDH));
        assertEquals(7, rig.read(RDT));
        int before = rig.rxReadyCalls;
        assertFalse(rig.receive(toUs(60)), "RDH == RDT: QEMU's e1000_can_receive is false, the frame stays queued");
        assertEquals(0, rig.read(RNBC), "no overrun is counted for a queued frame");
        rig.write(RDT, 0);
        assertEquals(before + 1, rig.rxReadyCalls, "RDT write with free descriptors flushes the backend queue");
        assertTrue(rig.receive(toUs(60)));
    }

    @Test
    void tooFewFreeDescriptorsDropTheFrameCountItAndRaiseRxo() {
        E1000Rig rig = ready(8, RCTL_EN | 3 << RCTL_BSIZE_SHIFT); // 256-byte buffers
        rig.write(RDT, 2); // two free: 512 bytes for a 1004-byte frame
        rig.write(IMS, ICR_RXO);
        assertTrue(rig.receive(toUs(1000)), "taken and dropped, as QEMU's e1000_receive_iov returns -1");
        assertEquals(0, rig.read(RDH));
        assertEquals(ICR_RXO, rig.read(ICR) & ICR_RXO);
        assertEquals(1, rig.read(RNBC));
        assertEquals(1, rig.read(MPC));
        assertEquals(1, rig.read(MPC), "QEMU 7.2 does not clear MPC on read");
        assertEquals(1, rig.nic.framesDropped());
    }

    @Test
    void rxdmt0WhenFreeDescriptorsFallToTheThreshold() {
        E1000Rig rig = ready(16, RCTL_EN); // RDMTS = 0: half the ring
        rig.read(ICR);
        for (int i = 0; i < 6; i++) {
            rig.receive(toUs(60));
        }
        assertEquals(0, rig.read(ICR) & ICR_RXDMT0, "9 of 16 still free");
        rig.receive(toUs(60));
        assertEquals(ICR_RXDMT0, rig.read(ICR) & ICR_RXDMT0, "8 free = RDLEN/2");
    }

    @Test
    void anRctlWriteNearTheEndOfTimeSettlesNeverRatherThanAtOnce() {
        E1000Rig rig = ready(8, RCTL_EN);
        rig.runUntil(Long.MAX_VALUE - 500_000_000L); // half a second before the last representable nanosecond
        rig.write(RCTL, RCTL_EN);
        int calls = rig.rxReadyCalls;
        rig.advance(1_000_000L);
        assertEquals(calls, rig.rxReadyCalls, "the 1 s settle deadline lies past the end of time: it must not wrap");
        assertFalse(rig.receive(toUs(60)), "still settling");
    }

    @Test
    void noFramesWhileReceiverDisabledLinkDownBusMasterOffOrSettlingAfterRctl() {
        E1000Rig rig = ready(8, RCTL_EN);
        rig.write(RCTL, RCTL_EN);
        assertFalse(rig.receive(toUs(60)), "within 1 s of an RCTL write QEMU holds frames back");
        int calls = rig.rxReadyCalls;
        rig.advance(E1000.RCTL_SETTLE_MS * 1_000_000L);
        assertEquals(calls + 1, rig.rxReadyCalls, "then it flushes its queue");
        assertTrue(rig.receive(toUs(60)));

        rig.nic.configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_MEMORY);
        assertFalse(rig.receive(toUs(60)));
        rig.nic.configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_MEMORY | PciConfigSpace.COMMAND_BUS_MASTER);
        assertEquals(calls + 2, rig.rxReadyCalls);

        rig.nic.setLinkUp(false);
        assertFalse(rig.receive(toUs(60)));
        E1000Rig off = ready(8, 0);
        assertFalse(off.receive(toUs(60)));
    }

    @Test
    void oversizedFramesAreDroppedUnlessLpeOrSbp() {
        E1000Rig rig = ready(8, RCTL_EN);
        assertTrue(rig.receive(toUs(1600)));
        assertEquals(0, rig.read(RDH));
        assertEquals(1, rig.read(ROC));
        rig.write(RCTL, RCTL_EN | RCTL_LPE);
        rig.advance(E1000.RCTL_SETTLE_MS * 1_000_000L);
        assertTrue(rig.receive(toUs(1600)));
        assertEquals(1, rig.read(RDH));
    }

    @Test
    void vlanTagIsStrippedIntoSpecialWhenVmeIsSet() {
        E1000Rig rig = ready(8, RCTL_EN);
        rig.write(CTRL, rig.read(CTRL) | CTRL_VME);
        byte[] inner = toUs(100);
        byte[] tagged = new byte[104];
        System.arraycopy(inner, 0, tagged, 0, 12);
        tagged[12] = (byte) 0x81;
        tagged[13] = 0;
        tagged[14] = 0x20;
        tagged[15] = 0x05;
        System.arraycopy(inner, 12, tagged, 16, 88);
        rig.receive(tagged);
        assertEquals(104, length(rig, 0), "tag removed, FCS added");
        assertEquals(RXD_STAT_DD | RXD_STAT_EOP | RXD_STAT_IXSM | RXD_STAT_VP, status(rig, 0));
        assertEquals(0x2005, rig.memory().loadU16(RING + 14));
        byte[] got = new byte[100];
        rig.memory().read(BUFS, got, 0, 100);
        assertArrayEquals(inner, got);
    }

    @Test
    void vlanFilterDropsTagsNotInVfta() {
        E1000Rig rig = ready(8, RCTL_EN | RCTL_VFE);
        byte[] tagged = Arrays.copyOf(toUs(100), 100);
        tagged[12] = (byte) 0x81;
        tagged[13] = 0;
        tagged[14] = 0x00;
        tagged[15] = 0x05;
        rig.receive(tagged);
        assertEquals(0, rig.read(RDH));
        rig.write(VFTA, 1 << 5);
        rig.receive(tagged);
        assertEquals(1, rig.read(RDH));
    }

    @Test
    void descriptorsWithANullBufferAreSkipped() {
        E1000Rig rig = ready(8, RCTL_EN);
        rig.memory().store(RING, 8, 0);
        rig.receive(toUs(80));
        assertEquals(RXD_STAT_DD, status(rig, 0));
        assertEquals(RXD_STAT_DD | RXD_STAT_EOP | RXD_STAT_IXSM, status(rig, 1));
        assertEquals(2, rig.read(RDH));
    }
}
