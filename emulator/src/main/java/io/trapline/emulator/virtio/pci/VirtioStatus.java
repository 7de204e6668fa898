package io.trapline.emulator.virtio.pci;

/** Device status bits, virtio 1.2 section 2.1 "Device Status Field". */
public final class VirtioStatus {
    public static final int ACKNOWLEDGE = 1;
    public static final int DRIVER = 2;
    public static final int DRIVER_OK = 4;
    public static final int FEATURES_OK = 8;
    public static final int DEVICE_NEEDS_RESET = 64;
    public static final int FAILED = 128;

    private VirtioStatus() {
    }
}
