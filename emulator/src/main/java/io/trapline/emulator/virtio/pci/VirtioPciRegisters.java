package io.trapline.emulator.virtio.pci;

import io.trapline.emulator.device.RegisterNames;
import io.trapline.emulator.pci.MsixTable;

/**
 * The virtio-pci register map in one place: vendor capability types, the common configuration structure
 * (virtio 1.2, 4.1.4.3), the legacy I/O layout (4.1.4.8) and the BAR layout QEMU 7.2 uses
 * (hw/virtio/virtio-pci.c: legacy I/O in BAR0, MSI-X in BAR1, modern regions in BAR4 at 4 KiB steps).
 * {@link #name(int, long)} labels an access for captures and analysis.
 */
public final class VirtioPciRegisters {
    // Vendor-specific capability (cap_vndr 0x09), struct virtio_pci_cap (virtio 1.2, 4.1.4).
    public static final int CAP_VENDOR = 0x09;
    public static final int CAP_CFG_TYPE = 3;
    public static final int CAP_BAR = 4;
    public static final int CAP_ID = 5;
    public static final int CAP_OFFSET = 8;
    public static final int CAP_LENGTH = 12;
    public static final int CAP_SIZE = 16;
    public static final int NOTIFY_CAP_MULTIPLIER = 16;
    public static final int NOTIFY_CAP_SIZE = 20;
    public static final int PCI_CFG_CAP_DATA = 16;
    public static final int PCI_CFG_CAP_SIZE = 20;
    public static final int CFG_TYPE_COMMON = 1;
    public static final int CFG_TYPE_NOTIFY = 2;
    public static final int CFG_TYPE_ISR = 3;
    public static final int CFG_TYPE_DEVICE = 4;
    public static final int CFG_TYPE_PCI = 5;

    // BARs and the modern regions inside BAR4 (QEMU 7.2 defaults).
    public static final int LEGACY_BAR = 0;
    public static final int MSIX_BAR = 1;
    public static final int MODERN_BAR = 4;
    public static final int MODERN_BAR_SIZE = 0x4000;
    public static final int MSIX_BAR_SIZE = 0x1000;
    public static final int MSIX_PBA_OFFSET = 0x800;
    public static final int REGION_SIZE = 0x1000;
    public static final int COMMON_OFFSET = 0x0000;
    public static final int ISR_OFFSET = 0x1000;
    public static final int DEVICE_OFFSET = 0x2000;
    public static final int NOTIFY_OFFSET = 0x3000;
    /** queue_notify_off x this = the queue's offset in the notify region (QEMU: 4 without page-per-vq). */
    public static final int NOTIFY_OFF_MULTIPLIER = 4;

    // Common configuration structure, virtio 1.2 section 4.1.4.3.
    public static final int DEVICE_FEATURE_SELECT = 0x00;
    public static final int DEVICE_FEATURE = 0x04;
    public static final int DRIVER_FEATURE_SELECT = 0x08;
    public static final int DRIVER_FEATURE = 0x0C;
    public static final int CONFIG_MSIX_VECTOR = 0x10;
    public static final int NUM_QUEUES = 0x12;
    public static final int DEVICE_STATUS = 0x14;
    public static final int CONFIG_GENERATION = 0x15;
    public static final int QUEUE_SELECT = 0x16;
    public static final int QUEUE_SIZE = 0x18;
    public static final int QUEUE_MSIX_VECTOR = 0x1A;
    public static final int QUEUE_ENABLE = 0x1C;
    public static final int QUEUE_NOTIFY_OFF = 0x1E;
    public static final int QUEUE_DESC_LO = 0x20;
    public static final int QUEUE_DESC_HI = 0x24;
    public static final int QUEUE_DRIVER_LO = 0x28;
    public static final int QUEUE_DRIVER_HI = 0x2C;
    public static final int QUEUE_DEVICE_LO = 0x30;
    public static final int QUEUE_DEVICE_HI = 0x34;
    public static final int QUEUE_NOTIFY_DATA = 0x38;
    public static final int QUEUE_RESET = 0x3A;

    // Legacy I/O BAR, virtio 1.2 section 4.1.4.8 (names as in Linux's virtio_pci.h / QEMU's trace names).
    public static final int LEGACY_HOST_FEATURES = 0x00;
    public static final int LEGACY_GUEST_FEATURES = 0x04;
    public static final int LEGACY_QUEUE_PFN = 0x08;
    public static final int LEGACY_QUEUE_NUM = 0x0C;
    public static final int LEGACY_QUEUE_SEL = 0x0E;
    public static final int LEGACY_QUEUE_NOTIFY = 0x10;
    public static final int LEGACY_STATUS = 0x12;
    public static final int LEGACY_ISR = 0x13;
    public static final int LEGACY_MSI_CONFIG_VECTOR = 0x14;
    public static final int LEGACY_MSI_QUEUE_VECTOR = 0x16;
    public static final int LEGACY_CONFIG = 0x14;
    public static final int LEGACY_CONFIG_MSIX = 0x18;
    /** PFN unit and used ring alignment of the legacy layout. */
    public static final int LEGACY_PFN_SHIFT = 12;

    public static final int ISR_QUEUE = 1;
    public static final int ISR_CONFIG = 2;
    public static final int NO_VECTOR = 0xFFFF;

    private static final String[] COMMON_NAMES = new String[0x3C];
    private static final String[] LEGACY_NAMES = new String[0x18];

