package io.trapline.emulator.pci;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MsixTableTest {
    private PciConfigSpace config;
    private MsixTable msix;
    private final List<long[]> sent = new ArrayList<>();

    @BeforeEach
    void setUp() {
        config = new PciConfigSpace(256, 0x1AF4, 0x1000, 0x020000, 0, 0x1AF4, 1, 1);
        config.defineBar(1, 0x1000, BarKind.MEMORY32, false);
        msix = new MsixTable(config, (v, a, d) -> sent.add(new long[] {a, d, v}), 4, 1, 0, 1, 0x800);
    }

    private void control(int value) {
        config.write(msix.capabilityOffset() + MsixTable.CAP_MESSAGE_CONTROL, 2, value);
        msix.configWritten();
    }

    private void program(int vector, long address, int data, boolean masked) {
        msix.writeTable(vector * 16L, 4, address & 0xFFFF_FFFFL);
        msix.writeTable(vector * 16L + 4, 4, address >>> 32);
        msix.writeTable(vector * 16L + 8, 4, data);
        msix.writeTable(vector * 16L + 12, 4, masked ? 1 : 0);
    }

    @Test
    void capabilityDescribesTableAndPbaLikeQemu() {
        int cap = msix.capabilityOffset();
        assertEquals(0x11, config.read(cap, 1));
        assertEquals(3, config.read(cap + 2, 2), "table size - 1, disabled");
        assertEquals(0x1, config.read(cap + 4, 4), "table in BAR1 at 0");
        assertEquals(0x801, config.read(cap + 8, 4), "PBA in BAR1 at 0x800");
    }

    @Test
    void vectorsStartMasked() {
        for (int v = 0; v < 4; v++) {
            assertEquals(1, msix.readTable(v * 16L + 12, 4));
        }
    }

    @Test
    void nothingIsSentWhileDisabled() {
        program(0, 0xFEE01004L, 0x26, false);
        assertFalse(msix.notify(0));
        assertTrue(sent.isEmpty());
        assertFalse(msix.pending(0));
    }

    @Test
    void unmaskedVectorSendsItsMessage() {
        control(MsixTable.CONTROL_ENABLE);
        program(2, 0xFEE01004L, 0x28, false);
        assertTrue(msix.notify(2));
        assertEquals(1, sent.size());
        assertEquals(0xFEE01004L, sent.get(0)[0]);
        assertEquals(0x28, sent.get(0)[1]);
        assertEquals(2, sent.get(0)[2], "the table entry it came from");
    }

    @Test
    void maskedVectorIsPendingUntilUnmasked() {
        control(MsixTable.CONTROL_ENABLE);
        program(1, 0xFEE01004L, 0x27, true);
        assertFalse(msix.notify(1));
        assertTrue(msix.pending(1));
        assertEquals(0b10, msix.readPba(0, 8));
        msix.writeTable(16 + 12, 4, 0);
        assertEquals(1, sent.size());
        assertFalse(msix.pending(1));
    }

    @Test
    void functionMaskHoldsEveryVector() {
        control(MsixTable.CONTROL_ENABLE | MsixTable.CONTROL_FUNCTION_MASK);
        program(0, 0xFEE00000L, 0x30, false);
        assertFalse(msix.notify(0));
        assertTrue(msix.pending(0));
        control(MsixTable.CONTROL_ENABLE);
        assertEquals(1, sent.size());
    }

    @Test
    void pbaIgnoresWritesAndOutOfRangeAccessesAreHarmless() {
        msix.writePba(0, 8, -1L);
        assertEquals(0, msix.readPba(0, 8));
        msix.writeTable(0x400, 4, 5);
        assertEquals(0, msix.readTable(0x400, 4));
        assertFalse(msix.notify(7));
        assertFalse(msix.notify(-1));
    }

    @Test
    void reservedControlBitsReadAsZero() {
        msix.writeTable(12, 4, 0xFFFF_FFFFL);
        assertEquals(1, msix.readTable(12, 4));
    }
}
