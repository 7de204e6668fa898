package io.trapline.emulator.e1000;

import org.junit.jupiter.api.Test;

import static io.trapline.emulator.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

class E1000RegisterFileTest {

    @Test
    void resetValuesAreThoseQemuPresents() {
        E1000Rig rig = new E1000Rig();
        assertEquals(0x0014_0240, rig.read(CTRL));
        assertEquals(0x8008_0783, rig.read(STATUS));
        assertEquals(0x0022_2300, rig.read(MANC));
        assertEquals(0x602, rig.read(LEDCTL));
        assertEquals(0x0010_0030, rig.read(PBA));
        assertEquals(0x1200_5452, rig.read(RAL0), "MAC 52:54:00:12:34:56, first four bytes");
        assertEquals(0x8000_5634, rig.read(RAH0), "last two bytes and AV");
        assertEquals(0x188, rig.read(EECD), "present, granted, DO idle high");
    }

    @Test
    void configuredMacAppearsInReceiveAddressZeroAndEeprom() {
        byte[] mac = E1000Config.parseMac("02:00:5e:10:20:30");
        E1000Rig rig = new E1000Rig(E1000Config.defaults().withMac(mac));
        assertEquals(0x105E_0002, rig.read(RAL0));
        assertEquals(0x8000_3020, rig.read(RAH0));
        assertEquals(0x0002, rig.nic.eepromWord(0));
        assertEquals(0x105E, rig.nic.eepromWord(1));
        assertEquals(0x3020, rig.nic.eepromWord(2));
    }

    @Test
    void unknownOffsetsReadZeroIgnoreWritesAndAreCounted() {
        E1000Rig rig = new E1000Rig();
        assertNull(E1000Registers.name(0x0044));
        rig.write(0x0044, 0x1234);
        assertEquals(0, rig.read(0x0044));
        rig.write(0x8000, 7);
        assertEquals(3, rig.nic.unknownAccesses());
        assertEquals(1, rig.nic.unknownReads());
        assertEquals(2, rig.nic.unknownWrites());
    }

    @Test
    void registersQemuDoesNotImplementReadZeroWithoutCountingAsUnknown() {
        E1000Rig rig = new E1000Rig();
        rig.write(TIPG, 0x602008);
        rig.write(TIDV, 8);
        assertEquals(0, rig.read(TIPG));
        assertEquals(0, rig.read(TIDV));
        assertEquals(0, rig.nic.unknownAccesses());
    }

    @Test
    void readOnlyRegistersDropWrites() {
        E1000Rig rig = new E1000Rig();
        rig.write(STATUS, 0);
        rig.write(MANC, 0x220300);
        assertEquals(0x8008_0783, rig.read(STATUS));
        assertEquals(0x0022_2300, rig.read(MANC));
        assertEquals(2, rig.nic.droppedWrites());
    }

    @Test
    void ringHeadsKeepSixteenBitsAndLengthsAreMaskedTo128ByteUnits() {
        E1000Rig rig = new E1000Rig();
        rig.write(RDH, 0x12345);
        rig.write(TDH, 0xFFFF_FFFF);
        rig.write(RDLEN, 0xFFFF_FFFF);
        rig.write(TDLEN, 0x1234);
        rig.write(RDT, 0x7_0001);
        assertEquals(0x2345, rig.read(RDH));
        assertEquals(0xFFFF, rig.read(TDH));
        assertEquals(0xFFF80, rig.read(RDLEN));
        assertEquals(0x1200, rig.read(TDLEN));
        assertEquals(1, rig.read(RDT));
    }

    @Test
    void tableRegistersHoldWhatTheGuestWrote() {
        E1000Rig rig = new E1000Rig();
        rig.write(MTA + 4 * 5, 0xDEAD_BEEF);
        rig.write(VFTA + 4 * 127, 0x8000_0001);
        rig.write(RAL0 + 8 * 15, 0x0A0B_0C0D);
        assertEquals(0xDEAD_BEEF, rig.read(MTA + 4 * 5));
        assertEquals(0x8000_0001, rig.read(VFTA + 4 * 127));
        assertEquals(0x0A0B_0C0D, rig.read(RAL0 + 8 * 15));
    }

