package io.trapline.emulator.device;

import io.trapline.emulator.pci.PciConfigSpace;

/**
 * A device model: a deterministic state machine behind the device boundary.
 *
 * <p>These calls are every input a device receives; every output goes through the {@link DeviceContext}
 * it was built with. A device has no threads, reads no wall clock, draws no random numbers and opens no
 * files, so the same inputs always give the same outputs. That is what lets a recording tap capture a
 * device and a replay re-drive it (see docs/architecture.md, "The device boundary").
 *
 * <p>No call may throw because of what the guest wrote or put in memory: hostile input is absorbed
 * (ignored, counted, or turned into the device's own error state) and each call does bounded work.
 */
public interface Device {

    /** Model name as recorded in captures, e.g. {@code e1000} or {@code virtio-net}. */
    String model();

    /** This device's PCI configuration space (ids, BARs, capabilities). */
    PciConfigSpace pciConfig();

    /** Guest read of PCI configuration space. */
    default long configRead(int offset, int size) {
        return pciConfig().read(offset, size);
    }

    /** Guest write of PCI configuration space. */
    default void configWrite(int offset, int size, long value) {
        pciConfig().write(offset, size, value);
    }

    /** Guest read of {@code size} bytes at {@code offset} in BAR {@code bar}; unused high bits are zero. */
    long read(int bar, long offset, int size);

    /** Guest write of the low {@code size} bytes of {@code value} at {@code offset} in BAR {@code bar}. */
    void write(int bar, long offset, int size, long value);

    /**
     * A frame from the network backend. Returns true when the device took it (delivered to the guest, or
     * dropped and counted as the hardware would), false when it cannot take frames now: the backend then
     * keeps the frame and offers it again after the device calls {@link DeviceContext#rxReady()}.
     */
    boolean receive(byte[] frame, int offset, int length);
}
