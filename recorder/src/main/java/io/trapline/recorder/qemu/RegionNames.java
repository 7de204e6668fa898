package io.trapline.recorder.qemu;

import java.nio.charset.StandardCharsets;

/**
 * Interns the memory-region names of {@code memory_region_ops_*} lines without allocating per line: each
 * distinct name gets a small id and a {@link Kind}. Bounded: past {@link #CAPACITY} names, further new names
 * all share one overflow id (named as the first of them) — a hostile trace cannot grow it without limit.
 */
final class RegionNames {
    static final int CAPACITY = 4096;

    /** What the importer does with an access to a region of this name. */
    enum Kind {
        /** The LAPIC MMIO page; QEMU also decodes interrupt messages written to it (hw/intc/apic.c). */
        APIC_MSI,
        /** Port 0xcfc-0xcff, the PCI config data window (sizes the pci_cfg_* line next to it). */
        PCI_CONF_DATA,
        MSIX_TABLE,
        MSIX_PBA,
        VIRTIO_COMMON,
        VIRTIO_ISR,
        VIRTIO_DEVICE,
        VIRTIO_NOTIFY,
        /** virtio-pci legacy I/O BAR ("virtio-pci"). */
        VIRTIO_LEGACY,
        OTHER
    }

    private final byte[][] names = new byte[CAPACITY][];
    private final String[] strings = new String[CAPACITY];
    private final Kind[] kinds = new Kind[CAPACITY];
    private final int[] table = new int[CAPACITY * 2];
    private int count;
    private int overflowId = -1;

    RegionNames() {
        java.util.Arrays.fill(table, -1);
    }

    /** The id of the name in {@code b[s..e)}, registering it when new. */
    int id(byte[] b, int s, int e) {
        int h = 1;
        for (int i = s; i < e; i++) {
            h = 31 * h + b[i];
        }
        int mask = table.length - 1;
        int slot = (h ^ (h >>> 16)) & mask;
        while (true) {
            int id = table[slot];
            if (id < 0) {
                break;
            }
            byte[] n = names[id];
            if (n.length == e - s && java.util.Arrays.equals(n, 0, n.length, b, s, e)) {
                return id;
            }
            slot = (slot + 1) & mask;
        }
        if (count >= CAPACITY - 1) {
            if (overflowId < 0) {
                overflowId = count;
                register(count, b, s, e);
                count++;
            }
            return overflowId;
        }
        int id = count++;
        register(id, b, s, e);
        table[slot] = id;
        return id;
    }

    private void register(int id, byte[] b, int s, int e) {
        names[id] = java.util.Arrays.copyOfRange(b, s, e);
        strings[id] = new String(names[id], StandardCharsets.UTF_8);
        kinds[id] = classify(strings[id]);
    }

    String name(int id) {
        return strings[id];
    }

    Kind kind(int id) {
        return kinds[id];
    }

    /** Region names as QEMU 7.2 gives them (hw/virtio/virtio-pci.c, hw/pci/msix.c, hw/intc/apic.c). */
    static Kind classify(String name) {
        switch (name) {
            case "apic-msi":
                return Kind.APIC_MSI;
            case "pci-conf-data":
                return Kind.PCI_CONF_DATA;
            case "msix-table":
                return Kind.MSIX_TABLE;
            case "msix-pba":
                return Kind.MSIX_PBA;
            case "virtio-pci":
                return Kind.VIRTIO_LEGACY;
            default:
                break;
        }
        if (name.startsWith("virtio-pci-common")) {
            return Kind.VIRTIO_COMMON;
        }
        if (name.startsWith("virtio-pci-isr")) {
            return Kind.VIRTIO_ISR;
        }
        if (name.startsWith("virtio-pci-device")) {
            return Kind.VIRTIO_DEVICE;
        }
        if (name.startsWith("virtio-pci-notify")) {
            return Kind.VIRTIO_NOTIFY;
        }
        return Kind.OTHER;
    }
}
