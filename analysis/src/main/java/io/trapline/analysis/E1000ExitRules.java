package io.trapline.analysis;

import static io.trapline.emulator.e1000.E1000Registers.ICR;
import static io.trapline.emulator.e1000.E1000Registers.ICS;
import static io.trapline.emulator.e1000.E1000Registers.IMC;
import static io.trapline.emulator.e1000.E1000Registers.IMS;
import static io.trapline.emulator.e1000.E1000Registers.IODATA;
import static io.trapline.emulator.e1000.E1000Registers.MDIC;
import static io.trapline.emulator.e1000.E1000Registers.TCTL;
import static io.trapline.emulator.e1000.E1000Registers.TDT;

/**
 * e1000 under KVM. QEMU registers all of BAR0 as coalesced MMIO except MDIC, ICR, ICS, IMS, IMC, TCTL and TDT
 * (QEMU hw/net/e1000.c, e1000_mmio_setup: the excluded registers have side effects the guest waits for), so
 * writes to every other BAR0 register (RDT, ITR, ...) do not exit. Reads always exit. BAR1 (I/O) is port I/O.
 */
final class E1000ExitRules implements DeviceExitRules {
    static final E1000ExitRules INSTANCE = new E1000ExitRules();

    /** The BAR0 registers QEMU leaves out of the coalesced range. */
    static final int[] NOT_COALESCED = {MDIC, ICR, ICS, IMS, IMC, TCTL, TDT};

    private E1000ExitRules() {
    }

    /** TDT, written directly or through the I/O BAR's IODATA window (SDM 13.2.1), which may address it. */
    @Override
    public boolean startsTransmit(int bar, long offset) {
        return bar == 0 ? (offset & ~3L) == TDT : bar == 1 && offset == IODATA;
    }

    @Override
    public AccessPath path(boolean write, int bar, long offset) {
        if (!write || bar != 0) {
            return AccessPath.USERSPACE;
        }
        long reg = offset & ~3L;
        for (int r : NOT_COALESCED) {
            if (reg == r) {
                return AccessPath.USERSPACE;
            }
        }
        return AccessPath.COALESCED;
    }
}
