package io.trapline.emulator.e1000;

import io.trapline.emulator.pci.PciConfigSpace;
import org.junit.jupiter.api.Test;

import static io.trapline.emulator.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

class E1000InterruptTest {
    static final long WINDOW_MIN_NS = 500 * 256;

    @Test
    void lineFollowsCausesAndMask() {
        E1000Rig rig = new E1000Rig();
        rig.write(ICS, ICR_RXT0);
        assertFalse(rig.intx, "masked");
        rig.write(IMS, ICR_RXT0);
        assertTrue(rig.intx);
        rig.write(IMC, ICR_RXT0);
        assertFalse(rig.intx);
        assertEquals(0, rig.read(IMS));
        assertEquals(0, rig.read(IMC), "IMC is write-only");
    }

    @Test
    void icrReadReturnsAndClearsCausesAndDeassertsTheLine() {
        E1000Rig rig = new E1000Rig();
        rig.write(IMS, 0x9D);
        rig.write(ICS, ICR_TXDW | ICR_RXDMT0);
        assertTrue(rig.intx);
        assertEquals(ICR_TXDW | ICR_RXDMT0, rig.read(ICS), "ICS reads mirror ICR");
        assertEquals(ICR_TXDW | ICR_RXDMT0, rig.read(ICR));
        assertFalse(rig.intx);
        assertEquals(0, rig.read(ICR));
        assertEquals(0, rig.read(ICS));
    }

    @Test
    void theStateReplayPrintsShowsIcrWithoutClearingIt() {
        E1000Rig rig = new E1000Rig();
        rig.write(IMS, 0x9D);
        rig.write(ICS, ICR_TXDW);
        assertEquals("0x" + Integer.toHexString(ICR_TXDW), rig.nic.state().get("ICR"));
        assertEquals("up", rig.nic.state().get("INTx line"));
        assertTrue(rig.intx, "reading the state deasserts nothing");
        assertEquals(ICR_TXDW, rig.read(ICR), "nor clears the causes");
    }

    @Test
    void icrWriteClearsOnlyTheBitsWritten() {
        E1000Rig rig = new E1000Rig();
        rig.write(ICS, ICR_TXDW | ICR_LSC);
        rig.write(ICR, ICR_TXDW);
        assertEquals(ICR_LSC, rig.read(ICR));
    }

    @Test
    void mitigationHoldsASecondEdgeUntilTheMinimumWindowCloses() {
        E1000Rig rig = new E1000Rig();
        rig.write(IMS, ICR_TXDW);
        rig.write(ICS, ICR_TXDW);
        assertEquals(1, rig.intxEdges, "first edge passes at once");
        rig.read(ICR);
        rig.write(ICS, ICR_TXDW);
        assertFalse(rig.intx, "inside the 128 us window");
        rig.advance(WINDOW_MIN_NS - 1);
        assertFalse(rig.intx);
        rig.advance(1);
        assertTrue(rig.intx, "released when the window closes");
        assertEquals(2, rig.intxEdges);
    }

    @Test
    void itrLongerThanTheMinimumSetsTheWindow() {
        E1000Rig rig = new E1000Rig();
        rig.write(ITR, 1000);
        rig.write(IMS, ICR_TXDW);
        rig.write(ICS, ICR_TXDW);
        rig.read(ICR);
        rig.write(ICS, ICR_TXDW);
        rig.advance(1000 * 256 - 1);
        assertFalse(rig.intx);
        rig.advance(1);
        assertTrue(rig.intx);
    }

    @Test
    void radvCountsOnlyWhenRdtrIsSet() {
        E1000Rig rig = new E1000Rig();
        rig.write(ITR, 5000);
        rig.write(RADV, 200); // 200 x 1024 ns = 800 units
        rig.write(IMS, ICR_RXT0);
        rig.write(ICS, ICR_RXT0);
        rig.read(ICR);
        rig.write(ICS, ICR_RXT0);
        rig.advance(800 * 256);
        assertFalse(rig.intx, "RDTR = 0: RADV ignored, ITR's 5000 units apply");
        rig.advance(5000 * 256);
        assertTrue(rig.intx);

        E1000Rig withRdtr = new E1000Rig();
        withRdtr.write(ITR, 5000);
        withRdtr.write(RDTR, 1);
        withRdtr.write(RADV, 200);
        withRdtr.write(IMS, ICR_RXT0);
        withRdtr.write(ICS, ICR_RXT0);
        assertTrue(withRdtr.intx);
        withRdtr.read(ICR);
        withRdtr.write(ICS, ICR_RXT0);
        withRdtr.advance(800 * 256);
        assertTrue(withRdtr.intx, "RDTR != 0: the shorter RADV window applies");
    }

    @Test
    void tadvCountsOnlyAfterAnIdeDescriptor() {
        E1000Rig rig = new E1000Rig();
        rig.write(ITR, 5000);
        rig.write(TADV, 200);
        rig.write(IMS, ICR_TXDW);
        rig.setUpTx(0x10000, 8);
        rig.putTxDescriptor(0x10000, 0, 0x20000, 60, TXD_CMD_EOP | TXD_CMD_RS | TXD_CMD_IDE);
        rig.write(TDT, 1);
        assertTrue(rig.intx, "first TX interrupt at once; the IDE descriptor sets this window to TADV");
        rig.read(ICR);
        rig.write(ICS, ICR_TXDW);
        rig.advance(800 * 256);
        assertTrue(rig.intx);
    }

    @Test
    void withoutMitigationEveryEdgePassesAtOnce() {
        E1000Rig rig = new E1000Rig(E1000Config.defaults().withMitigation(false));
        rig.write(IMS, ICR_TXDW);
        for (int i = 0; i < 5; i++) {
            rig.write(ICS, ICR_TXDW);
            assertTrue(rig.intx);
            rig.read(ICR);
        }
        assertEquals(5, rig.intxEdges);
    }

    @Test
    void intxDisableInPciCommandKeepsThePinLow() {
        E1000Rig rig = new E1000Rig();
        rig.write(IMS, ICR_LSC);
        rig.nic.configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_MEMORY
                | PciConfigSpace.COMMAND_BUS_MASTER | PciConfigSpace.COMMAND_INTX_DISABLE);
        rig.write(ICS, ICR_LSC);
        assertFalse(rig.intx);
        assertTrue(rig.nic.interruptPending());
        rig.nic.configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_MEMORY | PciConfigSpace.COMMAND_BUS_MASTER);
        assertTrue(rig.intx);
    }
}
