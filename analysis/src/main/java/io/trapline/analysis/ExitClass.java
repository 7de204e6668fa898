package io.trapline.analysis;

import java.util.Locale;

/**
 * What kind of exit a trapping guest access costs. The cycles each class costs are in {@link CostModel}; which
 * access falls in which class is decided by {@link ExitClassifier} with the device's {@link DeviceExitRules}.
 */
public enum ExitClass {
    /** TCG: the access is a call from translated code into the device model; there is no VM exit. */
    TCG_ACCESS("tcg_access"),
    /** KVM: an MMIO access that exits to the userspace device model and back. */
    MMIO("mmio"),
    /** KVM: a port I/O access that exits to the userspace device model and back. */
    PIO("pio"),
    /** KVM: an MMIO write that the kernel completes by signalling an ioeventfd (a queue notification). */
    MMIO_IOEVENTFD("mmio_ioeventfd"),
    /** KVM: a port I/O write completed in the kernel by an ioeventfd. */
    PIO_IOEVENTFD("pio_ioeventfd"),
    /** KVM: a PCI configuration access through ports 0xCF8/0xCFC: two port I/O exits to userspace. */
    PCI_CFG("pci_cfg"),
    /** KVM: an access to the in-kernel interrupt controller (LAPIC EOI, timer; IOAPIC, PIC, PIT). */
    IRQCHIP("irqchip");

    private final String label;

    ExitClass(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static ExitClass ofLabel(String s) {
        String key = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (ExitClass c : values()) {
            if (c.label.equals(key)) {
                return c;
            }
        }
        return null;
    }
}
