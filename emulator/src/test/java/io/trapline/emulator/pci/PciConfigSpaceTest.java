package io.trapline.emulator.pci;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PciConfigSpaceTest {

    private static PciConfigSpace space() {
        return new PciConfigSpace(256, 0x8086, 0x100E, 0x020000, 3, 0x1AF4, 0x1100, 1);
    }

    @Test
    void headerHoldsIdsAndClass() {
        PciConfigSpace c = space();
        assertEquals(0x100E8086L, c.read(0, 4));
        assertEquals(0x02000003L, c.read(8, 4));
        assertEquals(1, c.read(PciConfigSpace.INTERRUPT_PIN, 1));
    }

    @Test
    void memoryBarSizingReturnsTheSizeMask() {
        PciConfigSpace c = space();
        c.defineBar(0, 0x20000, BarKind.MEMORY32, false);
        c.write(0x10, 4, 0xFFFF_FFFFL);
        assertEquals(0xFFFE_0000L, c.read(0x10, 4));
        c.write(0x10, 4, 0xFEB8_0000L);
        assertEquals(0xFEB8_0000L, c.barAddress(0));
    }

    @Test
    void ioBarKeepsItsTypeBit() {
        PciConfigSpace c = space();
        c.defineBar(1, 8, BarKind.IO, false);
        c.write(0x14, 4, 0xFFFF_FFFFL);
        assertEquals(0xFFFF_FFF9L, c.read(0x14, 4));
        c.write(0x14, 4, 0xC000);
        assertEquals(0xC000, c.barAddress(1));
        assertEquals(0xC001, c.read(0x14, 4));
    }

    @Test
    void sixtyFourBitBarSpansTwoRegisters() {
        PciConfigSpace c = space();
        c.defineBar(4, 0x4000, BarKind.MEMORY64, true);
        assertEquals(0xC, c.read(0x20, 4));
        c.write(0x20, 4, 0xFFFF_FFFFL);
        c.write(0x24, 4, 0xFFFF_FFFFL);
        assertEquals(0xFFFF_C00CL, c.read(0x20, 4));
        assertEquals(0xFFFF_FFFFL, c.read(0x24, 4));
        c.write(0x20, 4, 0xFE00_0000L);
        c.write(0x24, 4, 0x1);
        assertEquals(0x1_FE00_0000L, c.barAddress(4));
    }

    @Test
    void romBarSizesLikeHardware() {
        PciConfigSpace c = space();
        assertEquals(0, c.read(PciConfigSpace.ROM_ADDRESS, 4), "no ROM until one is declared");
        c.write(PciConfigSpace.ROM_ADDRESS, 4, 0xFFFF_F800L);
        assertEquals(0, c.read(PciConfigSpace.ROM_ADDRESS, 4));
        c.defineRom(0x40000);
        c.write(PciConfigSpace.ROM_ADDRESS, 4, 0xFFFF_F800L);
        assertEquals(0xFFFC_0000L, c.read(PciConfigSpace.ROM_ADDRESS, 4));
    }

    @Test
    void readOnlyFieldsIgnoreWrites() {
        PciConfigSpace c = space();
        c.write(0, 4, 0);
        c.write(0x2C, 4, 0);
        assertEquals(0x100E8086L, c.read(0, 4));
        assertEquals(0x11001AF4L, c.read(0x2C, 4));
        c.write(PciConfigSpace.COMMAND, 2, 0xFFFF);
        assertEquals(0x547, c.read(PciConfigSpace.COMMAND, 2));
    }

    @Test
    void capabilitiesAreChainedAndFlaggedInStatus() {
        PciConfigSpace c = space();
        int first = c.addCapability(0x11, 12);
        int second = c.addCapability(0x09, 16);
        assertEquals(0x40, first);
        assertEquals(0x4C, second);
        assertEquals(first, c.read(PciConfigSpace.CAPABILITIES_POINTER, 1));
        assertEquals(second, c.read(first + 1, 1));
        assertEquals(0, c.read(second + 1, 1));
        assertNotEquals(0, c.read(PciConfigSpace.STATUS, 2) & PciConfigSpace.STATUS_CAP_LIST);
    }

    @Test
    void accessesBeyondTheSpaceReadAllOnes() {
        PciConfigSpace c = space();
        assertEquals(0xFFFF_FFFFL, c.read(0x100, 4));
        c.write(0xFE, 4, 0x12345678);
        assertEquals(0xFFFF, c.read(0xFE, 4) >>> 16);
    }

    @Test
    void statusErrorBitsAreWriteOneToClear() {
        PciConfigSpace c = space();
        c.setRaw(PciConfigSpace.STATUS, 2, 0x2000 | PciConfigSpace.STATUS_CAP_LIST);
        c.write(PciConfigSpace.STATUS, 2, 0x2000);
        assertEquals(PciConfigSpace.STATUS_CAP_LIST, c.read(PciConfigSpace.STATUS, 2));
    }
}
