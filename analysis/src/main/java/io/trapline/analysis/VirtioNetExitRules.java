package io.trapline.analysis;

import io.trapline.emulator.virtio.pci.VirtioPciRegisters;

import java.util.Locale;

/**
 * virtio-net over virtio-pci under KVM. QEMU binds every queue's notification address to an ioeventfd
 * (virtio-pci's ioeventfd property, on by default): a write there is completed in the kernel. That is the
 * notify region of the modern BAR, or the queue-notify port of the legacy I/O BAR. Everything else
 * (common config, ISR, device config, the MSI-X table and PBA) exits to userspace.
 */
final class VirtioNetExitRules implements DeviceExitRules {
    private final boolean modern;
    private final boolean legacy;

    private VirtioNetExitRules(boolean modern, boolean legacy) {
        this.modern = modern;
        this.legacy = legacy;
    }

    static VirtioNetExitRules forTransport(String transport) {
        String t = transport == null ? "transitional" : transport.toLowerCase(Locale.ROOT);
        return switch (t) {
            case "modern" -> new VirtioNetExitRules(true, false);
            case "legacy" -> new VirtioNetExitRules(false, true);
            default -> new VirtioNetExitRules(true, true);
        };
    }

    @Override
    public AccessPath path(boolean write, int bar, long offset) {
        if (!write) {
            return AccessPath.USERSPACE;
        }
        if (modern && bar == VirtioPciRegisters.MODERN_BAR && offset >= VirtioPciRegisters.NOTIFY_OFFSET
                && offset < VirtioPciRegisters.NOTIFY_OFFSET + VirtioPciRegisters.REGION_SIZE) {
            return AccessPath.IOEVENTFD;
        }
        if (legacy && bar == VirtioPciRegisters.LEGACY_BAR && offset == VirtioPciRegisters.LEGACY_QUEUE_NOTIFY) {
            return AccessPath.IOEVENTFD;
        }
        return AccessPath.USERSPACE;
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
