package io.trapline.analysis;

import io.trapline.emulator.virtio.pci.VirtioPciRegisters;

import java.util.Locale;

/**
 * virtio-net over virtio-pci under KVM. QEMU binds every queue's notification address to an ioeventfd
 * (virtio-pci's ioeventfd property, on by default): a write there is completed in the kernel. That is the
 * notify region of the modern BAR, or the queue-notify port of the legacy I/O BAR. Everything else
 * (common config, ISR, device config, the MSI-X table and PBA) exits to userspace, and so do the notifications of a
 * device QEMU ran with {@code ioeventfd=off} (an imported capture's {@code qemuOptions} say so).
 */
final class VirtioNetExitRules implements DeviceExitRules {
    private final boolean modern;
    private final boolean legacy;
    /** The notifications are bound to ioeventfds (QEMU's default). */
    private final boolean ioeventfd;

    private VirtioNetExitRules(boolean modern, boolean legacy, boolean ioeventfd) {
        this.modern = modern;
        this.legacy = legacy;
        this.ioeventfd = ioeventfd;
    }

    static VirtioNetExitRules forTransport(String transport) {
        return forTransport(transport, true);
    }

    static VirtioNetExitRules forTransport(String transport, boolean ioeventfd) {
        String t = transport == null ? "transitional" : transport.toLowerCase(Locale.ROOT);
        return switch (t) {
            case "modern" -> new VirtioNetExitRules(true, false, ioeventfd);
            case "legacy" -> new VirtioNetExitRules(false, true, ioeventfd);
            default -> new VirtioNetExitRules(true, true, ioeventfd);
        };
    }

    /** A write of unknown value: a legacy QUEUE_NOTIFY write is then taken for an RX/TX queue's. */
    @Override
    public AccessPath path(boolean write, int bar, long offset) {
        return path(write, bar, offset, -1);
    }

    @Override
    public AccessPath path(boolean write, int bar, long offset, long value) {
        if (!write || !isNotify(bar, offset)) {
            return AccessPath.USERSPACE;
        }
        // modern: the queue is the notify address's (queue_notify_off times the multiplier); legacy: the value written
        long queue = bar == VirtioPciRegisters.MODERN_BAR
                ? (offset - VirtioPciRegisters.NOTIFY_OFFSET) / VirtioPciRegisters.NOTIFY_OFF_MULTIPLIER : value;
        return notifyPath(queue);
    }

    /**
     * RX (0) and TX (1) are vhost-net's; the control queue (2) stays QEMU's under vhost-net. One queue pair: neither
     * trapline's model nor the captured runs offer VIRTIO_NET_F_MQ. A queue not known (-1) counts as RX/TX.
     */
    private AccessPath notifyPath(long queue) {
        boolean data = queue < 2;
        if (data) {
            return ioeventfd ? AccessPath.DATA_IOEVENTFD : AccessPath.DATA_NO_IOEVENTFD;
        }
        return ioeventfd ? AccessPath.IOEVENTFD : AccessPath.USERSPACE;
    }

    /** The notify region of the modern BAR or the legacy queue-notify port, whichever the transport has. */
    @Override
    public boolean isNotify(int bar, long offset) {
        if (modern && bar == VirtioPciRegisters.MODERN_BAR && offset >= VirtioPciRegisters.NOTIFY_OFFSET
                && offset < VirtioPciRegisters.NOTIFY_OFFSET + VirtioPciRegisters.REGION_SIZE) {
            return true;
        }
        return legacy && bar == VirtioPciRegisters.LEGACY_BAR && offset == VirtioPciRegisters.LEGACY_QUEUE_NOTIFY;
    }

    @Override
    public AccessPath kickPath(int queue) {
        return notifyPath(queue);
    }

    /** A queue notification (only a kick starts a transmission). */
    @Override
    public boolean startsTransmit(int bar, long offset) {
        return isNotify(bar, offset);
    }

    /** A kick traced without its write (ioeventfd on): the modern notify register if there is one, else legacy. */
    @Override
    public long[] notifyRegister(int queue) {
        if (modern) {
            return new long[] {VirtioPciRegisters.MODERN_BAR,
                    VirtioPciRegisters.NOTIFY_OFFSET + (long) queue * VirtioPciRegisters.NOTIFY_OFF_MULTIPLIER};
        }
        return new long[] {VirtioPciRegisters.LEGACY_BAR, VirtioPciRegisters.LEGACY_QUEUE_NOTIFY};
    }
}
