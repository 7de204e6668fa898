package io.trapline.emulator.e1000;

import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.time.Scheduler;
import io.trapline.emulator.time.Timer;

import static io.trapline.emulator.e1000.E1000Registers.*;

/**
 * Interrupt causes (ICR/ICS), the mask (IMS/IMC), the INTx line and QEMU's interrupt mitigation.
 *
 * <p>The line is asserted while (ICR & IMS) != 0. With mitigation on (QEMU's {@code mitigation} property,
 * default on) a rising edge is let through at once and opens a window of max(min(ITR, TADV*4 after an IDE
 * descriptor, RADV*4 when RDTR != 0), 500) units of 256 ns; further rising edges inside the window are held
 * back until it closes (hw/net/e1000.c set_interrupt_cause / e1000_mit_timer). The 500-unit floor is the
 * SDM's guaranteed maximum of 7813 interrupts/s.
 */
final class Interrupts {
    /** ITR granularity (SDM 13.4.18). */
    static final long ITR_UNIT_NS = 256;
    /** Minimum window in ITR units (128 us). */
    static final int MIN_DELAY_UNITS = 500;

    private final int[] regs;
    private final DeviceContext ctx;
    private final boolean mitigation;
    private final Timer window;
    private boolean windowOpen;
    private boolean level;
    private boolean lineDisabled;
    private boolean lineDriven;
    private boolean idePending;

    Interrupts(int[] regs, DeviceContext ctx, boolean mitigation) {
        this.regs = regs;
        this.ctx = ctx;
        this.mitigation = mitigation;
        this.window = ctx.newTimer(this::windowClosed);
    }

    /** INTx assertions, and moderation windows opened (each holds later causes back until it closes). */
    private long assertions;
    private long windows;

    long assertions() {
        return assertions;
    }

    long windows() {
        return windows;
    }

    void reset() {
        window.cancel();
        windowOpen = false;
        idePending = false;
        level = false;
        drive();
    }

    /** Replaces the cause register; ICS mirrors ICR for reads (QEMU and real hardware). */
    void setCause(int causes) {
        regs[ICR >>> 2] = causes;
        regs[ICS >>> 2] = causes;
        int pending = regs[IMS >>> 2] & causes;
        if (!level && pending != 0) {
            if (windowOpen) {
                return;
            }
            if (mitigation) {
                openWindow(pending);
            }
        }
        level = pending != 0;
        drive();
    }

    /** Adds cause bits (ICS write, or the device raising an event). */
    void raise(int causes) {
        setCause(causes | regs[ICR >>> 2]);
    }

    /** ICR read: returns and clears all causes, which deasserts the line. */
    int readIcr() {
        int value = regs[ICR >>> 2];
        setCause(0);
        return value;
    }

    /** ICR write: write one to clear. */
    void writeIcr(int value) {
        setCause(regs[ICR >>> 2] & ~value);
    }

    void writeIms(int value) {
        regs[IMS >>> 2] |= value;
        raise(0);
    }

    void writeImc(int value) {
        regs[IMS >>> 2] &= ~value;
        raise(0);
    }

    /** A transmit descriptor had IDE set: the next TX interrupt may wait for TADV. */
    void noteIde() {
        idePending = true;
    }

    /** PCI COMMAND.INTX_DISABLE: the device keeps its level but does not drive the pin. */
    void setLineDisabled(boolean disabled) {
        lineDisabled = disabled;
        drive();
    }

    boolean level() {
        return level;
    }

    boolean windowOpen() {
        return windowOpen;
    }

    private void openWindow(int pending) {
        int delay = 0;
        if (idePending && (pending & (ICR_TXQE | ICR_TXDW)) != 0) {
            delay = shorter(delay, (regs[TADV >>> 2] & 0xFFFF) * 4);
        }
        if (regs[RDTR >>> 2] != 0 && (pending & ICR_RXT0) != 0) {
            delay = shorter(delay, (regs[RADV >>> 2] & 0xFFFF) * 4);
        }
        delay = shorter(delay, regs[ITR >>> 2] & 0xFFFF);
        if (delay < MIN_DELAY_UNITS) {
            delay = MIN_DELAY_UNITS;
        }
        windowOpen = true;
        windows++;
        window.arm(Scheduler.deadline(ctx.now(), delay * ITR_UNIT_NS));
        idePending = false;
    }

    /** The smaller non-zero of the two; 0 means "not set". */
    private static int shorter(int current, int candidate) {
        if (candidate != 0 && (current == 0 || candidate < current)) {
            return candidate;
        }
        return current;
    }

    private void windowClosed() {
        windowOpen = false;
        setCause(regs[ICR >>> 2]);
    }

    private void drive() {
        boolean out = level && !lineDisabled;
        if (out != lineDriven) {
            lineDriven = out;
            assertions += out ? 1 : 0;
            ctx.setIntx(out);
        }
    }
}
