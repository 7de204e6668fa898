package io.trapline.emulator.virtio.pci;

/** Which virtio-pci interfaces a device exposes, like QEMU's disable-legacy / disable-modern properties. */
public enum TransportMode {
    /** Both interfaces, PCI device id 0x1000 + type - 1 (QEMU's default on a conventional PCI bus). */
    TRANSITIONAL,
    /** Modern interface only (disable-legacy=on): device id 0x1040 + type, revision 1. */
    MODERN,
    /** Legacy I/O interface only (disable-modern=on). */
    LEGACY
}
