package io.trapline.emulator.pci;

/** The kind of address space a PCI base address register decodes. */
public enum BarKind {
    /** I/O ports (BAR bit 0 = 1). */
    IO,
    /** 32-bit memory (BAR bits 2:1 = 00). */
    MEMORY32,
    /** 64-bit memory (BAR bits 2:1 = 10); occupies this BAR and the next. */
    MEMORY64
}
