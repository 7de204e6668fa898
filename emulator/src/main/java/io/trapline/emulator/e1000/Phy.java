package io.trapline.emulator.e1000;

import static io.trapline.emulator.e1000.E1000Registers.*;

/**
 * The Marvell 88E1011-style PHY at MDIO address 1 behind MDIC, with the registers and reset values QEMU 7.2
 * gives it (hw/net/e1000.c phy_reg_init/phy_regcap; IEEE 802.3 clause 22 for the standard ones).
 * Autonegotiation restarts when the guest sets BMCR.ANRESTART with AUTOEN on; the owning device completes
 * it {@link #AUTONEG_DELAY_MS} ms of virtual time later.
 */
final class Phy {
    static final int ADDRESS = 1;
    /** QEMU completes autonegotiation 500 ms after it starts (e1000x_restart_autoneg; the shared trace shows 0.499 s). */
    static final long AUTONEG_DELAY_MS = 500;

    // Register numbers
    static final int BMCR = 0x00;
    static final int BMSR = 0x01;
    static final int PHYID1 = 0x02;
    static final int PHYID2 = 0x03;
    static final int ANAR = 0x04;
    static final int ANLPAR = 0x05;
    static final int ANER = 0x06;
    static final int CTRL1000 = 0x09;
    static final int STAT1000 = 0x0A;
    static final int M88_PHY_SPEC_CTRL = 0x10;
    static final int M88_PHY_SPEC_STATUS = 0x11;
    static final int M88_EXT_PHY_SPEC_CTRL = 0x14;
    static final int M88_RX_ERR_CNTR = 0x15;

    // Bits
    static final int BMCR_SPEED1000 = 0x0040;
    static final int BMCR_FD = 0x0100;
    static final int BMCR_ANRESTART = 0x0200;
    static final int BMCR_AUTOEN = 0x1000;
    static final int BMCR_LOOPBACK = 0x4000;
    static final int BMCR_RESET = 0x8000;
    static final int BMSR_LINK_ST = 0x0004;
    static final int BMSR_AN_COMP = 0x0020;
    static final int ANLPAR_ACK = 0x4000;

    /** 82540EM PHY id 2 (SDM 13.5, QEMU E1000_PHY_ID2_8254xx_DEFAULT). */
    static final int PHY_ID2_82540EM = 0x0C20;

    private static final int R = 1;
    private static final int W = 2;
    private static final int[] CAPABILITY = new int[32];
    private static final int[] RESET_VALUE = new int[32];

    static {
        CAPABILITY[BMCR] = R | W;
        CAPABILITY[BMSR] = R;
        CAPABILITY[PHYID1] = R;
        CAPABILITY[PHYID2] = R;
        CAPABILITY[ANAR] = R | W;
        CAPABILITY[ANLPAR] = R;
        CAPABILITY[ANER] = R;
        CAPABILITY[CTRL1000] = R | W;
        CAPABILITY[STAT1000] = R;
        CAPABILITY[M88_PHY_SPEC_CTRL] = R | W;
        CAPABILITY[M88_PHY_SPEC_STATUS] = R;
        CAPABILITY[M88_EXT_PHY_SPEC_CTRL] = R | W;
        CAPABILITY[M88_RX_ERR_CNTR] = R;

        RESET_VALUE[BMCR] = BMCR_SPEED1000 | BMCR_FD | BMCR_AUTOEN;
        // Extended caps, link up, autoneg capable, preamble suppression, extended status, 10/100 half/full;
        // autonegotiation NOT yet complete.
        RESET_VALUE[BMSR] = 0x794D;
        RESET_VALUE[PHYID1] = 0x0141;
        RESET_VALUE[PHYID2] = PHY_ID2_82540EM;
        RESET_VALUE[ANAR] = 0x0DE1;
        RESET_VALUE[ANLPAR] = 0x01E0;
        RESET_VALUE[CTRL1000] = 0x0E00;
        RESET_VALUE[STAT1000] = 0x3C00;
        RESET_VALUE[M88_PHY_SPEC_CTRL] = 0x0360;
        RESET_VALUE[M88_PHY_SPEC_STATUS] = 0xAC00;
        RESET_VALUE[M88_EXT_PHY_SPEC_CTRL] = 0x0D60;
    }

    final int[] regs = new int[32];
    /** Set when a BMCR write asked for an autonegotiation restart; the device consumes it. */
    private boolean restartRequested;

    Phy() {
        reset();
    }

    void reset() {
        System.arraycopy(RESET_VALUE, 0, regs, 0, regs.length);
        restartRequested = false;
    }

    boolean autonegEnabled() {
        return (regs[BMCR] & BMCR_AUTOEN) != 0;
    }

    boolean autonegComplete() {
        return (regs[BMSR] & BMSR_AN_COMP) != 0;
    }

    boolean loopback() {
        return (regs[BMCR] & BMCR_LOOPBACK) != 0;
    }

    /** True once after a BMCR write that restarts autonegotiation. */
    boolean takeRestartRequest() {
        boolean r = restartRequested;
        restartRequested = false;
        return r;
    }

    void linkDown() {
        regs[BMSR] &= ~(BMSR_LINK_ST | BMSR_AN_COMP);
        regs[ANLPAR] &= ~ANLPAR_ACK;
    }

    void linkUp() {
        regs[BMSR] |= BMSR_LINK_ST;
    }

    void autonegDone() {
        linkUp();
        regs[ANLPAR] |= ANLPAR_ACK;
        regs[BMSR] |= BMSR_AN_COMP;
    }

    /**
     * Executes an MDIC write and returns the new MDIC value (READY set; ERROR set for a wrong PHY address or
     * a register the PHY does not implement for that direction; DATA holds the read result).
     */
    int mdic(int value, int previousMdic) {
        int data = value & MDIC_DATA_MASK;
        int reg = (value & MDIC_REG_MASK) >>> MDIC_REG_SHIFT;
        int result = value;
        if ((value & MDIC_PHY_MASK) >>> MDIC_PHY_SHIFT != ADDRESS) {
            result = previousMdic | MDIC_ERROR;
        } else if ((value & MDIC_OP_READ) != 0) {
            if ((CAPABILITY[reg] & R) == 0) {
                result |= MDIC_ERROR;
            } else {
                result = (value & ~MDIC_DATA_MASK) | regs[reg];
            }
        } else if ((value & MDIC_OP_WRITE) != 0) {
            if ((CAPABILITY[reg] & W) == 0) {
                result |= MDIC_ERROR;
            } else if (reg == BMCR) {
                writeBmcr(data);
            } else {
                regs[reg] = data;
            }
        }
        return result | MDIC_READY;
    }

    private void writeBmcr(int value) {
        // Bits 5:0 are reserved; RESET and ANRESTART are self-clearing (IEEE 802.3 22.2.4.1).
        regs[BMCR] = value & ~(0x3F | BMCR_RESET | BMCR_ANRESTART);
        if (autonegEnabled() && (value & BMCR_ANRESTART) != 0) {
            restartRequested = true;
        }
    }
}