    static {
        common(DEVICE_FEATURE_SELECT, "device_feature_select");
        common(DEVICE_FEATURE, "device_feature");
        common(DRIVER_FEATURE_SELECT, "driver_feature_select");
        common(DRIVER_FEATURE, "driver_feature");
        common(CONFIG_MSIX_VECTOR, "config_msix_vector");
        common(NUM_QUEUES, "num_queues");
        common(DEVICE_STATUS, "device_status");
        common(CONFIG_GENERATION, "config_generation");
        common(QUEUE_SELECT, "queue_select");
        common(QUEUE_SIZE, "queue_size");
        common(QUEUE_MSIX_VECTOR, "queue_msix_vector");
        common(QUEUE_ENABLE, "queue_enable");
        common(QUEUE_NOTIFY_OFF, "queue_notify_off");
        common(QUEUE_DESC_LO, "queue_desc_lo");
        common(QUEUE_DESC_HI, "queue_desc_hi");
        common(QUEUE_DRIVER_LO, "queue_driver_lo");
        common(QUEUE_DRIVER_HI, "queue_driver_hi");
        common(QUEUE_DEVICE_LO, "queue_device_lo");
        common(QUEUE_DEVICE_HI, "queue_device_hi");
        common(QUEUE_NOTIFY_DATA, "queue_notify_data");
        common(QUEUE_RESET, "queue_reset");
        legacy(LEGACY_HOST_FEATURES, "HOST_FEATURES");
        legacy(LEGACY_GUEST_FEATURES, "GUEST_FEATURES");
        legacy(LEGACY_QUEUE_PFN, "QUEUE_PFN");
        legacy(LEGACY_QUEUE_NUM, "QUEUE_NUM");
        legacy(LEGACY_QUEUE_SEL, "QUEUE_SEL");
        legacy(LEGACY_QUEUE_NOTIFY, "QUEUE_NOTIFY");
        legacy(LEGACY_STATUS, "STATUS");
        legacy(LEGACY_ISR, "ISR");
        legacy(LEGACY_MSI_CONFIG_VECTOR, "MSI_CONFIG_VECTOR");
        legacy(LEGACY_MSI_QUEUE_VECTOR, "MSI_QUEUE_VECTOR");
    }

    private static void common(int offset, String name) {
        COMMON_NAMES[offset] = name;
    }

    private static void legacy(int offset, String name) {
        LEGACY_NAMES[offset] = name;
    }

    private VirtioPciRegisters() {
    }

    /** The names as the device boundary's naming seam, for recorders and analysis. */
    public static final RegisterNames NAMES = VirtioPciRegisters::name;

    /**
     * Name of the register at {@code offset} in {@code bar} for QEMU's layout, with the legacy device
     * configuration at 0x18 (MSI-X enabled, the usual case); see {@link #name(int, long, boolean)}.
     */
    public static String name(int bar, long offset) {
        return name(bar, offset, true);
    }

    /**
     * Name of the register at {@code offset} in {@code bar}, e.g. {@code common.queue_select},
     * {@code legacy.QUEUE_NOTIFY}, {@code isr}, {@code notify}, {@code device+0x6}, {@code msix.table[2].data}.
     * {@code msixEnabled} decides where the legacy device configuration starts (0x18 with MSI-X, else 0x14).
     */
    public static String name(int bar, long offset, boolean msixEnabled) {
        switch (bar) {
            case LEGACY_BAR: {
                int config = msixEnabled ? LEGACY_CONFIG_MSIX : LEGACY_CONFIG;
                if (offset >= config) {
                    return "legacy.config+0x" + Long.toHexString(offset - config);
                }
                String n = offset >= 0 ? LEGACY_NAMES[(int) offset] : null;
                return n != null ? "legacy." + n : "legacy+0x" + Long.toHexString(offset);
            }
            case MSIX_BAR: {
                if (offset >= MSIX_PBA_OFFSET) {
                    return "msix.pba+0x" + Long.toHexString(offset - MSIX_PBA_OFFSET);
                }
                long vector = offset / MsixTable.ENTRY_SIZE;
                int field = (int) (offset % MsixTable.ENTRY_SIZE);
                String f = field == MsixTable.ENTRY_ADDR_LO ? "addr_lo" : field == MsixTable.ENTRY_ADDR_HI ? "addr_hi"
                        : field == MsixTable.ENTRY_DATA ? "data" : field == MsixTable.ENTRY_CTRL ? "ctrl"
                        : "+0x" + Integer.toHexString(field);
                return "msix.table[" + vector + "]." + f;
            }
            case MODERN_BAR: {
                long region = offset / REGION_SIZE * REGION_SIZE;
                long within = offset - region;
                if (region == COMMON_OFFSET) {
                    String n = within < COMMON_NAMES.length ? COMMON_NAMES[(int) within] : null;
                    return n != null ? "common." + n : "common+0x" + Long.toHexString(within);
                }
                if (region == ISR_OFFSET) {
                    return "isr";
                }
                if (region == DEVICE_OFFSET) {
                    return "device+0x" + Long.toHexString(within);
                }
                if (region == NOTIFY_OFFSET) {
                    return "notify";
                }
                return "bar4+0x" + Long.toHexString(offset);
            }
            default:
                return "bar" + bar + "+0x" + Long.toHexString(offset);
        }
    }
}
