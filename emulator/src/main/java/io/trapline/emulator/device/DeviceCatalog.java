package io.trapline.emulator.device;

import io.trapline.emulator.e1000.E1000;
import io.trapline.emulator.e1000.E1000Config;
import io.trapline.emulator.e1000.E1000Registers;
import io.trapline.emulator.virtio.net.VirtioNet;
import io.trapline.emulator.virtio.net.VirtioNetConfig;
import io.trapline.emulator.virtio.pci.TransportMode;
import io.trapline.emulator.virtio.pci.VirtioPciRegisters;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The device models trapline knows, by the model name captures record ({@code devices[].model}): how to
 * build one from a capture's config map and how to name its registers. Recording, replay, inspection and
 * analysis all look models up here, so a new model is added in one place.
 *
 * <p>Config maps use the keys of QEMU's device properties where there is one ({@code mac},
 * {@code mitigation}, {@code vectors}, {@code event_idx}...); values may be booleans, numbers or strings
 * such as {@code on}/{@code off}, so a user can type them on a command line.
 */
public final class DeviceCatalog {
    public static final String E1000 = "e1000";
    public static final String VIRTIO_NET = "virtio-net";

    private static final Set<String> E1000_KEYS = Set.of("mac", "mitigation", "io_window", "link_up");
    private static final Set<String> VIRTIO_NET_KEYS = Set.of("mac", "transport", "vectors", "event_idx",
            "indirect_desc", "mrg_rxbuf", "csum", "ctrl_vq", "status", "rx_queue_size", "tx_queue_size", "tx_burst",
            "tx_bh_delay_ns");

    private DeviceCatalog() {
    }

    /** The config keys model {@code model} understands (empty for an unknown model). */
    public static Set<String> options(String model) {
        return E1000.equals(model) ? E1000_KEYS : VIRTIO_NET.equals(model) ? VIRTIO_NET_KEYS : Set.of();
    }

