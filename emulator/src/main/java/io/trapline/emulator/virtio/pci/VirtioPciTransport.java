package io.trapline.emulator.virtio.pci;

import io.trapline.emulator.device.DeviceContext;
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
    private final VirtioPciLayout layout;

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
        layout = new VirtioPciLayout(device, options, ctx::sendMsi);
        config = layout.config;
        msix = layout.msix;
        queues = new QueueRegisters[device.queueCount()];
        for (int q = 0; q < queues.length; q++) {
            queues[q] = new QueueRegisters(ctx, device.queueMaxSize(q));
        }
        modern = new ModernInterface(this);
        legacy = new LegacyInterface(this);
    }

    // ---- the device boundary, as the owning device forwards it ----

    public PciConfigSpace pciConfig() {
        return config;
    }

    public long configRead(int offset, int size) {
        if (layout.touchesPciCfgData(offset, size) && layout.pciCfgLength() > 0) {
            long value = read(layout.pciCfgBar(), layout.pciCfgOffset(), layout.pciCfgLength());
            config.setRaw(layout.pciCfgCap + PCI_CFG_CAP_DATA, 4, value);
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
        if (layout.touchesPciCfgData(offset, size) && layout.pciCfgLength() > 0) {
            // The PCI_CFG window (virtio 1.2, 4.1.4.9): a data write is a BAR write of the window's length.
            write(layout.pciCfgBar(), layout.pciCfgOffset(), layout.pciCfgLength(),
                    config.getRaw(layout.pciCfgCap + PCI_CFG_CAP_DATA, 4));
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
                interruptsSuppressed++;
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

    public int queueCount() {
        return queues.length;
    }

    private long interruptsRaised;
    private long interruptsSuppressed;

    /** Interrupts raised (an MSI-X message or ISR set), for DeviceActivity. */
    public long interruptsRaised() {
        return interruptsRaised;
    }

    /** Used buffers published without an interrupt, because the driver's suppression (EVENT_IDX, NO_INTERRUPT) asked so. */
    public long interruptsSuppressed() {
        return interruptsSuppressed;
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
        interruptsRaised++;
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
