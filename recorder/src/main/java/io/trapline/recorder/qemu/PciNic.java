package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureMetadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the importer learns about one NIC from the trace: its PCI address and ids, the BARs the guest
 * programmed, its interrupt line, its MSI-X table as the guest wrote it, and (virtio) the features the
 * driver accepted. All state is bounded (fixed arrays) whatever the trace contains.
 */
final class PciNic {
    static final String E1000 = "e1000";
    static final String VIRTIO_NET = "virtio-net";
    static final int BARS = 6;
    /** MSI-X entries tracked (the PCI limit is 2048). */
    static final int MSIX_ENTRIES = 2048;
    static final int MSIX_ENTRY_SIZE = 16;

    final int index;
    final String qemuName;
    final String model;
    final int bdf;
    int vendorId = -1;
    int deviceId = -1;
    int interruptLine = -1;
    int intxLevel = -1;
    boolean msixEnabled;
    long vdev;

    final long[] barBase = new long[BARS];
    final long[] barSize = new long[BARS];
    final boolean[] barMapped = new boolean[BARS];
    final boolean[] barEverMapped = new boolean[BARS];
    /** From the BAR register value in config space: bit 0 set = I/O space. -1 unknown, 0 memory, 1 I/O. */
    final int[] barIo = {-1, -1, -1, -1, -1, -1};

    private final long[] msixAddress = new long[MSIX_ENTRIES];
    private final int[] msixData = new int[MSIX_ENTRIES];
    private final boolean[] msixWritten = new boolean[MSIX_ENTRIES];
    private int msixHighest = -1;

    private long featureSelect;
    private long driverFeatures;
    private boolean featuresSeen;
    boolean usedModern;
    boolean usedLegacy;

    PciNic(int index, String qemuName, String model, int bdf) {
        this.index = index;
        this.qemuName = qemuName;
        this.model = model;
        this.bdf = bdf;
    }

    static String modelOf(String qemuName) {
        if (qemuName.equals("e1000") || qemuName.startsWith("e1000-")) {
            return E1000;
        }
        if (qemuName.startsWith("virtio-net-pci")) {
            return VIRTIO_NET;
        }
        return null;
    }

    boolean virtio() {
        return model.equals(VIRTIO_NET);
    }

    void map(int bar, long base, long size) {
        if (bar < 0 || bar >= BARS) {
            return; // expansion ROM (6) is not a register BAR
        }
        barBase[bar] = base;
        barSize[bar] = size;
        barMapped[bar] = true;
        barEverMapped[bar] = true;
    }

    void unmap(int bar) {
        if (bar >= 0 && bar < BARS) {
            barMapped[bar] = false;
        }
    }

    /** The mapped BAR holding {@code address}, or -1. */
    int barOf(long address) {
        for (int i = 0; i < BARS; i++) {
            if (barMapped[i] && address - barBase[i] >= 0 && address - barBase[i] < barSize[i]) {
                return i;
            }
        }
        return -1;
    }

    boolean barIsIo(int bar) {
        if (barIo[bar] >= 0) {
            return barIo[bar] == 1;
        }
        // no BAR register value seen: I/O BARs live below 64 KiB of port space
        return barBase[bar] + barSize[bar] <= 0x10000;
    }

    /** A config-space value seen for this device (read result or written value). */
    void configValue(int offset, long value, boolean written) {
        if (offset == 0x00 && !written) {
            vendorId = (int) (value & 0xffff);
            if (value > 0xffff) {
                deviceId = (int) ((value >>> 16) & 0xffff);
            }
        } else if (offset == 0x02 && !written) {
            deviceId = (int) (value & 0xffff);
        } else if (offset == 0x3c) {
            interruptLine = (int) (value & 0xff);
        } else if (offset >= 0x10 && offset <= 0x24 && (offset & 3) == 0 && !written) {
            int bar = (offset - 0x10) / 4;
            if (value != 0 && value != 0xffffffffL) {
                barIo[bar] = (int) (value & 1);
            }
        }
    }

