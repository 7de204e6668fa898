package io.trapline.emulator.virtio.pci;

import static io.trapline.emulator.virtio.pci.VirtioPciRegisters.*;

/**
 * The legacy interface in I/O BAR0 (virtio 1.2, 4.1.4.8): fixed registers, then the device configuration at
 * 0x14, or at 0x18 while MSI-X is enabled (the two vector registers sit in between). Queue sizes are fixed
 * and a queue is set up by writing its page frame number.
 */
final class LegacyInterface {
    private final VirtioPciTransport t;

    LegacyInterface(VirtioPciTransport transport) {
        this.t = transport;
    }

    long read(long offset, int size) {
        int config = t.legacyConfigOffset(t.msixEnabled());
        if (offset >= config) {
            return ModernInterface.readDeviceConfig(t.device(), offset - config, size);
        }
        QueueRegisters q = t.selectedQueue();
        long value;
        switch ((int) offset) {
            case LEGACY_HOST_FEATURES:
                value = t.legacyDeviceFeatures();
                break;
            case LEGACY_GUEST_FEATURES:
                value = t.driverFeatures & 0xFFFF_FFFFL;
                break;
            case LEGACY_QUEUE_PFN:
                value = q == null ? 0 : q.ring.descAddr() >>> LEGACY_PFN_SHIFT;
                break;
            case LEGACY_QUEUE_NUM:
                value = q == null ? 0 : q.maxSize;
                break;
            case LEGACY_QUEUE_SEL:
                value = t.queueSelect;
                break;
            case LEGACY_STATUS:
                value = t.status;
                break;
            case LEGACY_ISR:
                value = t.readIsr();
                break;
            case LEGACY_MSI_CONFIG_VECTOR:
                value = t.configVector;
                break;
            case LEGACY_MSI_QUEUE_VECTOR:
                value = q == null ? NO_VECTOR : q.vector;
                break;
            default:
                value = 0;
        }
        return value & ModernInterface.mask(size);
    }

    void write(long offset, int size, long value) {
        int config = t.legacyConfigOffset(t.msixEnabled());
        long v = value & ModernInterface.mask(size);
        if (offset >= config) {
            ModernInterface.writeDeviceConfig(t.device(), offset - config, size, v, true);
            return;
        }
        QueueRegisters q = t.selectedQueue();
        switch ((int) offset) {
            case LEGACY_GUEST_FEATURES:
                // QEMU: a driver that accepts BAD_FEATURE negotiates blindly, so it gets no features.
                t.driverFeatures = (v & VirtioFeatures.bit(VirtioFeatures.BAD_FEATURE)) != 0 ? 0 : v;
                t.applyFeatures(t.legacyDeviceFeatures());
                break;
            case LEGACY_QUEUE_PFN:
                if (v == 0) {
                    // QEMU (virtio_ioport_write): PFN 0 resets the whole device.
                    t.reset();
                } else if (q != null) {
                    q.ring.configureLegacy(q.maxSize, v);
                    q.ring.setReady(true);
                    q.enabled = true;
                }
                break;
            case LEGACY_QUEUE_SEL:
                if (v < VirtioPciTransport.VIRTIO_QUEUE_MAX) {
                    t.queueSelect = (int) v;
                }
                break;
            case LEGACY_QUEUE_NOTIFY:
                t.notifyQueue((int) v);
                break;
            case LEGACY_STATUS:
                // QEMU: old Linux drivers set DRIVER_OK without enabling bus mastering; do it for them.
                if ((v & VirtioStatus.DRIVER_OK) != 0 && !t.pciConfig().busMasterEnabled()) {
                    t.pciConfig().setRaw(io.trapline.emulator.pci.PciConfigSpace.COMMAND, 2,
                            t.pciConfig().command() | io.trapline.emulator.pci.PciConfigSpace.COMMAND_BUS_MASTER);
                }
                t.writeStatus((int) v, false);
                break;
            case LEGACY_MSI_CONFIG_VECTOR:
                t.configVector = t.acceptVector((int) v);
                break;
            case LEGACY_MSI_QUEUE_VECTOR:
                if (q != null) {
                    q.vector = t.acceptVector((int) v);
                }
                break;
            default:
                // read-only: HOST_FEATURES, QUEUE_NUM, ISR
        }
    }
}
