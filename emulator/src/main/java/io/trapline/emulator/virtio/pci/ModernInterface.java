package io.trapline.emulator.virtio.pci;

import static io.trapline.emulator.virtio.pci.VirtioPciRegisters.*;

/**
 * The modern interface in BAR4 (virtio 1.2, 4.1.4): common configuration at +0x0, ISR at +0x1000, device
 * configuration at +0x2000, notifications at +0x3000. Reads of a register return its value whatever the
 * access size (truncated), reads between registers return 0, like QEMU's virtio_pci_common_read.
 */
final class ModernInterface {
    private final VirtioPciTransport t;
    private int deviceFeatureSelect;
    private int driverFeatureSelect;

    ModernInterface(VirtioPciTransport transport) {
        this.t = transport;
    }

    void reset() {
        deviceFeatureSelect = 0;
        driverFeatureSelect = 0;
    }

    long read(long offset, int size) {
        if (size == 8) {
            // The regions take at most 4-byte accesses; a wider one arrives as two (QEMU's memory core).
            return (read(offset, 4) & 0xFFFF_FFFFL) | read(offset + 4, 4) << 32;
        }
        long region = offset & ~(long) (REGION_SIZE - 1);
        int within = (int) (offset & (REGION_SIZE - 1));
        long value;
        if (region == COMMON_OFFSET) {
            value = readCommon(within);
        } else if (region == ISR_OFFSET) {
            value = t.readIsr();
        } else if (region == DEVICE_OFFSET) {
            value = readDeviceConfig(t.device(), within, size);
        } else {
            value = 0;
        }
        return value & mask(size);
    }

    void write(long offset, int size, long value) {
        if (size == 8) {
            write(offset, 4, value & 0xFFFF_FFFFL);
            write(offset + 4, 4, value >>> 32);
            return;
        }
        long region = offset & ~(long) (REGION_SIZE - 1);
        int within = (int) (offset & (REGION_SIZE - 1));
        long v = value & mask(size);
        if (region == COMMON_OFFSET) {
            writeCommon(within, v);
        } else if (region == DEVICE_OFFSET) {
            writeDeviceConfig(t.device(), within, size, v, false);
        } else if (region == NOTIFY_OFFSET) {
            // QEMU (virtio_pci_notify_write): the queue is the offset divided by the multiplier.
            t.notifyQueue(within / NOTIFY_OFF_MULTIPLIER);
        }
        // ISR is read-only.
    }

    static long mask(int size) {
        return size >= 8 ? -1L : (1L << (8 * size)) - 1;
    }

    /** Device config read: all ones past the config size, as QEMU's virtio_config_modern_read*. */
    static long readDeviceConfig(VirtioDevice device, long offset, int size) {
        if (offset < 0 || offset > device.configSize() - size) {
            return mask(size);
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (device.configReadByte((int) offset + i) & 0xFF);
        }
        return v;
    }

    static void writeDeviceConfig(VirtioDevice device, long offset, int size, long value, boolean legacy) {
        if (offset < 0 || offset > device.configSize() - size) {
            return;
        }
        for (int i = 0; i < size; i++) {
            device.configWriteByte((int) offset + i, (int) (value >>> (8 * i)) & 0xFF, legacy);
        }
    }

    private long readCommon(int offset) {
        QueueRegisters q = t.selectedQueue();
        switch (offset) {
            case DEVICE_FEATURE_SELECT:
                return deviceFeatureSelect;
            case DEVICE_FEATURE:
                return deviceFeatureSelect < 2 ? (t.device().deviceFeatures() >>> (32 * deviceFeatureSelect)) & 0xFFFF_FFFFL : 0;
            case DRIVER_FEATURE_SELECT:
                return driverFeatureSelect;
            case DRIVER_FEATURE:
                return driverFeatureSelect < 2 ? (t.driverFeatures >>> (32 * driverFeatureSelect)) & 0xFFFF_FFFFL : 0;
            case CONFIG_MSIX_VECTOR:
                return t.configVector;
            case NUM_QUEUES:
                return t.queueCount();
            case DEVICE_STATUS:
                return t.status;
            case CONFIG_GENERATION:
                return t.generation;
            case QUEUE_SELECT:
                return t.queueSelect;
            case QUEUE_SIZE:
                return q == null ? 0 : q.size;
            case QUEUE_MSIX_VECTOR:
                return q == null ? NO_VECTOR : q.vector;
            case QUEUE_ENABLE:
                return q != null && q.enabled ? 1 : 0;
            case QUEUE_NOTIFY_OFF:
                // Each queue gets its own notify slot: queue_notify_off = queue index (QEMU).
                return t.queueSelect;
            case QUEUE_DESC_LO:
                return q == null ? 0 : q.desc & 0xFFFF_FFFFL;
            case QUEUE_DESC_HI:
                return q == null ? 0 : q.desc >>> 32;
            case QUEUE_DRIVER_LO:
                return q == null ? 0 : q.driver & 0xFFFF_FFFFL;
            case QUEUE_DRIVER_HI:
                return q == null ? 0 : q.driver >>> 32;
            case QUEUE_DEVICE_LO:
                return q == null ? 0 : q.device & 0xFFFF_FFFFL;
            case QUEUE_DEVICE_HI:
                return q == null ? 0 : q.device >>> 32;
            case QUEUE_RESET:
                return 0;
            default:
                return 0;
        }
    }

