package io.trapline.emulator.virtio.pci;

import io.trapline.emulator.pci.BarKind;
import io.trapline.emulator.pci.MsiSink;
import io.trapline.emulator.pci.MsixTable;
import io.trapline.emulator.pci.PciConfigSpace;

import static io.trapline.emulator.virtio.pci.VirtioPciRegisters.*;

/**
 * The PCI face of a virtio device as QEMU 7.2 lays it out (hw/virtio/virtio-pci.c): identity, BARs, the
 * vendor capabilities pointing into BAR4, the PCI_CFG window, MSI-X and the expansion-ROM BAR register.
 */
final class VirtioPciLayout {
    final PciConfigSpace config;
    final MsixTable msix;
    /** Offset of the PCI_CFG capability, or -1 without the modern interface. */
    final int pciCfgCap;

    VirtioPciLayout(VirtioDevice device, VirtioPciOptions options, MsiSink msiSink) {
        int type = device.deviceType();
        boolean modernOnly = options.mode() == TransportMode.MODERN;
        // Device ids and revision: virtio 1.2 section 4.1.2.1 (0x1040 + type for modern, 0x1000 + type - 1
        // transitional); QEMU gives a modern-only device subsystem id 0x1100 and revision 1.
        config = new PciConfigSpace(256, 0x1AF4, modernOnly ? 0x1040 + type : 0x1000 + type - 1,
                device.pciClass(), modernOnly ? 1 : 0, 0x1AF4, modernOnly ? 0x1100 : type, 1);
        if (options.legacy()) {
            // QEMU sizes the I/O BAR as the register block plus device config, rounded up to a power of two.
            int need = (options.vectors() > 0 ? LEGACY_CONFIG_MSIX : LEGACY_CONFIG) + device.configSize();
            config.defineBar(LEGACY_BAR, need <= 4 ? 4 : Integer.highestOneBit(need - 1) << 1, BarKind.IO, false);
        }
        if (options.vectors() > 0) {
            config.defineBar(MSIX_BAR, MSIX_BAR_SIZE, BarKind.MEMORY32, false);
        }
        int pciCfg = -1;
        if (options.modern()) {
            config.defineBar(MODERN_BAR, MODERN_BAR_SIZE, BarKind.MEMORY64, true);
            addVendorCap(CFG_TYPE_COMMON, CAP_SIZE, COMMON_OFFSET, REGION_SIZE);
            addVendorCap(CFG_TYPE_ISR, CAP_SIZE, ISR_OFFSET, REGION_SIZE);
            addVendorCap(CFG_TYPE_DEVICE, CAP_SIZE, DEVICE_OFFSET, REGION_SIZE);
            int notify = addVendorCap(CFG_TYPE_NOTIFY, NOTIFY_CAP_SIZE, NOTIFY_OFFSET,
                    NOTIFY_OFF_MULTIPLIER * VirtioPciTransport.VIRTIO_QUEUE_MAX);
            config.setRaw(notify + NOTIFY_CAP_MULTIPLIER, 4, NOTIFY_OFF_MULTIPLIER);
            pciCfg = addVendorCap(CFG_TYPE_PCI, PCI_CFG_CAP_SIZE, 0, 0);
            config.setRaw(pciCfg + CAP_BAR, 1, 0);
            config.setWriteMask(pciCfg + CAP_BAR, 1, 0xFF);
            config.setWriteMask(pciCfg + CAP_OFFSET, 4, 0xFFFF_FFFFL);
            config.setWriteMask(pciCfg + CAP_LENGTH, 4, 0xFFFF_FFFFL);
            config.setWriteMask(pciCfg + PCI_CFG_CAP_DATA, 4, 0xFFFF_FFFFL);
        }
        pciCfgCap = pciCfg;
        msix = options.vectors() > 0
                ? new MsixTable(config, msiSink, options.vectors(), MSIX_BAR, 0, MSIX_BAR, MSIX_PBA_OFFSET)
                : null;
        linkCapabilitiesNewestFirst();
        if (options.romBarSize() > 0) {
            config.setWriteMask(PciConfigSpace.ROM_ADDRESS, 4, (-(long) options.romBarSize() & 0xFFFF_F800L) | 1);
        }
    }

    private int addVendorCap(int type, int length, int offset, int regionLength) {
        int cap = config.addCapability(CAP_VENDOR, length);
        config.setRaw(cap + 2, 1, length);
        config.setRaw(cap + CAP_CFG_TYPE, 1, type);
        config.setRaw(cap + CAP_BAR, 1, MODERN_BAR);
        config.setRaw(cap + CAP_OFFSET, 4, offset);
        config.setRaw(cap + CAP_LENGTH, 4, regionLength);
        return cap;
    }

    /**
     * QEMU's pci_add_capability links each new capability at the head of the list, so the list runs from
     * the last one added (MSI-X at 0x98) back to the first (common at 0x40); guests walk it in that order.
     */
    private void linkCapabilitiesNewestFirst() {
        int[] caps = new int[16];
        int n = 0;
        for (int at = (int) config.getRaw(PciConfigSpace.CAPABILITIES_POINTER, 1); at != 0 && n < caps.length;
             at = (int) config.getRaw(at + 1, 1)) {
            caps[n++] = at;
        }
        if (n == 0) {
            return;
        }
        config.setRaw(PciConfigSpace.CAPABILITIES_POINTER, 1, caps[n - 1]);
        for (int i = n - 1; i > 0; i--) {
            config.setRaw(caps[i] + 1, 1, caps[i - 1]);
        }
        config.setRaw(caps[0] + 1, 1, 0);
    }

    /** True when a config access at {@code offset} touches the PCI_CFG data register. */
    boolean touchesPciCfgData(int offset, int size) {
        return pciCfgCap >= 0 && offset < pciCfgCap + PCI_CFG_CAP_SIZE && offset + size > pciCfgCap + PCI_CFG_CAP_DATA;
    }

    int pciCfgBar() {
        return (int) config.getRaw(pciCfgCap + CAP_BAR, 1);
    }

    long pciCfgOffset() {
        return config.getRaw(pciCfgCap + CAP_OFFSET, 4);
    }

    /** The window's access length, or 0 when it is not 1, 2 or 4 (the spec's only valid values). */
    int pciCfgLength() {
        long length = config.getRaw(pciCfgCap + CAP_LENGTH, 4);
        return length == 1 || length == 2 || length == 4 ? (int) length : 0;
    }
}
