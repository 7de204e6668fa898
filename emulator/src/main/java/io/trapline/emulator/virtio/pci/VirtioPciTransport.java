package io.trapline.emulator.virtio.pci;

import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.pci.BarKind;
import io.trapline.emulator.pci.MsixTable;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.virtio.ring.DescriptorChain;
import io.trapline.emulator.virtio.ring.RingFault;
import io.trapline.emulator.virtio.ring.SplitRing;

import static io.trapline.emulator.virtio.pci.VirtioPciRegisters.*;

/**
 * The virtio-pci transport (virtio 1.2 section 4.1) for one {@link VirtioDevice}: PCI identity and
 * capabilities, the modern regions in BAR4 and/or the legacy I/O BAR0, MSI-X in BAR1 or INTx with a
 * read-to-clear ISR, the device status state machine, feature negotiation and the queues' registers.
 * Register decoding lives in {@link ModernInterface} and {@link LegacyInterface}; this class holds the state
 * both interfaces share.
 */
public final class VirtioPciTransport {
    static final int VIRTIO_QUEUE_MAX = 1024;

    private final DeviceContext ctx;
    private final VirtioDevice device;
    private final VirtioPciOptions options;
    private final PciConfigSpace config;
    private final MsixTable msix;
    private final QueueRegisters[] queues;
    private final ModernInterface modern;
    private final LegacyInterface legacy;
    private int pciCfgCap = -1;

    int status;
    int isr;
    int generation;
    int configVector = NO_VECTOR;
    int queueSelect;
    long driverFeatures;
    private long negotiated;
    private boolean broken;
    private String lastError;

    public VirtioPciTransport(DeviceContext ctx, VirtioDevice device, VirtioPciOptions options) {
        this.ctx = ctx;
        this.device = device;
        this.options = options;
        int type = device.deviceType();
        boolean modernOnly = options.mode() == TransportMode.MODERN;
        // Device ids and revision: virtio 1.2 section 4.1.2.1 (0x1040 + type for modern, 0x1000 + type - 1
        // transitional); QEMU gives a modern-only device subsystem id 0x1100 and revision 1.
        config = new PciConfigSpace(256, 0x1AF4, modernOnly ? 0x1040 + type : 0x1000 + type - 1,
                device.pciClass(), modernOnly ? 1 : 0, 0x1AF4, modernOnly ? 0x1100 : type, 1);
        if (options.legacy()) {
            // QEMU sizes the I/O BAR as the register block plus device config, rounded up to a power of two.
            int need = legacyConfigOffset(options.vectors() > 0) + device.configSize();
            config.defineBar(LEGACY_BAR, need <= 4 ? 4 : Integer.highestOneBit(need - 1) << 1, BarKind.IO, false);
        }
        if (options.vectors() > 0) {
            config.defineBar(MSIX_BAR, MSIX_BAR_SIZE, BarKind.MEMORY32, false);
        }
        if (options.modern()) {
            config.defineBar(MODERN_BAR, MODERN_BAR_SIZE, BarKind.MEMORY64, true);
            addVendorCap(CFG_TYPE_COMMON, CAP_SIZE, COMMON_OFFSET, REGION_SIZE);
            addVendorCap(CFG_TYPE_ISR, CAP_SIZE, ISR_OFFSET, REGION_SIZE);
            addVendorCap(CFG_TYPE_DEVICE, CAP_SIZE, DEVICE_OFFSET, REGION_SIZE);
            int notify = addVendorCap(CFG_TYPE_NOTIFY, NOTIFY_CAP_SIZE, NOTIFY_OFFSET,
                    NOTIFY_OFF_MULTIPLIER * VIRTIO_QUEUE_MAX);
            config.setRaw(notify + NOTIFY_CAP_MULTIPLIER, 4, NOTIFY_OFF_MULTIPLIER);
            pciCfgCap = addVendorCap(CFG_TYPE_PCI, PCI_CFG_CAP_SIZE, 0, 0);
            config.setRaw(pciCfgCap + CAP_BAR, 1, 0);
            config.setWriteMask(pciCfgCap + CAP_BAR, 1, 0xFF);
            config.setWriteMask(pciCfgCap + CAP_OFFSET, 4, 0xFFFF_FFFFL);
            config.setWriteMask(pciCfgCap + CAP_LENGTH, 4, 0xFFFF_FFFFL);
            config.setWriteMask(pciCfgCap + PCI_CFG_CAP_DATA, 4, 0xFFFF_FFFFL);
        }
        msix = options.vectors() > 0
                ? new MsixTable(config, ctx::sendMsi, options.vectors(), MSIX_BAR, 0, MSIX_BAR, MSIX_PBA_OFFSET)
                : null;
        linkCapabilitiesNewestFirst();
        if (options.romBarSize() > 0) {
            config.setWriteMask(PciConfigSpace.ROM_ADDRESS, 4, (-(long) options.romBarSize() & 0xFFFF_F800L) | 1);
        }
        queues = new QueueRegisters[device.queueCount()];
        for (int q = 0; q < queues.length; q++) {
            queues[q] = new QueueRegisters(ctx, device.queueMaxSize(q));
        }
        modern = new ModernInterface(this);
        legacy = new LegacyInterface(this);
    }