    private void writeCommon(int offset, long value) {
        QueueRegisters q = t.selectedQueue();
        switch (offset) {
            case DEVICE_FEATURE_SELECT:
                deviceFeatureSelect = (int) value;
                break;
            case DRIVER_FEATURE_SELECT:
                driverFeatureSelect = (int) value;
                break;
            case DRIVER_FEATURE:
                // Ignored once FEATURES_OK is set (QEMU's virtio_set_features returns early then).
                if (driverFeatureSelect < 2 && (t.status & VirtioStatus.FEATURES_OK) == 0) {
                    int shift = 32 * driverFeatureSelect;
                    t.driverFeatures = (t.driverFeatures & ~(0xFFFF_FFFFL << shift)) | (value << shift);
                }
                break;
            case CONFIG_MSIX_VECTOR:
                t.configVector = t.acceptVector((int) value);
                break;
            case DEVICE_STATUS:
                t.writeStatus((int) value, true);
                break;
            case QUEUE_SELECT:
                if (value < VirtioPciTransport.VIRTIO_QUEUE_MAX) {
                    t.queueSelect = (int) value;
                }
                break;
            case QUEUE_SIZE:
                // The driver may choose a smaller queue (virtio 1.2, 4.1.4.3.2); larger or zero is ignored.
                if (q != null && !q.enabled && value > 0 && value <= q.maxSize) {
                    q.size = (int) value;
                }
                break;
            case QUEUE_MSIX_VECTOR:
                if (q != null) {
                    q.vector = t.acceptVector((int) value);
                }
                break;
            case QUEUE_ENABLE:
                enableQueue(q, value);
                break;
            case QUEUE_DESC_LO:
                if (q != null) {
                    q.desc = QueueRegisters.setLow(q.desc, value);
                }
                break;
            case QUEUE_DESC_HI:
                if (q != null) {
                    q.desc = QueueRegisters.setHigh(q.desc, value);
                }
                break;
            case QUEUE_DRIVER_LO:
                if (q != null) {
                    q.driver = QueueRegisters.setLow(q.driver, value);
                }
                break;
            case QUEUE_DRIVER_HI:
                if (q != null) {
                    q.driver = QueueRegisters.setHigh(q.driver, value);
                }
                break;
            case QUEUE_DEVICE_LO:
                if (q != null) {
                    q.device = QueueRegisters.setLow(q.device, value);
                }
                break;
            case QUEUE_DEVICE_HI:
                if (q != null) {
                    q.device = QueueRegisters.setHigh(q.device, value);
                }
                break;
            case QUEUE_RESET:
                if (value == 1 && q != null
                        && VirtioFeatures.has(t.negotiatedFeatures(), VirtioFeatures.RING_RESET)) {
                    t.resetQueue(t.queueSelect);
                }
                break;
            default:
                // read-only or reserved
        }
    }

    /**
     * queue_enable: 1 hands the registers to the ring. A split ring's size must be a power of two
     * (virtio 1.2, 2.7); other values, and writing anything but 1 (QEMU 7.2: "wrong value for
     * queue_enable"), are device errors.
     */
    private void enableQueue(QueueRegisters q, long value) {
        if (q == null) {
            return;
        }
        if (value != 1) {
            t.deviceError("QUEUE_ENABLE_VALUE");
            return;
        }
        if (Integer.bitCount(q.size) != 1) {
            t.deviceError("QUEUE_SIZE_NOT_POWER_OF_TWO");
            return;
        }
        q.ring.configure(q.size, q.desc, q.driver, q.device);
        q.ring.setReady(true);
        q.enabled = true;
    }
}