    /** A guest write into the MSI-X table; QEMU places the table at the start of its BAR (virtio-pci: BAR1 +0x0). */
    void msixTableWrite(long offsetInTable, int size, long value) {
        if (offsetInTable < 0 || offsetInTable >= (long) MSIX_ENTRIES * MSIX_ENTRY_SIZE) {
            return;
        }
        int entry = (int) (offsetInTable / MSIX_ENTRY_SIZE);
        int field = (int) (offsetInTable % MSIX_ENTRY_SIZE);
        if (size == 8 && field == 0) {
            msixAddress[entry] = value;
        } else if (field == 0) {
            msixAddress[entry] = (msixAddress[entry] & 0xffffffff00000000L) | (value & 0xffffffffL);
        } else if (field == 4) {
            msixAddress[entry] = (msixAddress[entry] & 0xffffffffL) | ((value & 0xffffffffL) << 32);
        } else if (field == 8) {
            msixData[entry] = (int) value;
        } else {
            return;
        }
        msixWritten[entry] = true;
        msixHighest = Math.max(msixHighest, entry);
    }

    /** The lowest MSI-X entry whose programmed message is (address, data), or -1. */
    int msixVector(long address, long data) {
        for (int i = 0; i <= msixHighest; i++) {
            if (msixWritten[i] && msixAddress[i] == address && (msixData[i] & 0xffffffffL) == (data & 0xffffffffL)) {
                return i;
            }
        }
        return -1;
    }

    /** Modern common config: driver_feature_select (0x08) / driver_feature (0x0c) (virtio 1.2, 4.1.4.3). */
    void modernCommonWrite(long offset, long value) {
        if (offset == 0x08) {
            featureSelect = value & 0xffffffffL;
        } else if (offset == 0x0c && featureSelect < 2) {
            int shift = (int) (32 * featureSelect);
            driverFeatures = (driverFeatures & ~(0xffffffffL << shift)) | ((value & 0xffffffffL) << shift);
            featuresSeen = true;
        }
    }

    /** Legacy I/O layout: guest features, 32 bits at offset 0x04 (virtio 1.2, 4.1.4.8). */
    void legacyWrite(long offset, long value) {
        if (offset == 0x04) {
            driverFeatures = value & 0xffffffffL;
            featuresSeen = true;
        }
    }

    /**
     * The virtio transport the device offers: {@code modern} for a modern-only device id (0x1040+),
     * otherwise {@code transitional} when it also has a modern memory BAR besides the MSI-X BAR, else
     * {@code legacy} (virtio 1.2, 4.1.2: transitional ids 0x1000-0x103f).
     */
    String transport() {
        if (!virtio()) {
            return null;
        }
        if (deviceId >= 0x1040) {
            return "modern";
        }
        if (deviceId < 0 && qemuName.contains("non-transitional")) {
            return "modern";
        }
        boolean memoryBar = false;
        boolean ioBar = false;
        for (int i = 0; i < BARS; i++) {
            if (barEverMapped[i]) {
                if (barIsIo(i)) {
                    ioBar = true;
                } else if (barSize[i] > 0x1000 || usedModern) {
                    memoryBar = true;
                }
            }
        }
        if (memoryBar && ioBar) {
            return "transitional";
        }
        return memoryBar ? "modern" : "legacy";
    }

    CaptureMetadata.DeviceInfo describe(String mac, String qemuOptions) {
        Map<String, Object> config = new LinkedHashMap<>();
        if (mac != null) {
            config.put("mac", mac);
        }
        config.put("qemuDevice", qemuName);
        config.put("pciAddress", String.format("%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 31, bdf & 7));
        if (vendorId >= 0) {
            config.put("vendorId", String.format("0x%04x", vendorId));
        }
        if (deviceId >= 0) {
            config.put("deviceId", String.format("0x%04x", deviceId));
        }
        if (interruptLine >= 0) {
            config.put("interruptLine", interruptLine);
        }
        config.put("msix", msixEnabled);
        if (virtio()) {
            config.put("driverInterface", usedModern ? "modern" : usedLegacy ? "legacy" : "unknown");
        }
        if (qemuOptions != null) {
            config.put("qemuOptions", qemuOptions);
        }
        List<CaptureMetadata.Bar> bars = new ArrayList<>();
        for (int i = 0; i < BARS; i++) {
            if (barEverMapped[i]) {
                bars.add(new CaptureMetadata.Bar(i, barIsIo(i) ? "io" : "mmio", barBase[i], barSize[i]));
            }
        }
        return new CaptureMetadata.DeviceInfo(index, model, transport(), config,
                virtio() && featuresSeen ? driverFeatures : null, bars);
    }
}
