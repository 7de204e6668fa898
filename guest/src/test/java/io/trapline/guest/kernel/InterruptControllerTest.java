package io.trapline.guest.kernel;

import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.platform.Cpu;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Delivery of INTx and MSI to handlers, and the local APIC EOI that closes each one. */
class InterruptControllerTest {
    private final Scheduler scheduler = new Scheduler();
    private final Cpu cpu = new Cpu(scheduler);
    private final InterruptController irq = new InterruptController(cpu, 1_000, 500);
    private final List<String> log = new ArrayList<>();

    InterruptControllerTest() {
        irq.setPlatformTap(t -> log.add("eoi@" + t));
    }

    @Test
    void levelTriggeredLineIsAcknowledgedAfterItsHandler() {
        boolean[] line = {true};
        irq.onIntx(0, () -> {
            log.add("handler@" + scheduler.now());
            line[0] = false;
            irq.intx(0, false); // the handler clears the cause (ICR read): the line drops
        });
        irq.intx(0, true);
        scheduler.runUntil(10_000);
        assertEquals(List.of("handler@1000", "eoi@1000"), log);
        assertEquals(1, irq.delivered());
    }

    @Test
    void lineStillAssertedAfterTheHandlerIsEnteredAgainWithOneEoiPerEntry() {
        int[] entries = {0};
        irq.onIntx(0, () -> {
            log.add("handler");
            if (++entries[0] == 2) {
                irq.intx(0, false);
            }
        });
        irq.intx(0, true);
        scheduler.runUntil(10_000);
        assertEquals(List.of("handler", "eoi@1000", "handler", "eoi@2000"), log);
    }

    @Test
    void msiIsAcknowledgedBeforeItsHandler() {
        irq.onMsi(0xFEE0_0000L, 0x41, () -> log.add("handler@" + scheduler.now()));
        irq.msi(0, 0xFEE0_0000L, 0x41);
        irq.msi(0, 0xFEE0_0000L, 0x99); // no handler registered for this vector: not delivered, no EOI
        scheduler.runUntil(10_000);
        assertEquals(List.of("eoi@1000", "handler@1000"), log);
        assertEquals(1, irq.delivered());
    }

    @Test
    void messagesForAVectorNotYetTakenMergeIntoOneInterrupt() {
        irq.onMsi(0xFEE0_0000L, 0x41, () -> log.add("handler@" + scheduler.now()));
        irq.onMsi(0xFEE0_0000L, 0x42, () -> log.add("other@" + scheduler.now()));
        irq.msi(0, 0xFEE0_0000L, 0x41);
        scheduler.at(300, () -> irq.msi(0, 0xFEE0_0000L, 0x41)); // still pending: merges
        scheduler.at(400, () -> irq.msi(0, 0xFEE0_0000L, 0x42)); // another vector: its own interrupt
        scheduler.at(1_500, () -> irq.msi(0, 0xFEE0_0000L, 0x41)); // taken at 1000: a new interrupt
        scheduler.runUntil(10_000);
        assertEquals(List.of("eoi@1000", "handler@1000", "eoi@1500", "other@1500", "eoi@2500", "handler@2500"), log);
        assertEquals(3, irq.delivered());
    }
}
