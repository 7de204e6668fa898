package io.trapline.guest.kernel;

import io.trapline.emulator.machine.InterruptSink;
import io.trapline.guest.platform.Cpu;

import java.util.HashMap;
import java.util.Map;

/**
 * The guest's interrupt controller (IO-APIC for INTx, local APIC for MSI): delivers device interrupts to the
 * handlers drivers registered, on the guest CPU, each costing the platform's delivery time. INTx is
 * level-triggered: a handler that returns while its line is still asserted is entered again.
 */
public final class InterruptController implements InterruptSink {
    private final Cpu cpu;
    private final long deliveryNs;
    private final long busyDeliveryNs;
    private final Map<Integer, Line> lines = new HashMap<>();
    private final Map<Long, Runnable> vectors = new HashMap<>();
    private long delivered;
    private PlatformTap platform = PlatformTap.NONE;

    /**
     * @param deliveryNs     cost of an interrupt that wakes a halted (idle) vCPU
     * @param busyDeliveryNs cost of one that arrives while the vCPU is running
     */
    public InterruptController(Cpu cpu, long deliveryNs, long busyDeliveryNs) {
        this.cpu = cpu;
        this.deliveryNs = deliveryNs;
        this.busyDeliveryNs = busyDeliveryNs;
    }

    private final class Line {
        final Runnable handler;
        boolean asserted;
        boolean inService;

        Line(Runnable handler) {
            this.handler = handler;
        }

        void deliver() {
            if (inService || !asserted) {
                return;
            }
            inService = true;
            delivered++;
            cpu.run(cost(), () -> {
                handler.run();
                eoi(); // fasteoi flow of a level-triggered IO-APIC line: EOI once the handler is done
                inService = false;
                deliver(); // still asserted: level-triggered, enter again
            });
        }
    }

    private long cost() {
        return cpu.idle() ? deliveryNs : busyDeliveryNs;
    }

    /** request_irq for the INTx line of device {@code deviceIndex}. */
    public void onIntx(int deviceIndex, Runnable handler) {
        lines.put(deviceIndex, new Line(handler));
    }

    /** The handler for MSI messages with this address and data (a vector the driver programmed). */
    public void onMsi(long address, int data, Runnable handler) {
        vectors.put(key(address, data), handler);
    }

    private static long key(long address, int data) {
        return address * 31 + (data & 0xFFFF_FFFFL);
    }

    @Override
    public void intx(int deviceIndex, boolean asserted) {
        Line line = lines.get(deviceIndex);
        if (line == null) {
            return;
        }
        line.asserted = asserted;
        line.deliver();
    }

    @Override
    public void msi(int deviceIndex, long address, int data) {
        Runnable handler = vectors.get(key(address, data));
        if (handler != null) {
            delivered++;
            cpu.run(cost(), () -> {
                eoi(); // edge flow of an MSI: the vector is acknowledged before its handler runs
                handler.run();
            });
        }
    }

    /** Where the local APIC's EOI writes are reported. */
    public void setPlatformTap(PlatformTap tap) {
        this.platform = tap;
    }

    private void eoi() {
        platform.apicEoi(cpu.scheduler().now());
    }

    /** Interrupts delivered to handlers so far. */
    public long delivered() {
        return delivered;
    }
}
