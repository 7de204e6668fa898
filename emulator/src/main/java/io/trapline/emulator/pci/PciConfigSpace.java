package io.trapline.emulator.pci;

/**
 * A type-0 PCI configuration space (PCI Local Bus Specification 3.0, chapter 6): the standard header,
 * base address registers with sizing, and a capability list. Each byte has a write mask (which bits a
 * guest can change) and a write-one-to-clear mask, so the header behaves like hardware whatever the
 * guest writes. Offsets beyond the space read as all ones and ignore writes, like an absent register.
 */
public final class PciConfigSpace {
    public static final int VENDOR_ID = 0x00;
    public static final int DEVICE_ID = 0x02;
    public static final int COMMAND = 0x04;
    public static final int STATUS = 0x06;
    public static final int REVISION_ID = 0x08;
    public static final int CLASS_PROG = 0x09;
    public static final int CACHE_LINE_SIZE = 0x0C;
    public static final int LATENCY_TIMER = 0x0D;
    public static final int HEADER_TYPE = 0x0E;
    public static final int BAR0 = 0x10;
    public static final int SUBSYSTEM_VENDOR_ID = 0x2C;
    public static final int SUBSYSTEM_ID = 0x2E;
    public static final int ROM_ADDRESS = 0x30;
    public static final int CAPABILITIES_POINTER = 0x34;
    public static final int INTERRUPT_LINE = 0x3C;
    public static final int INTERRUPT_PIN = 0x3D;

    public static final int COMMAND_IO = 0x1;
    public static final int COMMAND_MEMORY = 0x2;
    public static final int COMMAND_BUS_MASTER = 0x4;
    public static final int COMMAND_PARITY = 0x40;
    public static final int COMMAND_SERR = 0x100;
    public static final int COMMAND_INTX_DISABLE = 0x400;

    public static final int STATUS_INTERRUPT = 0x8;
    public static final int STATUS_CAP_LIST = 0x10;

    public static final int BAR_COUNT = 6;
    /** First byte after the standard header, where capabilities start. */
    public static final int HEADER_END = 0x40;

    private final byte[] data;
    private final byte[] writeMask;
    private final byte[] clearMask;
    private final long[] barSize = new long[BAR_COUNT];
    private final BarKind[] barKind = new BarKind[BAR_COUNT];
    private int nextCapability = HEADER_END;
    private int lastCapability = -1;

    /**
     * @param size 256 for conventional PCI, 4096 for PCI Express extended space
     * @param classCode 24 bits: base class, subclass, programming interface
     * @param interruptPin 0 for none, 1..4 for INTA..INTD
     */
    public PciConfigSpace(int size, int vendorId, int deviceId, int classCode, int revision,
                          int subsystemVendorId, int subsystemId, int interruptPin) {
        if (size != 256 && size != 4096) {
            throw new IllegalArgumentException("config space size must be 256 or 4096: " + size);
        }
        data = new byte[size];
        writeMask = new byte[size];
        clearMask = new byte[size];
        setRaw(VENDOR_ID, 2, vendorId);
        setRaw(DEVICE_ID, 2, deviceId);
        setRaw(REVISION_ID, 1, revision);
        setRaw(CLASS_PROG, 3, classCode);
        setRaw(SUBSYSTEM_VENDOR_ID, 2, subsystemVendorId);
        setRaw(SUBSYSTEM_ID, 2, subsystemId);
        setRaw(INTERRUPT_PIN, 1, interruptPin);
        setWriteMask(COMMAND, 2, COMMAND_IO | COMMAND_MEMORY | COMMAND_BUS_MASTER | COMMAND_PARITY
                | COMMAND_SERR | COMMAND_INTX_DISABLE);
        // Error bits of STATUS are write-one-to-clear (PCI 3.0, 6.2.3).
        setClearMask(STATUS, 2, 0xF900);
        setWriteMask(CACHE_LINE_SIZE, 1, 0xFF);
        // LATENCY_TIMER stays read-only 0: QEMU 7.2 opens it only on bridges (the shared e1000 capture reads
        // config 0x0c back as 0 after the BIOS wrote 0x40 to it).
        setWriteMask(INTERRUPT_LINE, 1, 0xFF);
    }

    public int size() {
        return data.length;
    }

    /**
     * Declares BAR {@code index}: {@code size} bytes (a power of two; at least 16 for memory, 4 for I/O).
     * Guests size it the usual way, by writing all ones and reading back the mask.
     */
    public void defineBar(int index, long size, BarKind kind, boolean prefetchable) {
        if (index < 0 || index >= BAR_COUNT || (kind == BarKind.MEMORY64 && index == BAR_COUNT - 1)) {
            throw new IllegalArgumentException("BAR index " + index + " for " + kind);
        }
        if (Long.bitCount(size) != 1 || size < (kind == BarKind.IO ? 4 : 16)) {
            throw new IllegalArgumentException("BAR size must be a power of two: " + size);
        }
        barSize[index] = size;
        barKind[index] = kind;
        int reg = BAR0 + 4 * index;
        long mask = ~(size - 1);
        switch (kind) {
            case IO:
                setRaw(reg, 4, 0x1);
                setWriteMask(reg, 4, mask & 0xFFFF_FFFCL);
                break;
            case MEMORY32:
                setRaw(reg, 4, prefetchable ? 0x8 : 0x0);
                setWriteMask(reg, 4, mask & 0xFFFF_FFF0L);
                break;
            case MEMORY64:
                setRaw(reg, 4, 0x4 | (prefetchable ? 0x8 : 0x0));
                setWriteMask(reg, 4, mask & 0xFFFF_FFF0L);
                setWriteMask(reg + 4, 4, (mask >>> 32) & 0xFFFF_FFFFL);
                break;
            default:
                throw new IllegalStateException();
        }
    }

