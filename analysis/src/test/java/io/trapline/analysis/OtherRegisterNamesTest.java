package io.trapline.analysis;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Names of the interrupt controller's and timer's registers that imported captures show as OTHER_* accesses. */
class OtherRegisterNamesTest {
    @Test
    void hpetRegistersByTheirSpecificationNamesWithHighHalves() {
        assertEquals("MAIN_CNT", Labels.hpetRegister(0xF0));     // Linux's clocksource read
        assertEquals("MAIN_CNT_HI", Labels.hpetRegister(0xF4));
        assertEquals("GEN_CONF", Labels.hpetRegister(0x10));
        assertEquals("TIM0_CONF", Labels.hpetRegister(0x100));
        assertEquals("TIM0_COMP", Labels.hpetRegister(0x108));
        assertEquals("TIM1_COMP_HI", Labels.hpetRegister(0x12C));
        assertEquals("TIM2_FSB", Labels.hpetRegister(0x150));
        assertNull(Labels.hpetRegister(0x30), "reserved");
        assertNull(Labels.hpetRegister(0x118), "reserved within a timer's block");
    }

    @Test
    void lapicRegistersByName() {
        assertEquals("EOI", Labels.lapicRegister(0xB0));
        assertEquals("TMR[1]", Labels.lapicRegister(0x190)); // what Linux reads to EOI a level-triggered IOAPIC pin
        assertNull(Labels.lapicRegister(0x40));
    }
}
