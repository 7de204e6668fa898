package io.trapline.guest.kernel;

/**
 * The guest's accesses to platform devices other than the NIC, for a recorder: today the local APIC's
 * end-of-interrupt write that closes every NIC interrupt. A hypervisor prices these like register accesses
 * (KVM exits on each EOI unless APICv or PV-EOI absorbs it), so a capture needs them to count exits per
 * packet the way the imported QEMU traces do.
 */
public interface PlatformTap {
    /** Guest-physical address of the local APIC's EOI register (default APIC base 0xFEE00000 + 0xB0, Intel SDM vol. 3 table 11-1). */
    long LAPIC_EOI = 0xFEE0_00B0L;

    /** The guest wrote the local APIC's EOI register at virtual time {@code timeNs}. */
    void apicEoi(long timeNs);

    PlatformTap NONE = timeNs -> {
    };
}
