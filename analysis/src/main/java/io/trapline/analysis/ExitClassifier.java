package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventType;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a capture's guest accesses into exits under a {@link Profile}. Device registers are decided by each
 * device model's {@link DeviceExitRules}; accesses to unmodelled regions (OTHER_* events) by the region's name:
 * KVM emulates the interrupt controllers in the kernel, everything else exits to userspace.
 */
public final class ExitClassifier {
    /** Regions of KVM's in-kernel irqchip (QEMU names them so in its memory map; kvm- prefixed under KVM). */
    static final Set<String> IRQCHIP_REGIONS = Set.of("apic", "apic-msi", "kvm-apic-msi", "ioapic", "kvm-ioapic",
            "pic", "kvm-pic", "elcr", "kvm-elcr", "pit", "kvm-pit");
    /**
     * Regions whose OTHER_* events are not exits of their own: interrupt messages (written by devices, not by a
     * vCPU) and the PCI config ports, whose accesses the capture already holds as pci_cfg_* events.
     */
    static final Set<String> NOT_GUEST_ACCESS = Set.of("interrupt-message", "pci-conf-idx", "pci-conf-data");

    /** Largest port number: OTHER_* accesses below it are port I/O. */
    private static final long PORT_LIMIT = 0x10000;

    private final DeviceExitRules[] rules = new DeviceExitRules[256];
    private final boolean[] ioBar = new boolean[256 * 8];
    private final byte[] regionKind;

    static final byte REGION_SKIP = 0;
    static final byte REGION_IRQCHIP = 1;
    static final byte REGION_USER = 2;

    public ExitClassifier(CaptureMetadata meta) {
        java.util.Arrays.fill(rules, DeviceExitRules.ALL_EXIT);
        for (CaptureMetadata.DeviceInfo d : meta.devices()) {
            if (d.index() >= 0 && d.index() < 256) {
                rules[d.index()] = DeviceExitRules.forDevice(d);
                if (d.bars() != null) {
                    for (CaptureMetadata.Bar b : d.bars()) {
                        if (b.index() >= 0 && b.index() < 8 && "io".equalsIgnoreCase(b.kind())) {
                            ioBar[d.index() * 8 + b.index()] = true;
                        }
                    }
                }
            }
        }
        List<String> regions = meta.regions() == null ? List.of() : meta.regions();
        regionKind = new byte[regions.size()];
        for (int i = 0; i < regions.size(); i++) {
            String n = regions.get(i).toLowerCase(Locale.ROOT);
            regionKind[i] = NOT_GUEST_ACCESS.contains(n) ? REGION_SKIP
                    : IRQCHIP_REGIONS.contains(n) ? REGION_IRQCHIP : REGION_USER;
        }
    }

    public DeviceExitRules rules(int device) {
        return rules[device & 0xFF];
    }

    /** Whether an OTHER_* event in this region is a guest access at all (see {@link #NOT_GUEST_ACCESS}). */
    public boolean isGuestAccess(int region) {
        return region >= regionKind.length || regionKind[region] != REGION_SKIP;
    }

    /**
     * The device path (see {@link DeviceExitRules}) of a device register access; the value tells a legacy notify
     * write's queue.
     */
    public AccessPath path(int device, boolean write, int bar, long offset, long value) {
        return rules[device & 0xFF].path(write, bar, offset, value);
    }

    /**
     * The exit class of a device register access (MMIO or PIO), or null when it causes no exit (a coalesced
     * write). {@code pio} says whether the access was port I/O.
     */
    public ExitClass deviceAccess(Profile p, int device, boolean pio, boolean write, int bar, long offset) {
        if (p == Profile.TCG) {
            return ExitClass.TCG_ACCESS;
        }
        return deviceAccess(p, pio, rules[device & 0xFF].path(write, bar, offset));
    }

    /** As {@link #deviceAccess(Profile, int, boolean, boolean, int, long)}, for an access whose value is known. */
    public ExitClass deviceAccess(Profile p, int device, boolean pio, boolean write, int bar, long offset, long value) {
        return deviceAccess(p, pio, path(device, write, bar, offset, value));
    }

    /** The exit class of a device register access whose path is known (null: no exit). */
    public static ExitClass deviceAccess(Profile p, boolean pio, AccessPath path) {
        if (p == Profile.TCG) {
            return ExitClass.TCG_ACCESS;
        }
        return switch (path) {
            case COALESCED -> null;
            case IOEVENTFD, DATA_IOEVENTFD -> pio ? ExitClass.PIO_IOEVENTFD : ExitClass.MMIO_IOEVENTFD;
            case DATA_NO_IOEVENTFD -> p == Profile.KVM_VHOST ? (pio ? ExitClass.PIO_IOEVENTFD : ExitClass.MMIO_IOEVENTFD)
                    : (pio ? ExitClass.PIO : ExitClass.MMIO);
            case USERSPACE -> pio ? ExitClass.PIO : ExitClass.MMIO;
        };
    }

    /** The exit class of a queue notification of {@code device} traced only as a KICK (QEMU traced no write). */
    public ExitClass kick(Profile p, int device, int queue, boolean pio) {
        return deviceAccess(p, pio, kickPath(device, queue));
    }

    /** The path of a notification of {@code queue} traced only as a KICK. */
    public AccessPath kickPath(int device, int queue) {
        return rules[device & 0xFF].kickPath(queue);
    }

    public ExitClass pciConfig(Profile p) {
        return p == Profile.TCG ? ExitClass.TCG_ACCESS : ExitClass.PCI_CFG;
    }

    /** The exit class of an OTHER_* access, or null when the event is not a guest access. */
    public ExitClass other(Profile p, int region, long address) {
        byte kind = region < regionKind.length ? regionKind[region] : REGION_USER;
        if (kind == REGION_SKIP) {
            return null;
        }
        if (p == Profile.TCG) {
            return ExitClass.TCG_ACCESS;
        }
        if (kind == REGION_IRQCHIP) {
            return ExitClass.IRQCHIP;
        }
        return address >= 0 && address < PORT_LIMIT ? ExitClass.PIO : ExitClass.MMIO;
    }

    /**
     * Who runs the code that serves an exit of class {@code c} under profile {@code p}; {@code path} is the device
     * path of a device register access or kick (null for other exits): vhost-net serves only its RX/TX queues.
     */
    public static String handler(Profile p, ExitClass c, AccessPath path) {
        if (c == ExitClass.IRQCHIP) {
            return "kvm";
        }
        if (p == Profile.KVM_VHOST && path != null && path.vhostQueue()) {
            return "vhost";
        }
        return "qemu";
    }

    /** Whether BAR {@code bar} of {@code device} is an I/O BAR according to the capture's metadata. */
    public boolean isIoBar(int device, int bar) {
        return bar >= 0 && bar < 8 && ioBar[(device & 0xFF) * 8 + bar];
    }

    static boolean isAccess(EventType t) {
        return t.role() == EventType.Role.ACCESS || t == EventType.OTHER_READ || t == EventType.OTHER_WRITE;
    }
}
