package io.trapline.analysis;

/** Where a guest access to a device register goes under KVM with QEMU's device models. */
public enum AccessPath {
    /** Exits to the userspace device model (every read; most writes). */
    USERSPACE,
    /** A write QEMU registered as coalesced MMIO: queued in a shared ring without an exit, applied at the next exit. */
    COALESCED,
    /**
     * A notification of a queue QEMU runs itself (virtio-net's control queue) bound to QEMU's ioeventfd: completed in
     * the kernel, then QEMU runs the queue, with or without vhost-net.
     */
    IOEVENTFD,
    /**
     * A notification of an RX or TX queue bound to QEMU's ioeventfd (its default): completed in the kernel, then
     * QEMU's virtio-net runs the queue, or vhost-net under kvm-vhost.
     */
    DATA_IOEVENTFD,
    /**
     * A notification of an RX or TX queue of a device QEMU ran with {@code ioeventfd=off}: an exit to QEMU, except under
     * vhost-net, which binds its queues' notifications to its own eventfds whatever the property says (QEMU 7.2
     * hw/virtio/virtio-bus.c, virtio_bus_grab_ioeventfd, does not check it).
     */
    DATA_NO_IOEVENTFD;

    /** Whether vhost-net serves this notification under kvm-vhost. */
    public boolean vhostQueue() {
        return this == DATA_IOEVENTFD || this == DATA_NO_IOEVENTFD;
    }
}
