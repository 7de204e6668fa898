package io.trapline.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The hypervisor a capture's guest accesses are priced under. */
public enum Profile {
    /** QEMU's TCG: no VM exits; every trapping access is a call into the userspace device model. */
    TCG("tcg"),
    /** KVM with QEMU's userspace device models: coalesced MMIO and ioeventfd as QEMU registers them. */
    KVM("kvm"),
    /** KVM with vhost-net: virtio queue notifications are handled in the kernel and never reach QEMU. */
    KVM_VHOST("kvm-vhost");

    private final String label;

    Profile(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Profile parse(String s) {
        String key = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Profile p : values()) {
            if (p.label.equals(key)) {
                return p;
            }
        }
        throw new AnalysisException("unknown profile '" + s + "' (known: " + labels() + ")");
    }

    /** Parses a comma-separated list ("tcg,kvm"); null or empty means every profile. */
    public static List<Profile> parseList(List<String> items) {
        if (items == null || items.isEmpty()) {
            return List.of(values());
        }
        List<Profile> out = new ArrayList<>();
        for (String item : items) {
            for (String part : item.split(",")) {
                if (!part.isBlank()) {
                    Profile p = parse(part);
                    if (!out.contains(p)) {
                        out.add(p);
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new AnalysisException("no profile given (known: " + labels() + ")");
        }
        return out;
    }

    public static String labels() {
        return Arrays.stream(values()).map(Profile::label).collect(Collectors.joining(", "));
    }
}