    @Test
    void statisticsClearOnReadExceptWhereQemuKeepsThem() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(0x10000, 8);
        rig.putTxDescriptor(0x10000, 0, 0x20000, 100, TXD_CMD_EOP | TXD_CMD_RS);
        rig.write(TDT, 1);
        assertEquals(1, rig.read(GPTC));
        assertEquals(0, rig.read(GPTC), "cleared by the first read");
        assertEquals(104, rig.read(TOTL));
        assertEquals(0, rig.read(TOTH), "reading the high half clears both");
        assertEquals(0, rig.read(TOTL));
        assertEquals(1, rig.read(PTC127));
    }

    @Test
    void ctrlResetRestoresRegistersAndSelfClears() {
        E1000Rig rig = new E1000Rig();
        rig.write(TCTL, 0x8);
        rig.write(IMS, ICR_LSC);
        rig.write(RAL0, 0);
        rig.write(ICS, ICR_LSC);
        assertTrue(rig.intx);
        rig.write(CTRL, 0x0014_0240 | CTRL_RST);
        assertEquals(0x0014_0240, rig.read(CTRL), "RST reads back as 0");
        assertEquals(0, rig.read(TCTL));
        assertEquals(0, rig.read(IMS));
        assertEquals(0x1200_5452, rig.read(RAL0));
        assertFalse(rig.intx, "the reset deasserts INTx");
    }

    @Test
    void ioBarIsInertAsInQemuByDefault() {
        E1000Rig rig = new E1000Rig();
        rig.machine.pioWrite(E1000Rig.IO_BASE + IOADDR, 4, TCTL);
        rig.machine.pioWrite(E1000Rig.IO_BASE + IODATA, 4, 0x8);
        assertEquals(0, rig.machine.pioRead(E1000Rig.IO_BASE + IODATA, 4));
        assertEquals(0, rig.read(TCTL));
    }

    @Test
    void ioWindowReachesRegistersWhenEnabled() {
        E1000Rig rig = new E1000Rig(E1000Config.defaults().withIoWindow(true));
        rig.machine.pioWrite(E1000Rig.IO_BASE + IOADDR, 4, TCTL);
        rig.machine.pioWrite(E1000Rig.IO_BASE + IODATA, 4, 0x8);
        assertEquals(0x8, rig.read(TCTL));
        rig.machine.pioWrite(E1000Rig.IO_BASE + IOADDR, 4, STATUS);
        assertEquals(STATUS, rig.machine.pioRead(E1000Rig.IO_BASE + IOADDR, 4));
        assertEquals(0x8008_0783L, rig.machine.pioRead(E1000Rig.IO_BASE + IODATA, 4));
    }

    @Test
    void narrowReadsReturnBytesOfTheRegisterAndNarrowWritesMerge() {
        E1000Rig rig = new E1000Rig();
        assertEquals(0x83, rig.machine.mmioRead(E1000Rig.MMIO_BASE + STATUS, 1));
        assertEquals(0x8008, rig.machine.mmioRead(E1000Rig.MMIO_BASE + STATUS + 2, 2));
        rig.write(RDBAL, 0x1111_2222);
        rig.machine.mmioWrite(E1000Rig.MMIO_BASE + RDBAL + 2, 2, 0xABCD);
        assertEquals(0xABCD_2222, rig.read(RDBAL));
        rig.machine.mmioWrite(E1000Rig.MMIO_BASE + RDBAL, 8, 0x0000_0001_0000_3000L);
        assertEquals(0x3000, rig.read(RDBAL));
        assertEquals(1, rig.read(RDBAH));
    }

    @Test
    void mitigationOffMakesModerationRegistersReadZero() {
        E1000Rig rig = new E1000Rig(E1000Config.defaults().withMitigation(false));
        rig.write(ITR, 0xC3);
        rig.write(RADV, 8);
        assertEquals(0, rig.read(ITR));
        assertEquals(0, rig.read(RADV));
        E1000Rig on = new E1000Rig();
        on.write(ITR, 0x1_00C3);
        assertEquals(0xC3, on.read(ITR), "16 bits kept");
    }

    @Test
    void registerNamesFollowTheDatasheet() {
        assertEquals("STATUS", E1000Registers.name(0x8));
        assertEquals("STATUS", E1000Registers.name(0xA), "an offset inside a register names it");
        assertEquals("RAL[0]", E1000Registers.name(0x5400));
        assertEquals("RAH[1]", E1000Registers.name(0x540C));
        assertEquals("MTA[5]", E1000Registers.name(0x5214));
        assertEquals("VFTA[127]", E1000Registers.name(0x57FC));
        assertEquals("TDT", E1000Registers.name(0x3818));
        assertEquals("GOTCH", E1000Registers.name(0x4094));
        assertNull(E1000Registers.name(0x20000));
        assertEquals("0x00044", E1000Registers.label(0x46));
    }

    @Test
    void pciHeaderIsThe82540emQemuShows() {
        E1000Rig rig = new E1000Rig();
        var pci = rig.nic.pciConfig();
        assertEquals(0x100E_8086L, pci.read(0, 4));
        assertEquals(0x0200_0003L, pci.read(8, 4), "class 02 00 00, revision 3");
        assertEquals(0x1100_1AF4L, pci.read(0x2C, 4));
        assertEquals(1, pci.read(0x3D, 1), "INTA");
        pci.write(0x10, 4, 0xFFFF_FFFFL);
        assertEquals(0xFFFE_0000L, pci.read(0x10, 4), "128 KiB memory BAR, as the trace's sizing shows");
        pci.write(0x14, 4, 0xFFFF_FFFFL);
        assertEquals(0xFFFF_FFC1L, pci.read(0x14, 4), "64-byte I/O BAR, as the trace's sizing shows");
        pci.write(0x30, 4, 0xFFFF_F800L);
        assertEquals(0xFFFC_0000L, pci.read(0x30, 4), "256 KiB expansion ROM BAR (efi-e1000.rom)");
    }
}
