package io.trapline.analysis;

/** Where a guest access to a device register goes under KVM with QEMU's device models. */
public enum AccessPath {
    /** Exits to the userspace device model (every read; most writes). */
    USERSPACE,
    /** A write QEMU registered as coalesced MMIO: queued in a shared ring without an exit, applied at the next exit. */
    COALESCED,
    /** A queue-notification write QEMU bound to an ioeventfd: completed in the kernel. */
    IOEVENTFD
}
