package io.trapline.emulator.e1000;

import org.junit.jupiter.api.Test;

import static io.trapline.emulator.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

class E1000PhyTest {

    static int mdicRead(E1000Rig rig, int phyAddress, int reg) {
        rig.write(MDIC, MDIC_OP_READ | phyAddress << MDIC_PHY_SHIFT | reg << MDIC_REG_SHIFT);
        return rig.read(MDIC);
    }

    static void mdicWrite(E1000Rig rig, int reg, int value) {
        rig.write(MDIC, MDIC_OP_WRITE | Phy.ADDRESS << MDIC_PHY_SHIFT | reg << MDIC_REG_SHIFT | value);
    }

    @Test
    void mdicReadsThePhyIdsWithReadySet() {
        E1000Rig rig = new E1000Rig();
        assertEquals(0x1822_0141, mdicRead(rig, 1, Phy.PHYID1));
        assertEquals(0x1823_0C20, mdicRead(rig, 1, Phy.PHYID2));
        assertEquals(0x1820_1140, mdicRead(rig, 1, Phy.BMCR));
        assertEquals(0x1821_794D, mdicRead(rig, 1, Phy.BMSR), "link up, autonegotiation not yet complete");
    }

    @Test
    void otherPhyAddressesAndUnimplementedRegistersSetError() {
        E1000Rig rig = new E1000Rig();
        assertNotEquals(0, mdicRead(rig, 2, Phy.PHYID1) & MDIC_ERROR);
        assertNotEquals(0, mdicRead(rig, 1, 0x1F) & MDIC_ERROR);
        mdicWrite(rig, Phy.BMSR, 0);
        assertNotEquals(0, rig.read(MDIC) & MDIC_ERROR, "BMSR is read-only");
    }

    @Test
    void mdicWithInterruptEnableRaisesMdac() {
        E1000Rig rig = new E1000Rig();
        rig.write(MDIC, MDIC_OP_READ | MDIC_INT_EN | 1 << MDIC_PHY_SHIFT);
        assertEquals(ICR_MDAC, rig.read(ICR));
    }

    @Test
    void restartingAutonegotiationDropsLinkThenRaisesLscAfter500ms() {
        E1000Rig rig = new E1000Rig();
        rig.write(IMS, ICR_LSC);
        mdicWrite(rig, Phy.BMCR, Phy.BMCR_AUTOEN | Phy.BMCR_ANRESTART | Phy.BMCR_FD | Phy.BMCR_SPEED1000);
        assertEquals(0x1140, mdicRead(rig, 1, Phy.BMCR) & 0xFFFF, "ANRESTART self-clears");
        assertEquals(0, rig.read(STATUS) & STATUS_LU);
        assertEquals(0x7949, mdicRead(rig, 1, Phy.BMSR) & 0xFFFF);
        rig.advance(499_000_000L);
        assertEquals(0, rig.read(STATUS) & STATUS_LU, "still negotiating");
        assertFalse(rig.intx);
        rig.advance(1_000_000L);
        assertEquals(STATUS_LU, rig.read(STATUS) & STATUS_LU);
        assertEquals(0x796D, mdicRead(rig, 1, Phy.BMSR) & 0xFFFF, "link up and autonegotiation complete");
        assertEquals(0x41E0, mdicRead(rig, 1, Phy.ANLPAR) & 0xFFFF, "partner acknowledged");
        assertTrue(rig.intx);
        assertEquals(ICR_LSC, rig.read(ICR));
        assertFalse(rig.intx);
    }

    @Test
    void cableUnplugAndPlugRaiseLscAndRenegotiate() {
        E1000Rig rig = new E1000Rig();
        rig.negotiateLink();
        rig.read(ICR);
        rig.nic.setLinkUp(false);
        assertEquals(0, rig.read(STATUS) & STATUS_LU);
        assertEquals(ICR_LSC, rig.read(ICR));
        rig.nic.setLinkUp(true);
        assertEquals(0, rig.read(STATUS) & STATUS_LU, "autonegotiation runs again first");
        rig.advance(500_000_000L);
        assertEquals(STATUS_LU, rig.read(STATUS) & STATUS_LU);
        assertEquals(ICR_LSC, rig.read(ICR));
    }

    @Test
    void negotiationDoesNotCompleteWhileTheCableIsOut() {
        E1000Rig rig = new E1000Rig(E1000Config.defaults().withLinkUp(false));
        assertEquals(0, rig.read(STATUS) & STATUS_LU);
        rig.negotiateLink();
        assertEquals(0, rig.read(STATUS) & STATUS_LU);
        assertEquals(0, rig.read(ICR));
    }

    @Test
    void withAutonegotiationOffTheLinkComesUpAtOnce() {
        E1000Rig rig = new E1000Rig();
        mdicWrite(rig, Phy.BMCR, Phy.BMCR_FD | Phy.BMCR_SPEED1000); // AUTOEN off
        rig.nic.setLinkUp(false);
        rig.read(ICR);
        rig.nic.setLinkUp(true);
        assertEquals(STATUS_LU, rig.read(STATUS) & STATUS_LU);
        assertEquals(ICR_LSC, rig.read(ICR));
    }

    @Test
    void configurationRejectsImpossibleMacAddresses() {
        assertThrows(IllegalArgumentException.class, () -> E1000Config.defaults().withMac(new byte[5]));
        assertThrows(IllegalArgumentException.class,
                () -> E1000Config.defaults().withMac(E1000Config.parseMac("01:00:5e:00:00:01")));
        assertThrows(IllegalArgumentException.class, () -> E1000Config.parseMac("52:54:00:12:34"));
    }
}