    /**
     * Whether QEMU bound the queue notifications of the device in QEMU {@code -device} argument {@code device} to
     * ioeventfds: virtio-pci's {@code ioeventfd} property, on unless the argument turns it off. It changes no device
     * behaviour, only where a notification exits under KVM (QEMU 7.2 hw/virtio/virtio-pci.c, property bit VIRTIO_PCI_FLAG_USE_IOEVENTFD_BIT).
     * An unreadable value counts as on, QEMU's default.
     */
    public static boolean qemuIoeventfd(String device) {
        String[] parts = device.split(",");
        boolean on = true;
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0 && parts[i].substring(0, eq).trim().equals("ioeventfd")) {
                String v = parts[i].substring(eq + 1).trim().toLowerCase(Locale.ROOT);
                on = !(v.equals("off") || v.equals("false") || v.equals("no") || v.equals("n"));
            }
        }
        return on;
    }

    /**
     * The config map for a QEMU {@code -device} argument such as
     * {@code virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,vectors=0,event_idx=off,disable-legacy=on}: the
     * properties that change device behaviour, in this catalog's keys. Properties that only change how QEMU
     * itself runs (netdev, ioeventfd, addr, id...) are left out.
     */
    public static Map<String, Object> fromQemuDevice(String device) {
        Map<String, Object> m = new LinkedHashMap<>();
        String[] parts = device.split(",");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = parts[i].substring(0, eq).trim();
            String value = parts[i].substring(eq + 1).trim();
            switch (key) {
                case "mac", "mitigation", "vectors", "event_idx", "mrg_rxbuf", "ctrl_vq", "status", "csum" -> m.put(key, value);
                case "indirect_desc" -> m.put("indirect_desc", value);
                case "rx_queue_size", "tx_queue_size" -> m.put(key, value);
                case "x-txburst" -> m.put("tx_burst", value);
                case "disable-legacy" -> {
                    if (bool("qemu", key, value)) {
                        m.put("transport", "modern");
                    }
                }
                case "disable-modern" -> {
                    if (bool("qemu", key, value)) {
                        m.put("transport", "legacy");
                    }
                }
                default -> {
                }
            }
        }
        return m;
    }

    /** True when trapline has a model of this name. */
    public static boolean known(String model) {
        return E1000.equals(model) || VIRTIO_NET.equals(model);
    }

    /**
     * Checks that {@code config} is a valid configuration of {@code model}.
     *
     * @throws IllegalArgumentException naming the model and the key, for an unknown model, key or value
     */
    public static void validate(String model, Map<String, ?> config) {
        if (E1000.equals(model)) {
            e1000Config(config);
        } else if (VIRTIO_NET.equals(model)) {
            virtioNetConfig(config);
        } else {
            throw new IllegalArgumentException("unknown device model '" + model + "' (known: " + E1000 + ", " + VIRTIO_NET + ")");
        }
    }

    /**
     * Builds device {@code model} configured by {@code config} (missing keys take QEMU 7.2's defaults).
     *
     * @throws IllegalArgumentException naming the model and the key, for an unknown model, key or value
     */
    public static Device create(String model, Map<String, ?> config, DeviceContext ctx) {
        if (E1000.equals(model)) {
            return new E1000(ctx, e1000Config(config));
        }
        if (VIRTIO_NET.equals(model)) {
            return new VirtioNet(ctx, virtioNetConfig(config));
        }
        throw new IllegalArgumentException("unknown device model '" + model + "' (known: " + E1000 + ", " + VIRTIO_NET + ")");
    }

    public static E1000Config e1000Config(Map<String, ?> config) {
        check(E1000, config, E1000_KEYS);
        E1000Config c = E1000Config.defaults();
        if (config.containsKey("mac")) {
            c = c.withMac(E1000Config.parseMac(String.valueOf(config.get("mac"))));
        }
        if (config.containsKey("mitigation")) {
            c = c.withMitigation(bool(E1000, "mitigation", config.get("mitigation")));
        }
        if (config.containsKey("io_window")) {
            c = c.withIoWindow(bool(E1000, "io_window", config.get("io_window")));
        }
        if (config.containsKey("link_up")) {
            c = c.withLinkUp(bool(E1000, "link_up", config.get("link_up")));
        }
        return c;
    }

    public static VirtioNetConfig virtioNetConfig(Map<String, ?> config) {
        check(VIRTIO_NET, config, VIRTIO_NET_KEYS);
        VirtioNetConfig c = VirtioNetConfig.defaults();
        for (Map.Entry<String, ?> e : config.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "mac" -> c.mac(E1000Config.parseMac(String.valueOf(v)));
                case "transport" -> c.mode(transport(String.valueOf(v)));
                case "vectors" -> c.vectors(intNumber(VIRTIO_NET, "vectors", v));
                case "event_idx" -> c.eventIdx(bool(VIRTIO_NET, "event_idx", v));
                case "indirect_desc" -> c.indirectDesc(bool(VIRTIO_NET, "indirect_desc", v));
                case "mrg_rxbuf" -> c.mrgRxbuf(bool(VIRTIO_NET, "mrg_rxbuf", v));
                case "csum" -> c.csum(bool(VIRTIO_NET, "csum", v));
                case "ctrl_vq" -> c.ctrlVq(bool(VIRTIO_NET, "ctrl_vq", v));
                case "status" -> c.status(bool(VIRTIO_NET, "status", v));
                case "rx_queue_size" -> c.rxQueueSize(intNumber(VIRTIO_NET, "rx_queue_size", v));
                case "tx_queue_size" -> c.txQueueSize(intNumber(VIRTIO_NET, "tx_queue_size", v));
                case "tx_burst" -> c.txBurst(intNumber(VIRTIO_NET, "tx_burst", v));
                case "tx_bh_delay_ns" -> c.txBottomHalfDelayNs(number(VIRTIO_NET, "tx_bh_delay_ns", v));
                default -> throw new IllegalStateException(e.getKey());
            }
        }
        return c;
    }

    /** The config map that describes {@code config} in a capture (every key, so a capture is self-contained). */
    public static Map<String, Object> describe(E1000Config config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mac", mac(config.mac()));
        m.put("mitigation", config.mitigation());
        m.put("io_window", config.ioWindow());
        m.put("link_up", config.linkUp());
        return m;
    }

    public static Map<String, Object> describe(VirtioNetConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mac", mac(c.mac()));
        m.put("transport", transportName(c.mode()));
        m.put("vectors", c.vectors());
        m.put("event_idx", c.eventIdx());
        m.put("indirect_desc", c.indirectDesc());
        m.put("mrg_rxbuf", c.mrgRxbuf());
        m.put("csum", c.csum());
        m.put("ctrl_vq", c.ctrlVq());
        m.put("status", c.status());
        m.put("rx_queue_size", c.rxQueueSize());
        m.put("tx_queue_size", c.txQueueSize());
        m.put("tx_burst", c.txBurst());
        m.put("tx_bh_delay_ns", c.txBottomHalfDelayNs());
        return m;
    }

    public static String transportName(TransportMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    public static TransportMode transport(String name) {
        for (TransportMode m : TransportMode.values()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("virtio-net: transport must be modern, legacy or transitional, not '" + name + "'");
    }

    /** Register names for {@code model}, assuming MSI-X is on where the layout depends on it. */
    public static RegisterNames registerNames(String model, String transport) {
        return registerNames(model, transport, true);
    }

    /**
     * Register names for {@code model}. {@code transport} is informational (virtio's BAR numbers already tell
     * legacy from modern); {@code msix} decides where virtio's legacy device config starts (0x18 vs 0x14).
     */
    public static RegisterNames registerNames(String model, String transport, boolean msix) {
        if (E1000.equals(model)) {
            return (bar, offset) -> bar == 0 ? E1000Registers.name(offset)
                    : bar == 1 ? (offset == E1000Registers.IOADDR ? "IOADDR" : offset == E1000Registers.IODATA ? "IODATA" : null)
                    : null;
        }
        if (VIRTIO_NET.equals(model)) {
            return (bar, offset) -> VirtioPciRegisters.name(bar, offset, msix);
        }
        return RegisterNames.NONE;
    }

    private static void check(String model, Map<String, ?> config, Set<String> keys) {
        for (String k : config.keySet()) {
            if (!keys.contains(k)) {
                throw new IllegalArgumentException(model + ": unknown option '" + k + "' (known: "
                        + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
    }

    private static boolean bool(String model, String key, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).toLowerCase(Locale.ROOT);
        switch (s) {
            case "on", "true", "yes", "1" -> {
                return true;
            }
            case "off", "false", "no", "0" -> {
                return false;
            }
            default -> throw new IllegalArgumentException(model + ": option '" + key + "' must be on or off, not '" + v + "'");
        }
    }

    private static long number(String model, String key, Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.decode(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(model + ": option '" + key + "' must be a number, not '" + v + "'");
        }
    }

    /** An int option: a number outside the int range is an error, not a silently truncated value. */
    private static int intNumber(String model, String key, Object v) {
        long n = number(model, key, v);
        if (n != (int) n) {
            throw new IllegalArgumentException(model + ": option '" + key + "' is out of range: " + v);
        }
        return (int) n;
    }

    private static String mac(byte[] mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < mac.length; i++) {
            // by hand rather than String.format: a recording describes its device once per capture, on its own thread
            sb.append(i == 0 ? "" : ":").append(Character.forDigit(mac[i] >> 4 & 0xF, 16)).append(Character.forDigit(mac[i] & 0xF, 16));
        }
        return sb.toString();
    }
}