    private int addVendorCap(int type, int length, int offset, int regionLength) {
        int cap = config.addCapability(CAP_VENDOR, length);
        config.setRaw(cap + 2, 1, length);
        config.setRaw(cap + CAP_CFG_TYPE, 1, type);
        config.setRaw(cap + CAP_BAR, 1, MODERN_BAR);
        config.setRaw(cap + CAP_OFFSET, 4, offset);
        config.setRaw(cap + CAP_LENGTH, 4, regionLength);
        return cap;
    }

    /**
     * QEMU's pci_add_capability links each new capability at the head of the list, so the list runs from
     * the last one added (MSI-X at 0x98) back to the first (common at 0x40); guests walk it in that order.
     */
    private void linkCapabilitiesNewestFirst() {
        int[] caps = new int[16];
        int n = 0;
        for (int at = (int) config.getRaw(PciConfigSpace.CAPABILITIES_POINTER, 1); at != 0 && n < caps.length;
             at = (int) config.getRaw(at + 1, 1)) {
            caps[n++] = at;
        }
        if (n == 0) {
            return;
        }
        config.setRaw(PciConfigSpace.CAPABILITIES_POINTER, 1, caps[n - 1]);
        for (int i = n - 1; i > 0; i--) {
            config.setRaw(caps[i] + 1, 1, caps[i - 1]);
        }
        config.setRaw(caps[0] + 1, 1, 0);
    }

    // ---- the device boundary, as the owning device forwards it ----

    public PciConfigSpace pciConfig() {
        return config;
    }

    public long configRead(int offset, int size) {
        if (pciCfgCap >= 0 && offset >= pciCfgCap + PCI_CFG_CAP_DATA && offset < pciCfgCap + PCI_CFG_CAP_SIZE) {
            int length = (int) config.getRaw(pciCfgCap + CAP_LENGTH, 4);
            if (length == 1 || length == 2 || length == 4) {
                long value = read((int) config.getRaw(pciCfgCap + CAP_BAR, 1),
                        config.getRaw(pciCfgCap + CAP_OFFSET, 4), length);
                config.setRaw(pciCfgCap + PCI_CFG_CAP_DATA, 4, value);
            }
        }
        return config.read(offset, size);
    }

    public void configWrite(int offset, int size, long value) {
        boolean wasMsix = msixEnabled();
        config.write(offset, size, value);
        if (offset <= PciConfigSpace.COMMAND + 1 && offset + size > PciConfigSpace.COMMAND) {
            // QEMU (virtio_pci_write_config): clearing bus master takes DRIVER_OK away from the device.
            if (!config.busMasterEnabled()) {
                status &= ~VirtioStatus.DRIVER_OK;
            }
            updateIntx();
        }
        if (pciCfgCap >= 0 && offset >= pciCfgCap + PCI_CFG_CAP_DATA && offset < pciCfgCap + PCI_CFG_CAP_SIZE) {
            int length = (int) config.getRaw(pciCfgCap + CAP_LENGTH, 4);
            if (length == 1 || length == 2 || length == 4) {
                write((int) config.getRaw(pciCfgCap + CAP_BAR, 1), config.getRaw(pciCfgCap + CAP_OFFSET, 4),
                        length, config.getRaw(pciCfgCap + PCI_CFG_CAP_DATA, 4));
            }
        }
        if (msix != null) {
            msix.configWritten();
            if (wasMsix != msixEnabled()) {
                updateIntx();
            }
        }
    }

