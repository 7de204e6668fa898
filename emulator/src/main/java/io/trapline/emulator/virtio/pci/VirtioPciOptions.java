package io.trapline.emulator.virtio.pci;

/**
 * Transport properties, named after QEMU's virtio-pci ones: which interfaces (disable-legacy /
 * disable-modern), how many MSI-X vectors ({@code vectors}, 0 = no MSI-X, INTx only), and the size of the
 * expansion ROM BAR QEMU sets up for its option ROM (0 = none).
 */
public final class VirtioPciOptions {
    /** QEMU 7.2's efi-virtio.rom makes a 256 KiB ROM BAR (pci_cfg reads of 0x30 show 0xfffc0000). */
    public static final int QEMU_ROM_BAR_SIZE = 0x40000;

    private final TransportMode mode;
    private final int vectors;
    private final int romBarSize;

    public VirtioPciOptions(TransportMode mode, int vectors, int romBarSize) {
        checkVectors(vectors);
        if (romBarSize != 0 && (Integer.bitCount(romBarSize) != 1 || romBarSize < 0x800)) {
            throw new IllegalArgumentException("ROM BAR size must be 0 or a power of two >= 2 KiB: " + romBarSize);
        }
        this.mode = mode;
        this.vectors = vectors;
        this.romBarSize = romBarSize;
    }

    /** MSI-X allows at most 2048 table entries (PCI Local Bus 3.0, 6.8.2: Table Size is N-1 in 11 bits). */
    public static void checkVectors(int vectors) {
        if (vectors < 0 || vectors > 2048) {
            throw new IllegalArgumentException("vectors must be 0..2048: " + vectors);
        }
    }

    public TransportMode mode() {
        return mode;
    }

    public int vectors() {
        return vectors;
    }

    public int romBarSize() {
        return romBarSize;
    }

    public boolean legacy() {
        return mode != TransportMode.MODERN;
    }

    public boolean modern() {
        return mode != TransportMode.LEGACY;
    }
}
