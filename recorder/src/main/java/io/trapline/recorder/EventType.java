package io.trapline.recorder;

import java.util.Locale;

/**
 * What an event records. The numeric codes are part of the capture format (docs/capture-format.md):
 * never renumber, only append.
 */
public enum EventType {
    /** Guest read of a device register in a memory BAR; value = what the device returned. */
    MMIO_READ(1, Role.ACCESS),
    /** Guest write of a device register in a memory BAR. */
    MMIO_WRITE(2, Role.ACCESS),
    /** Guest read of an I/O port in a device's I/O BAR. */
    PIO_READ(3, Role.ACCESS),
    /** Guest write of an I/O port in a device's I/O BAR. */
    PIO_WRITE(4, Role.ACCESS),
    /** Guest read of PCI configuration space; address = config offset. */
    PCI_CFG_READ(5, Role.ACCESS),
    /** Guest write of PCI configuration space. */
    PCI_CFG_WRITE(6, Role.ACCESS),
    /** Device read of guest memory; payload = the bytes read (none when flagged FAULT). */
    DMA_READ(7, Role.DEVICE_IO),
    /** Device write to guest memory; payload = the bytes written. */
    DMA_WRITE(8, Role.DEVICE_IO),
    /** INTx line change; value = new level (1 asserted, 0 deasserted). */
    INTX(9, Role.DEVICE_IO),
    /** MSI/MSI-X message; address = message address, value = message data. */
    MSI(10, Role.DEVICE_IO),
    /** A queue notification (kick); queue = the queue index. */
    KICK(11, Role.DEVICE_IO),
    /** A frame from the network into the device; payload = the frame. Flag REFUSED when the device did not take it. */
    FRAME_RX(12, Role.DEVICE_IO),
    /** A frame the device transmitted; payload = the frame. */
    FRAME_TX(13, Role.DEVICE_IO),
    /** A VM exit reported by the source; value = exit reason code, queue = vCPU. */
    EXIT(14, Role.SOURCE),
    /** A workload mark; value = {@link MarkKind} code, payload = UTF-8 name. */
    MARK(15, Role.SOURCE),
    /** Guest read of a device that is not modelled (LAPIC, timers...); region = index into capture.json "regions". */
    OTHER_READ(16, Role.SOURCE),
    /** Guest write of a device that is not modelled. */
    OTHER_WRITE(17, Role.SOURCE),
    /** The device told the network backend it can receive again after refusing a frame. */
    RX_READY(18, Role.DEVICE_IO);

    /** Broad grouping of event types. */
    public enum Role { ACCESS, DEVICE_IO, SOURCE }

    private static final EventType[] BY_CODE = new EventType[256];

    static {
        for (EventType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final Role role;

    EventType(int code, Role role) {
        this.code = code;
        this.role = role;
    }

    /** The on-disk code. */
    public int code() {
        return code;
    }

    public Role role() {
        return role;
    }

    /** The name users type and see: lower case, e.g. {@code mmio_read}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type with this on-disk code, or null when the code is unknown. */
    public static EventType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** Parses a user-typed label such as {@code mmio_read} (case and '-' vs '_' do not matter). */
    public static EventType ofLabel(String label) {
        String key = label.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (EventType t : values()) {
            if (t.name().equals(key)) {
                return t;
            }
        }
        return null;
    }

    public boolean isRead() {
        return this == MMIO_READ || this == PIO_READ || this == PCI_CFG_READ || this == OTHER_READ;
    }
}