    public long read(int bar, long offset, int size) {
        if ((size != 1 && size != 2 && size != 4 && size != 8) || offset < 0) {
            return 0;
        }
        if (bar == MODERN_BAR && options.modern()) {
            return modern.read(offset, size);
        }
        if (bar == LEGACY_BAR && options.legacy()) {
            return legacy.read(offset, size);
        }
        if (bar == MSIX_BAR && msix != null) {
            return offset >= MSIX_PBA_OFFSET ? msix.readPba(offset - MSIX_PBA_OFFSET, size) : msix.readTable(offset, size);
        }
        return 0;
    }

    public void write(int bar, long offset, int size, long value) {
        if ((size != 1 && size != 2 && size != 4 && size != 8) || offset < 0) {
            return;
        }
        if (bar == MODERN_BAR && options.modern()) {
            modern.write(offset, size, value);
        } else if (bar == LEGACY_BAR && options.legacy()) {
            legacy.write(offset, size, value);
        } else if (bar == MSIX_BAR && msix != null) {
            if (offset >= MSIX_PBA_OFFSET) {
                msix.writePba(offset - MSIX_PBA_OFFSET, size, value);
            } else {
                msix.writeTable(offset, size, value);
            }
        }
    }

    /** Register name of an access, with the legacy config offset this device uses right now. */
    public String registerName(int bar, long offset) {
        return VirtioPciRegisters.name(bar, offset, msixEnabled());
    }

    // ---- what the device uses ----

    public SplitRing ring(int queue) {
        return queues[queue].ring;
    }

    /** The device-side scratch element of {@code queue}, reused for every pop. */
    public DescriptorChain chain(int queue) {
        return queues[queue].chain;
    }

    public int status() {
        return status;
    }

    public boolean driverOk() {
        return (status & VirtioStatus.DRIVER_OK) != 0 && !broken;
    }

    /** Features both sides agreed on (offered and accepted). */
    public long negotiatedFeatures() {
        return negotiated;
    }

    public boolean broken() {
        return broken;
    }

    /** Why the device last entered its error state, or null. */
    public String lastError() {
        return lastError;
    }

    public int isr() {
        return isr;
    }

    public int generation() {
        return generation;
    }

    public MsixTable msix() {
        return msix;
    }

    public int queueVector(int queue) {
        return queues[queue].vector;
    }

    public int configVector() {
        return configVector;
    }

    /**
     * Used buffers were published on {@code queue}: interrupts the driver if the ring's suppression rules
     * (EVENT_IDX or NO_INTERRUPT) say it wants one (QEMU's virtio_notify).
     */
    public void queueInterrupt(int queue) {
        try {
            if (!queues[queue].ring.shouldInterrupt()) {
                return;
            }
        } catch (RingFault fault) {
            deviceError(fault.error().name());
            return;
        }
        raise(ISR_QUEUE, queues[queue].vector);
    }

    /**
     * Device configuration changed: QEMU's virtio_notify_config only signals once DRIVER_OK is set, then
     * bumps config_generation and sets ISR to 0x3 (queue and config bits) before signalling.
     */
    public void configInterrupt() {
        if ((status & VirtioStatus.DRIVER_OK) == 0) {
            return;
        }
        generation = (generation + 1) & 0xFF;
        raise(ISR_QUEUE | ISR_CONFIG, configVector);
    }

    /**
     * The driver broke a rule: the device stops using its queues until reset; with VERSION_1 it also sets
     * DEVICE_NEEDS_RESET and signals a configuration change (virtio 1.2, 2.1.2; QEMU's virtio_error).
     */
    public void deviceError(String reason) {
        if (broken) {
            return;
        }
        broken = true;
        lastError = reason;
        if (VirtioFeatures.has(negotiated, VirtioFeatures.VERSION_1)) {
            status |= VirtioStatus.DEVICE_NEEDS_RESET;
            configInterrupt();
        }
    }

    // ---- shared by the two interfaces ----

    boolean msixEnabled() {
        return msix != null && msix.enabled();
    }

    int legacyConfigOffset(boolean msixOn) {
        return msixOn ? LEGACY_CONFIG_MSIX : LEGACY_CONFIG;
    }

    VirtioDevice device() {
        return device;
    }

    int queueCount() {
        return queues.length;
    }

    QueueRegisters queue(int q) {
        return q >= 0 && q < queues.length ? queues[q] : null;
    }

