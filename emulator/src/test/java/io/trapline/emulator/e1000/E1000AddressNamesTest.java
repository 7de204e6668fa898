package io.trapline.emulator.e1000;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static io.trapline.emulator.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/** The e1000 names the guest memory it knows (GuestAddressNames), read-only and safe on any value. */
class E1000AddressNamesTest {
    static final long TX_RING = 0x100000;
    static final long RX_RING = 0x200000;

    private static E1000Rig rigWithRings() {
        E1000Rig rig = new E1000Rig();
        rig.negotiateLink();
        rig.setUpTx(TX_RING, 64);
        rig.write(RDBAL, (int) RX_RING);
        rig.write(RDBAH, 0);
        rig.write(RDLEN, 32 * DESCRIPTOR_SIZE);
        return rig;
    }

    @Test
    void namesDescriptorsAndTheirFieldsFromTheRingRegisters() {
        E1000 nic = rigWithRings().nic;
        assertEquals("TX desc 0 (TDBA+0xc) status", nic.describeDma(TX_RING + 12, 4));
        assertEquals("TX desc 5 (TDBA+0x50)", nic.describeDma(TX_RING + 5 * 16, 16));
        assertEquals("TX desc 5 (TDBA+0x58) length", nic.describeDma(TX_RING + 5 * 16 + 8, 2));
        assertEquals("RX desc 3 (RDBA+0x3c) status", nic.describeDma(RX_RING + 3 * 16 + 12, 1));
        assertEquals("RX desc 31 (RDBA+0x1f0)", nic.describeDma(RX_RING + 31 * 16, 16));
        assertNull(nic.describeDma(TX_RING - 1, 1));
        assertNull(nic.describeDma(0x5000_0000L, 16));
    }

    @Test
    void aDescriptorPastTheRingSaysSo() {
        E1000 nic = rigWithRings().nic;
        assertEquals("RX desc 32 (RDBA+0x200), outside the ring (RDLEN 512)", nic.describeDma(RX_RING + 32 * 16, 16));
        assertEquals("TX desc 64 (TDBA+0x400), outside the ring (TDLEN 1024)", nic.describeDma(TX_RING + 64 * 16, 16));
        assertEquals("RX desc 0 (RDBA+0x0)", nic.describeDma(RX_RING, 16), "a ring comes before another's outside");
        assertNull(nic.describeDma(RX_RING + 16L * 65536, 16), "no 16-bit head reaches that far");
    }

    @Test
    void namesTheBufferOfTheLastDescriptorFetched() {
        E1000Rig rig = rigWithRings();
        rig.putTxDescriptor(TX_RING, 0, 0x300000, 100, TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS);
        rig.write(TDT, 1);
        assertEquals(1, rig.framesOut);
        assertEquals("TX buffer of the last descriptor fetched +0x22", rig.nic.describeDma(0x300022, 2));
        assertNull(rig.nic.describeDma(0x300000 + 100, 1), "past the buffer's length");
    }

    @Test
    void ringsNeverSetUpNameNothing() {
        E1000 nic = new E1000Rig().nic;
        assertNull(nic.describeDma(0, 16));
        assertNull(nic.describeDma(0x100000, 16));
        assertNull(nic.describeMsi(0, 0xFEE00000L, 0x4021), "the 82540EM has no MSI-X");
    }

    @Test
    void hostileValuesAreNamedOrNotButNeverThrowAndChangeNothing() {
        E1000Rig rig = rigWithRings();
        rig.write(TDBAL, 0xFFFF_FFF0);
        rig.write(TDBAH, 0xFFFF_FFFF); // the ring wraps the address space
        int[] before = new int[0x20000 / 4];
        for (int i = 0; i < before.length; i++) {
            before[i] = rig.nic.peek(i * 4);
        }
        long frames = rig.framesOut;
        int edges = rig.intxEdges;
        assertEquals("TX desc 1 (TDBA+0x10)", rig.nic.describeDma(0, 16));
        SplittableRandom random = new SplittableRandom(7);
        long[] edgesOf = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, -16, RX_RING, TX_RING};
        for (long a : edgesOf) {
            for (long n : edgesOf) {
                rig.nic.describeDma(a, n);
            }
        }
        for (int i = 0; i < 100_000; i++) {
            rig.nic.describeDma(random.nextLong(), random.nextLong());
            rig.nic.describeDma(RX_RING + random.nextInt(1 << 20) - (1 << 19), random.nextInt());
        }
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], rig.nic.peek(i * 4), "register at 0x" + Integer.toHexString(i * 4));
        }
        assertEquals(frames, rig.framesOut);
        assertEquals(edges, rig.intxEdges);
    }
}
