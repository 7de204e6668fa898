package io.trapline.emulator.machine;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceContext;

/**
 * A device plugged into the machine: its index (the device number in captures), the device as the rest
 * of the machine sees it (wrapped by a tap, if any) and the context it was built with.
 */
public final class PciSlot {
    private final int index;
    private final Device device;
    private final DeviceContext context;

    PciSlot(int index, Device device, DeviceContext context) {
        this.index = index;
        this.device = device;
        this.context = context;
    }

    public int index() {
        return index;
    }

    public Device device() {
        return device;
    }

    public DeviceContext context() {
        return context;
    }
}
