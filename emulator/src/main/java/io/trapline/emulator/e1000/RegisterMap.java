package io.trapline.emulator.e1000;

import static io.trapline.emulator.e1000.E1000Registers.WORDS;

/**
 * The e1000 register file as a table indexed by register (byte offset / 4), in the shape of QEMU's
 * hw/net/e1000.c: every implemented register has an {@link Access} kind and a write mask, and one default
 * load/store serves all plain registers; only registers with side effects get a named handler.
 *
 * <p>An offset with no entry is unknown: it reads 0, ignores writes, and is counted, so analysis can show
 * which accesses the model did not understand.
 */
final class RegisterMap {

    /** How the default load/store treats a register (SDM 13.3 "Register Summary" access types). */
    enum Access {
        /** Read returns the stored value; write stores the value under the register's write mask. */
        READ_WRITE,
        /** Read returns the stored value; writes are dropped. */
        READ_ONLY,
        /** Read returns the stored value and clears it; writes are dropped (statistics). */
        READ_TO_CLEAR,
        /** High half of a 64-bit counter: a read returns it and clears both halves (TORH, TOTH, GORCH, GOTCH). */
        READ_TO_CLEAR_HIGH,
        /** Reads return 0; writes go to the handler only (IMC). */
        WRITE_ONLY,
        /**
         * A named register that QEMU 7.2 does not implement (e.g. TIPG, TIDV, FCT): reads 0 and ignores
         * writes, exactly as QEMU does, but is not counted as unknown.
         */
        UNIMPLEMENTED,
        /** A register switched off by configuration (ITR/RDTR/RADV/TADV with mitigation off): reads 0, writes dropped. */
        DISABLED
    }

    /** Side-effect read of register {@code index}. */
    interface ReadHandler {
        int read(int index);
    }

    /** Side-effect write of {@code value} to register {@code index}. */
    interface WriteHandler {
        void write(int index, int value);
    }

    /** Register storage, indexed by byte offset / 4 (the MAC's register file, QEMU's mac_reg). */
    final int[] regs = new int[WORDS];
    private final Access[] access = new Access[WORDS];
    private final int[] writeMask = new int[WORDS];
    private final ReadHandler[] readHandlers = new ReadHandler[WORDS];
    private final WriteHandler[] writeHandlers = new WriteHandler[WORDS];
    private long unknownReads;
    private long unknownWrites;
    private long droppedWrites;

    /** Declares {@code count} consecutive registers from byte offset {@code offset}. */
    void define(int offset, int count, Access kind, int mask) {
        for (int i = 0; i < count; i++) {
            int index = (offset >>> 2) + i;
            access[index] = kind;
            writeMask[index] = mask;
        }
    }

    void define(int offset, Access kind) {
        define(offset, 1, kind, 0xFFFF_FFFF);
    }

    void onRead(int offset, ReadHandler handler) {
        readHandlers[offset >>> 2] = handler;
    }

    void onWrite(int offset, WriteHandler handler) {
        writeHandlers[offset >>> 2] = handler;
    }

    /** Changes the access kind of a declared register (configuration: mitigation off). */
    void setAccess(int offset, Access kind) {
        access[offset >>> 2] = kind;
    }

    Access access(int offset) {
        return access[offset >>> 2];
    }

    boolean known(int offset) {
        return access[offset >>> 2] != null;
    }

    /** Guest read of register {@code index} (0 <= index < WORDS). */
    int read(int index) {
        Access kind = access[index];
        if (kind == null) {
            unknownReads++;
            return 0;
        }
        switch (kind) {
            case UNIMPLEMENTED:
            case DISABLED:
            case WRITE_ONLY:
                return 0;
            default:
                break;
        }
        ReadHandler handler = readHandlers[index];
        if (handler != null) {
            return handler.read(index);
        }
        int value = regs[index];
        if (kind == Access.READ_TO_CLEAR) {
            regs[index] = 0;
        } else if (kind == Access.READ_TO_CLEAR_HIGH) {
            regs[index] = 0;
            regs[index - 1] = 0;
        }
        return value;
    }

    /** Guest write of {@code value} to register {@code index} (0 <= index < WORDS). */
    void write(int index, int value) {
        Access kind = access[index];
        if (kind == null) {
            unknownWrites++;
            return;
        }
        switch (kind) {
            case UNIMPLEMENTED:
            case DISABLED:
                return;
            default:
                break;
        }
        WriteHandler handler = writeHandlers[index];
        if (handler != null) {
            handler.write(index, value);
            return;
        }
        if (kind == Access.READ_WRITE) {
            regs[index] = value & writeMask[index];
        } else {
            droppedWrites++;
        }
    }

    /** Guest reads of offsets with no register. */
    long unknownReads() {
        return unknownReads;
    }

    /** Guest writes to offsets with no register. */
    long unknownWrites() {
        return unknownWrites;
    }

    /** Guest writes to read-only registers (dropped, as the hardware does). */
    long droppedWrites() {
        return droppedWrites;
    }
}