    QueueRegisters selectedQueue() {
        return queue(queueSelect);
    }

    /** Features offered through the legacy interface: QEMU's host_features low word with legacy extras. */
    long legacyDeviceFeatures() {
        long f = device.deviceFeatures() | device.legacyOnlyFeatures() | VirtioFeatures.bit(VirtioFeatures.BAD_FEATURE);
        return f & 0xFFFF_FFFFL;
    }

    /** Applies accepted features: QEMU (virtio_set_features) masks them with what was offered. */
    void applyFeatures(long offered) {
        negotiated = driverFeatures & offered;
        boolean eventIdx = VirtioFeatures.has(negotiated, VirtioFeatures.RING_EVENT_IDX);
        boolean indirect = VirtioFeatures.has(negotiated, VirtioFeatures.RING_INDIRECT_DESC);
        boolean onEmpty = VirtioFeatures.has(negotiated, VirtioFeatures.NOTIFY_ON_EMPTY);
        for (QueueRegisters q : queues) {
            q.ring.setFeatures(eventIdx, indirect, onEmpty);
        }
        device.featuresNegotiated(negotiated);
    }

    /** MSI-X vector the driver may use: QEMU's msix_vector_use refuses vectors the table lacks. */
    int acceptVector(int vector) {
        return msix != null && vector < msix.vectors() ? vector : NO_VECTOR;
    }

    /** A status byte from either interface (QEMU's virtio_set_status plus the transport's reset). */
    void writeStatus(int value, boolean modernInterface) {
        int v = value & 0xFF;
        if (v == 0) {
            reset();
            return;
        }
        int old = status;
        if (modernInterface && (v & VirtioStatus.FEATURES_OK) != 0 && (old & VirtioStatus.FEATURES_OK) == 0) {
            // virtio 1.2, 3.1.1 step 5: the device refuses FEATURES_OK for features it did not offer.
            if ((driverFeatures & ~device.deviceFeatures()) != 0) {
                return;
            }
            applyFeatures(device.deviceFeatures());
        }
        status = v | (broken ? VirtioStatus.DEVICE_NEEDS_RESET : 0);
        if ((v & VirtioStatus.DRIVER_OK) != 0 && (old & VirtioStatus.DRIVER_OK) == 0 && !broken) {
            if (modernInterface && (old & VirtioStatus.FEATURES_OK) == 0 && (v & VirtioStatus.FEATURES_OK) == 0) {
                applyFeatures(device.deviceFeatures());
            }
            device.driverOk();
        }
    }

    /** Device reset: status, features, ISR, vectors and every queue back to power-on values (virtio 1.2, 2.4). */
    void reset() {
        status = 0;
        isr = 0;
        updateIntx();
        driverFeatures = 0;
        negotiated = 0;
        configVector = NO_VECTOR;
        queueSelect = 0;
        broken = false;
        lastError = null;
        modern.reset();
        for (QueueRegisters q : queues) {
            q.reset();
            q.ring.setFeatures(false, false, false);
        }
        device.reset();
    }

    void resetQueue(int q) {
        queues[q].reset();
        long f = negotiated;
        queues[q].ring.setFeatures(VirtioFeatures.has(f, VirtioFeatures.RING_EVENT_IDX),
                VirtioFeatures.has(f, VirtioFeatures.RING_INDIRECT_DESC),
                VirtioFeatures.has(f, VirtioFeatures.NOTIFY_ON_EMPTY));
        device.queueReset(q);
    }

    /** A kick decoded from either interface. Absent queues are ignored; unready queues too (QEMU). */
    void notifyQueue(int q) {
        if (q < 0 || q >= queues.length) {
            return;
        }
        ctx.queueKicked(q);
        if (!broken && queues[q].ring.ready()) {
            device.queueNotified(q);
        }
    }

    int readIsr() {
        int v = isr;
        isr = 0;
        ctx.setIntx(false);
        return v;
    }

    private void raise(int isrBits, int vector) {
        isr |= isrBits;
        if (msixEnabled()) {
            if (vector != NO_VECTOR) {
                msix.notify(vector);
            }
        } else {
            updateIntx();
        }
    }

    /** INTx follows ISR bit 0 while MSI-X is off, unless the command register disables INTx. */
    private void updateIntx() {
        ctx.setIntx(!msixEnabled() && (isr & ISR_QUEUE) != 0 && !config.intxDisabled());
    }
}