    /**
     * Declares an expansion ROM BAR of {@code size} bytes (a power of two, at least 2 KiB): the address bits
     * and the enable bit (0) become writable, so guests can size it (PCI 3.0, 6.2.5.2).
     */
    public void defineRom(long size) {
        if (Long.bitCount(size) != 1 || size < 0x800) {
            throw new IllegalArgumentException("ROM BAR size must be a power of two >= 2 KiB: " + size);
        }
        setWriteMask(ROM_ADDRESS, 4, (-size & 0xFFFF_F800L) | 1);
    }

    public long barSize(int index) {
        return barSize[index];
    }

    /** The kind of BAR {@code index}, or null when the BAR is not implemented. */
    public BarKind barKind(int index) {
        return barKind[index];
    }

    /** The base address the guest programmed into BAR {@code index} (type bits removed). */
    public long barAddress(int index) {
        BarKind kind = barKind[index];
        if (kind == null) {
            return 0;
        }
        long low = getRaw(BAR0 + 4 * index, 4);
        switch (kind) {
            case IO:
                return low & 0xFFFF_FFFCL;
            case MEMORY32:
                return low & 0xFFFF_FFF0L;
            default:
                return (low & 0xFFFF_FFF0L) | getRaw(BAR0 + 4 * index + 4, 4) << 32;
        }
    }

    /**
     * Appends a capability of {@code length} bytes with id {@code id} to the capability list and returns
     * its offset; the caller fills its body with {@link #setRaw} and opens bits with {@link #setWriteMask}.
     */
    public int addCapability(int id, int length) {
        int offset = (nextCapability + 3) & ~3;
        if (length < 2 || offset + length > 256) {
            throw new IllegalArgumentException("capability does not fit: id " + id + " length " + length);
        }
        setRaw(offset, 1, id);
        setRaw(offset + 1, 1, 0);
        if (lastCapability < 0) {
            setRaw(CAPABILITIES_POINTER, 1, offset);
            setRaw(STATUS, 2, getRaw(STATUS, 2) | STATUS_CAP_LIST);
        } else {
            setRaw(lastCapability + 1, 1, offset);
        }
        lastCapability = offset;
        nextCapability = offset + length;
        return offset;
    }

    /** Guest read: {@code size} bytes little-endian; bytes past the end read as 0xFF. */
    public long read(int offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            int at = offset + i;
            int b = at >= 0 && at < data.length ? data[at] & 0xFF : 0xFF;
            v = v << 8 | b;
        }
        return v;
    }

    /** Guest write: only bits open in the write mask change; bits in the clear mask are cleared by writing 1. */
    public void write(int offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            if (at < 0 || at >= data.length) {
                continue;
            }
            int b = (int) (value >>> (8 * i)) & 0xFF;
            int wm = writeMask[at] & 0xFF;
            int cm = clearMask[at] & 0xFF;
            int old = data[at] & 0xFF;
            int updated = (old & ~wm) | (b & wm);
            updated &= ~(b & cm);
            data[at] = (byte) updated;
        }
    }

    /** Device-side read, ignoring masks. */
    public long getRaw(int offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (data[offset + i] & 0xFF);
        }
        return v;
    }

    /** Device-side write, ignoring masks. */
    public void setRaw(int offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            data[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    /** Sets which bits of {@code [offset, offset+size)} a guest write may change. */
    public void setWriteMask(int offset, int size, long mask) {
        for (int i = 0; i < size; i++) {
            writeMask[offset + i] = (byte) (mask >>> (8 * i));
        }
    }

    /** Sets which bits of {@code [offset, offset+size)} a guest clears by writing 1. */
    public void setClearMask(int offset, int size, long mask) {
        for (int i = 0; i < size; i++) {
            clearMask[offset + i] = (byte) (mask >>> (8 * i));
        }
    }

    public int command() {
        return (int) getRaw(COMMAND, 2);
    }

    public boolean ioEnabled() {
        return (command() & COMMAND_IO) != 0;
    }

    public boolean memoryEnabled() {
        return (command() & COMMAND_MEMORY) != 0;
    }

    public boolean busMasterEnabled() {
        return (command() & COMMAND_BUS_MASTER) != 0;
    }

    public boolean intxDisabled() {
        return (command() & COMMAND_INTX_DISABLE) != 0;
    }

    /** Mirrors the INTx level in STATUS bit 3, as hardware does. */
    public void setInterruptStatus(boolean asserted) {
        long status = getRaw(STATUS, 2);
        setRaw(STATUS, 2, asserted ? status | STATUS_INTERRUPT : status & ~STATUS_INTERRUPT);
    }
}
