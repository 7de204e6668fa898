package io.trapline.emulator.e1000;

import org.junit.jupiter.api.Test;

import static io.trapline.emulator.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

class E1000EepromTest {

    /** Reads a word the way Linux's e1000_read_eeprom does for a Microwire part: CS, opcode 110, address, 16 bits. */
    static int bitBangRead(E1000Rig rig, int address) {
        int eecd = rig.read(EECD) & ~(EECD_DI | EECD_SK);
        eecd |= EECD_CS;
        rig.write(EECD, eecd);
        int command = 0b110 << 6 | address;
        for (int bit = 8; bit >= 0; bit--) {
            eecd = (command >>> bit & 1) != 0 ? eecd | EECD_DI : eecd & ~EECD_DI;
            rig.write(EECD, eecd);
            rig.write(EECD, eecd | EECD_SK);
            rig.write(EECD, eecd);
        }
        eecd &= ~EECD_DI;
        int word = 0;
        for (int i = 0; i < 16; i++) {
            rig.write(EECD, eecd | EECD_SK);
            word = word << 1 | ((rig.read(EECD) & EECD_DO) != 0 ? 1 : 0);
            rig.write(EECD, eecd);
        }
        rig.write(EECD, eecd & ~EECD_CS);
        return word;
    }

    @Test
    void imageSumsToBabaAsLinuxChecks() {
        E1000Rig rig = new E1000Rig();
        int sum = 0;
        for (int i = 0; i < Eeprom.SIZE_WORDS; i++) {
            sum += bitBangRead(rig, i);
        }
        assertEquals(0xBABA, sum & 0xFFFF);
    }

    @Test
    void bitBangedReadsReturnMacAndDeviceId() {
        E1000Rig rig = new E1000Rig();
        assertEquals(0x5452, bitBangRead(rig, 0));
        assertEquals(0x1200, bitBangRead(rig, 1));
        assertEquals(0x5634, bitBangRead(rig, 2));
        assertEquals(0x100E, bitBangRead(rig, 11));
        assertEquals(0x8086, bitBangRead(rig, 12));
    }

    @Test
    void eerdReportsDoneWithTheWordInData() {
        E1000Rig rig = new E1000Rig();
        rig.write(EERD, 2 << EERD_ADDR_SHIFT | EERD_START);
        assertEquals(0x5634 << 16 | 2 << 8 | EERD_DONE, rig.read(EERD));
        rig.write(EERD, 0x40 << EERD_ADDR_SHIFT | EERD_START);
        assertEquals(0x40 << 8 | EERD_DONE, rig.read(EERD), "past the image: done, no data");
        rig.write(EERD, 3 << EERD_ADDR_SHIFT);
        assertEquals(3 << 8, rig.read(EERD), "without START nothing happens");
    }

    @Test
    void nonReadOpcodeLeavesDataOutHigh() {
        E1000Rig rig = new E1000Rig();
        int eecd = EECD_CS;
        rig.write(EECD, eecd);
        int command = 0b101 << 6 | 3; // ERASE/WRITE: not modelled, EEPROM stays read-only
        for (int bit = 8; bit >= 0; bit--) {
            int v = (command >>> bit & 1) != 0 ? eecd | EECD_DI : eecd;
            rig.write(EECD, v);
            rig.write(EECD, v | EECD_SK);
            rig.write(EECD, v);
        }
        assertEquals(EECD_DO, rig.read(EECD) & EECD_DO);
        assertEquals(0xFFFF, bitBangRead(rig, 3), "CS never dropped: no new command started");
        rig.write(EECD, 0);
        assertEquals(0x0000, bitBangRead(rig, 3), "after CS toggles the read works");
    }
}
