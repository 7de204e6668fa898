package io.trapline.emulator.pci;

import io.trapline.emulator.memory.LittleEndian;

/**
 * An MSI-X function (PCI Local Bus Specification 3.0, section 6.8.2): the capability in configuration space,
 * the vector table and the pending bit array, both living in a memory BAR the device routes here.
 *
 * <p>Each table entry is message address (lo, hi), message data and vector control (bit 0 = masked), 16
 * bytes. A message raised while its vector or the whole function is masked sets its pending bit and is sent
 * when the mask clears. Vectors start masked, as after reset.
 */
public final class MsixTable {
    public static final int CAP_ID = 0x11;
    public static final int CAP_LENGTH = 12;
    public static final int CAP_MESSAGE_CONTROL = 2;
    public static final int CAP_TABLE = 4;
    public static final int CAP_PBA = 8;
    public static final int CONTROL_ENABLE = 0x8000;
    public static final int CONTROL_FUNCTION_MASK = 0x4000;

    public static final int ENTRY_SIZE = 16;
    public static final int ENTRY_ADDR_LO = 0;
    public static final int ENTRY_ADDR_HI = 4;
    public static final int ENTRY_DATA = 8;
    public static final int ENTRY_CTRL = 12;
    public static final int CTRL_MASKED = 1;

    private final PciConfigSpace config;
    private final MsiSink sink;
    private final int vectors;
    private final int capability;
    private final byte[] table;
    private final byte[] pba;

    /**
     * Adds the capability to {@code config}. The table sits at {@code tableOffset} in BAR {@code tableBar},
     * the PBA at {@code pbaOffset} in BAR {@code pbaBar} (offsets 8-byte aligned).
     */
    public MsixTable(PciConfigSpace config, MsiSink sink, int vectors, int tableBar, int tableOffset,
                     int pbaBar, int pbaOffset) {
        if (vectors < 1 || vectors > 2048) {
            throw new IllegalArgumentException("MSI-X vectors must be 1..2048: " + vectors);
        }
        this.config = config;
        this.sink = sink;
        this.vectors = vectors;
        this.table = new byte[vectors * ENTRY_SIZE];
        this.pba = new byte[((vectors + 63) / 64) * 8];
        capability = config.addCapability(CAP_ID, CAP_LENGTH);
        config.setRaw(capability + CAP_MESSAGE_CONTROL, 2, vectors - 1);
        config.setWriteMask(capability + CAP_MESSAGE_CONTROL, 2, CONTROL_ENABLE | CONTROL_FUNCTION_MASK);
        config.setRaw(capability + CAP_TABLE, 4, tableOffset | tableBar);
        config.setRaw(capability + CAP_PBA, 4, pbaOffset | pbaBar);
        reset();
    }

    public int capabilityOffset() {
        return capability;
    }

    public int vectors() {
        return vectors;
    }

    /** Bytes of the vector table. */
    public int tableSize() {
        return table.length;
    }

    public int pbaSize() {
        return pba.length;
    }

    /** Function reset: every vector masked, nothing pending, MSI-X disabled. */
    public void reset() {
        java.util.Arrays.fill(table, (byte) 0);
        java.util.Arrays.fill(pba, (byte) 0);
        for (int v = 0; v < vectors; v++) {
            table[v * ENTRY_SIZE + ENTRY_CTRL] = CTRL_MASKED;
        }
        config.setRaw(capability + CAP_MESSAGE_CONTROL, 2, vectors - 1);
    }

    private int control() {
        return (int) config.getRaw(capability + CAP_MESSAGE_CONTROL, 2);
    }

    public boolean enabled() {
        return (control() & CONTROL_ENABLE) != 0;
    }

    public boolean functionMasked() {
        return (control() & CONTROL_FUNCTION_MASK) != 0;
    }

    public boolean vectorMasked(int vector) {
        return (table[vector * ENTRY_SIZE + ENTRY_CTRL] & CTRL_MASKED) != 0;
    }

    public boolean pending(int vector) {
        return (pba[vector >>> 3] & (1 << (vector & 7))) != 0;
    }

    /**
     * Raises {@code vector}: sends its message, or marks it pending while masked. Does nothing when MSI-X is
     * disabled or the vector does not exist. Returns true when a message was sent.
     */
    public boolean notify(int vector) {
        if (!enabled() || vector < 0 || vector >= vectors) {
            return false;
        }
        if (functionMasked() || vectorMasked(vector)) {
            pba[vector >>> 3] |= (byte) (1 << (vector & 7));
            return false;
        }
        send(vector);
        return true;
    }

    private void send(int vector) {
        int at = vector * ENTRY_SIZE;
        long address = LittleEndian.u32(table, at + ENTRY_ADDR_LO) | LittleEndian.u32(table, at + ENTRY_ADDR_HI) << 32;
        sink.sendMsi(vector, address, LittleEndian.s32(table, at + ENTRY_DATA));
    }

    /** Call after any guest write to configuration space: an unmask or enable may release pending messages. */
    public void configWritten() {
        deliverPending();
    }

    private void deliverPending() {
        if (!enabled() || functionMasked()) {
            return;
        }
        for (int v = 0; v < vectors; v++) {
            if (pending(v) && !vectorMasked(v)) {
                pba[v >>> 3] &= (byte) ~(1 << (v & 7));
                send(v);
            }
        }
    }

    public long readTable(long offset, int size) {
        if (offset < 0 || offset + size > table.length) {
            return 0;
        }
        return LittleEndian.get(table, (int) offset, size);
    }

    public void writeTable(long offset, int size, long value) {
        if (offset < 0 || offset + size > table.length) {
            return;
        }
        LittleEndian.put(table, (int) offset, size, value);
        int vector = (int) (offset / ENTRY_SIZE);
        // Only bit 0 of vector control is defined; the rest are reserved and read as zero.
        table[vector * ENTRY_SIZE + ENTRY_CTRL] &= CTRL_MASKED;
        table[vector * ENTRY_SIZE + ENTRY_CTRL + 1] = 0;
        table[vector * ENTRY_SIZE + ENTRY_CTRL + 2] = 0;
        table[vector * ENTRY_SIZE + ENTRY_CTRL + 3] = 0;
        int lastVector = (int) ((offset + size - 1) / ENTRY_SIZE);
        if (lastVector != vector) {
            table[lastVector * ENTRY_SIZE + ENTRY_CTRL] &= CTRL_MASKED;
        }
        deliverPending();
    }

    public long readPba(long offset, int size) {
        if (offset < 0 || offset + size > pba.length) {
            return 0;
        }
        return LittleEndian.get(pba, (int) offset, size);
    }

    /** The PBA is read-only; writes are ignored (PCI 3.0, 6.8.2.10). */
    public void writePba(long offset, int size, long value) {
        // read-only
    }
}
