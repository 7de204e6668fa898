package io.trapline.analysis;

import io.trapline.emulator.device.RegisterNames;
import io.trapline.recorder.CaptureMetadata;

import java.util.HashMap;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The strings of a capture's rows, made once and reused as UTF-8 bytes: access kinds, device model names,
 * region names, and register names (from the device model through DeviceCatalog; a bounded cache).
 */
final class Labels {
    private static final int MAX_CACHED = 8192;
    static final byte[] READ = "read".getBytes(UTF_8);
    static final byte[] WRITE = "write".getBytes(UTF_8);
    static final byte[] MMIO = "mmio".getBytes(UTF_8);
    static final byte[] PIO = "pio".getBytes(UTF_8);
    static final byte[] PCI_CFG = "pci_cfg".getBytes(UTF_8);
    static final byte[] OTHER = "other".getBytes(UTF_8);

    private final CaptureMetadata meta;
    private final RegisterNames[] names = new RegisterNames[256];
    private final byte[][] models = new byte[256][];
    private final byte[][] regions;
    private final Map<Long, byte[]> registerCache = new HashMap<>();

    Labels(CaptureMetadata meta) {
        this.meta = meta;
        for (CaptureMetadata.DeviceInfo d : meta.devices()) {
            if (d.index() >= 0 && d.index() < 256) {
                names[d.index()] = io.trapline.emulator.device.DeviceCatalog.registerNames(d.model(), d.transport());
                models[d.index()] = d.model().getBytes(UTF_8);
            }
        }
        int n = meta.regions() == null ? 0 : meta.regions().size();
        regions = new byte[n][];
        for (int i = 0; i < n; i++) {
            regions[i] = meta.regions().get(i).getBytes(UTF_8);
        }
    }

    /** The model name of a device ("e1000"), or "device#N" when the capture does not list it. */
    byte[] model(int device) {
        byte[] m = models[device & 0xFF];
        if (m == null) {
            m = ("device#" + device).getBytes(UTF_8);
            models[device & 0xFF] = m;
        }
        return m;
    }

    byte[] region(int region) {
        return region < regions.length ? regions[region] : meta.regionName(region).getBytes(UTF_8);
    }

    /** The register's name (datasheet/spec) or BARn+0xOFF; for PCI config space, cfg+0xOFF. */
    byte[] register(int device, int bar, long offset) {
        long key = ((long) (device & 0xFF) << 56) | ((long) (bar & 0xFF) << 48) | (offset & 0xFFFF_FFFF_FFFFL);
        byte[] b = registerCache.get(key);
        if (b != null) {
            return b;
        }
        RegisterNames rn = names[device & 0xFF];
        String s = rn == null ? RegisterNames.NONE.label(bar, offset) : rn.label(bar, offset);
        b = s.getBytes(UTF_8);
        if (registerCache.size() < MAX_CACHED) {
            registerCache.put(key, b);
        }
        return b;
    }

    byte[] configRegister(long offset) {
        long key = (0xFEL << 56) | (offset & 0xFFFF_FFFFL);
        byte[] b = registerCache.get(key);
        if (b == null) {
            b = String.format("cfg+0x%x", offset).getBytes(UTF_8);
            if (registerCache.size() < MAX_CACHED) {
                registerCache.put(key, b);
            }
        }
        return b;
    }

    /** A register of an unmodelled region: the LAPIC's and the HPET's by name, else its address. */
    byte[] otherRegister(int region, long address) {
        long key = (0xFFL << 56) | ((long) (region & 0xFFFF) << 40) | (address & 0xFF_FFFF_FFFFL);
        byte[] b = registerCache.get(key);
        if (b == null) {
            b = otherRegisterName(region, address);
            if (registerCache.size() < MAX_CACHED) {
                registerCache.put(key, b);
            }
        }
        return b;
    }

    private byte[] otherRegisterName(int region, long address) {
        String n = OtherRegisters.name(meta.regionName(region), address);
        return (n != null ? n : String.format("0x%x", address)).getBytes(UTF_8);
    }
}
