package io.trapline.emulator.e1000;

import static io.trapline.emulator.e1000.E1000Registers.*;

/**
 * The 82540EM's 64-word serial EEPROM (SDM 5.5, Tables 5-2/5-3): reachable by bit-banging the Microwire
 * interface through EECD (SK/CS/DI/DO) and by the EERD read register. The image is the one QEMU 7.2
 * presents (hw/net/e1000.c e1000_eeprom_template): MAC address in words 0-2, device id in words 11 and 13,
 * and word 0x3F chosen so the 64 words sum to 0xBABA, the checksum Linux's e1000 driver verifies.
 */
final class Eeprom {
    static final int SIZE_WORDS = 64;
    static final int CHECKSUM_WORD = 0x3F;
    static final int CHECKSUM_SUM = 0xBABA;
    /** Microwire READ opcode (binary 110), sent after the start bit (SDM 5.5.2). */
    private static final int MICROWIRE_READ = 6;
    /** Opcode (3 bits incl. start) plus 6 address bits. */
    private static final int COMMAND_BITS = 9;

    /** Image words not derived from the MAC or device id: QEMU 7.2's template (SDM Table 5-2), -1 marks derived words. */
    private static final int[] TEMPLATE = {
        -1, -1, -1, 0x0000, 0xFFFF, 0x0000, 0x0000, 0x0000,
        0x3000, 0x1000, 0x6403, -1, 0x8086, -1, 0x8086, 0x3040,
        0x0008, 0x2000, 0x7E14, 0x0048, 0x1000, 0x00D8, 0x0000, 0x2700,
        0x6CC9, 0x3150, 0x0722, 0x040B, 0x0984, 0x0000, 0xC000, 0x0706,
        0x1008, 0x0000, 0x0F04, 0x7FFF, 0x4D01, 0xFFFF, 0xFFFF, 0xFFFF,
        0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF,
        0x0100, 0x4000, 0x121C, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF,
        0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, -1,
    };

    private final int[] words = new int[SIZE_WORDS];

    // Microwire state: what the guest has clocked in, where the output bit stream stands.
    private int lastEecd;
    private int shiftIn;
    private int bitsIn;
    private int bitOut;
    private boolean reading;

    Eeprom(byte[] mac, int deviceId) {
        for (int i = 0; i < SIZE_WORDS; i++) {
            words[i] = Math.max(TEMPLATE[i], 0);
        }
        for (int i = 0; i < 3; i++) {
            words[i] = (mac[2 * i] & 0xFF) | (mac[2 * i + 1] & 0xFF) << 8;
        }
        words[11] = deviceId;
        words[13] = deviceId;
        int sum = 0;
        for (int i = 0; i < CHECKSUM_WORD; i++) {
            sum += words[i];
        }
        words[CHECKSUM_WORD] = (CHECKSUM_SUM - sum) & 0xFFFF;
    }

    int word(int index) {
        return words[index & (SIZE_WORDS - 1)];
    }

    /** Forgets any transfer in progress (device reset). */
    void reset() {
        lastEecd = 0;
        shiftIn = 0;
        bitsIn = 0;
        bitOut = 0;
        reading = false;
    }

    /** EECD read: the EEPROM is present and always granted; DO carries the current output bit (1 when idle). */
    int readEecd() {
        int value = EECD_PRES | EECD_GNT | lastEecd;
        if (!reading || ((words[(bitOut >>> 4) & 0x3F] >>> ((bitOut & 0xF) ^ 0xF)) & 1) != 0) {
            value |= EECD_DO;
        }
        return value;
    }

    /** EECD write: CS rising edge starts a command, SK rising edges shift DI in, falling edges advance DO. */
    void writeEecd(int value) {
        int previous = lastEecd;
        lastEecd = value & (EECD_SK | EECD_CS | EECD_DI | EECD_FWE_MASK | EECD_REQ);
        if ((value & EECD_CS) == 0) {
            return;
        }
        if (((value ^ previous) & EECD_CS) != 0) {
            shiftIn = 0;
            bitsIn = 0;
            bitOut = 0;
            reading = false;
        }
        if (((value ^ previous) & EECD_SK) == 0) {
            return;
        }
        if ((value & EECD_SK) == 0) {
            bitOut = (bitOut + 1) & 0xFFFF;
            return;
        }
        shiftIn = shiftIn << 1 | ((value & EECD_DI) != 0 ? 1 : 0);
        bitsIn = (bitsIn + 1) & 0xFFFF;
        if (bitsIn == COMMAND_BITS && !reading) {
            // The first data bit appears after the next falling edge, hence one before the word's first bit.
            bitOut = (((shiftIn & 0x3F) << 4) - 1) & 0xFFFF;
            reading = ((shiftIn >>> 6) & 7) == MICROWIRE_READ;
        }
    }

    /**
     * EERD read given the stored register value: with START set, DONE is reported at once with the word
     * in DATA; addresses past the image report DONE without data.
     */
    int readEerd(int eerd) {
        if ((eerd & EERD_START) == 0) {
            return eerd;
        }
        int request = eerd & ~EERD_START;
        int address = request >>> EERD_ADDR_SHIFT;
        if (address > CHECKSUM_WORD) {
            return EERD_DONE | request;
        }
        return words[address] << EERD_DATA_SHIFT | EERD_DONE | request;
    }
}
