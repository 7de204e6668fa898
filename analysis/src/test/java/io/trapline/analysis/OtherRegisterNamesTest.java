package io.trapline.analysis;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Names of the interrupt controller's and timer's registers that imported captures show as OTHER_* accesses. */
class OtherRegisterNamesTest {
    @Test
    void hpetRegistersByTheirSpecificationNamesWithHighHalves() {
        assertEquals("MAIN_CNT", OtherRegisters.hpetRegister(0xF0));     // Linux's clocksource read
        assertEquals("MAIN_CNT_HI", OtherRegisters.hpetRegister(0xF4));
        assertEquals("GEN_CONF", OtherRegisters.hpetRegister(0x10));
        assertEquals("TIM0_CONF", OtherRegisters.hpetRegister(0x100));
        assertEquals("TIM0_COMP", OtherRegisters.hpetRegister(0x108));
        assertEquals("TIM1_COMP_HI", OtherRegisters.hpetRegister(0x12C));
        assertEquals("TIM2_FSB", OtherRegisters.hpetRegister(0x150));
        assertNull(OtherRegisters.hpetRegister(0x30), "reserved");
        assertNull(OtherRegisters.hpetRegister(0x118), "reserved within a timer's block");
    }

    @Test
    void regionsByTheirCaptureNames() {
        assertEquals("EOI", OtherRegisters.name("apic-msi", 0xFEE000B0L));
        assertEquals("EOI", OtherRegisters.name("apic", 0xFEE000B0L)); // the embedded guest's region
        assertEquals("MAIN_CNT", OtherRegisters.name("hpet", 0xFED000F0L));
        assertEquals("IOREGSEL", OtherRegisters.name("ioapic", 0xFEC00000L));
        assertEquals("IOWIN", OtherRegisters.name("ioapic", 0xFEC00010L));
        assertNull(OtherRegisters.name("ioapic", 0xFEC00020L));
        assertNull(OtherRegisters.name("interrupt-message", 0xFEE01004L));
        assertNull(OtherRegisters.name("serial", 0x3F8));
    }

    @Test
    void lapicRegistersByName() {
        assertEquals("EOI", OtherRegisters.lapicRegister(0xB0));
        assertEquals("TMR[1]", OtherRegisters.lapicRegister(0x190)); // what Linux reads to EOI a level-triggered IOAPIC pin
        assertNull(OtherRegisters.lapicRegister(0x40));
        assertEquals("PPR", OtherRegisters.lapicRegister(0xA0));
        assertEquals("LVT_PMC", OtherRegisters.lapicRegister(0x340));
    }
}
