package io.trapline.guest.kernel;

import io.trapline.emulator.machine.InterruptSink;
import io.trapline.guest.platform.Cpu;

import java.util.Arrays;
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
    /**
     * The MSI vectors drivers programmed, as (address, data) pairs and what delivering each runs; a handful at most,
     * so a scan of two small arrays (no boxed key, no allocation per interrupt).
     */
    private long[] msiAddresses = new long[4];
    private int[] msiData = new int[4];
    private Runnable[] msiDeliveries = new Runnable[4];
    /** Per vector: a request for it is waiting to be taken (the local APIC's IRR bit). */
    private boolean[] msiPending = new boolean[4];
    private int msiVectors;
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
            cpu.interrupt(cost(), () -> {
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
        int i = msiVector(address, data);
        if (i < 0) {
            i = msiVectors++;
            if (i == msiAddresses.length) {
                msiAddresses = Arrays.copyOf(msiAddresses, 2 * i);
                msiData = Arrays.copyOf(msiData, 2 * i);
                msiDeliveries = Arrays.copyOf(msiDeliveries, 2 * i);
                msiPending = Arrays.copyOf(msiPending, 2 * i);
            }
            msiAddresses[i] = address;
            msiData[i] = data;
        }
        int vector = i;
        msiDeliveries[i] = () -> {
            msiPending[vector] = false; // taken: IRR to ISR
            eoi(); // edge flow of an MSI: the vector is acknowledged before its handler runs
            handler.run();
        };
    }

    /** The index of the vector with this address and data, or -1. */
    private int msiVector(long address, int data) {
        for (int i = 0; i < msiVectors; i++) {
            if (msiAddresses[i] == address && msiData[i] == data) {
                return i;
            }
        }
        return -1;
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
        int i = msiVector(address, data);
        if (i < 0 || msiPending[i]) {
            // The local APIC keeps one pending request per vector (its IRR bit): a message for a vector that
            // is already waiting to be taken merges with it (Intel SDM vol. 3, 10.8.4).
            return;
        }
        msiPending[i] = true;
        delivered++;
        cpu.interrupt(cost(), msiDeliveries[i]);
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
