package io.trapline.recorder.qemu;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceLineTest {
    private final TraceLine tl = new TraceLine();

    private boolean parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return tl.parse(b, 0, b.length);
    }

    @Test
    void prefixGivesThreadAndNanosecondTime() {
        assertTrue(parse("14155@1795635747.640335:memory_region_ops_read cpu 0"));
        assertTrue(tl.hasPrefix());
        assertEquals(14155, tl.tid());
        assertEquals(1795635747_640335000L, tl.timeNs());
        assertEquals("memory_region_ops_read", tl.name());
    }

    @Test
    void shorterFractionsAreDecimalFractions() {
        assertTrue(parse("1@2.5:x"));
        assertEquals(2_500_000_000L, tl.timeNs());
    }

    @Test
    void linesWithoutPrefixAreEvents() {
        assertTrue(parse("virtio_queue_notify vdev 0x1 n 1 vq 0x2"));
        assertFalse(tl.hasPrefix());
        tl.word("vdev".getBytes());
        assertEquals(1, tl.hex());
        tl.word("n".getBytes());
        assertEquals(1, tl.dec());
        tl.word("vq".getBytes());
        assertEquals(2, tl.hex());
        tl.done();
        assertNull(tl.problem());
    }

    @Test
    void brokenPrefixesAreRejectedWithAReason() {
        for (String bad : new String[] {"123:foo", "1@:foo", "1@2:foo", "1@2.:foo", "1@2.3foo", "1@2.1234567890:foo",
                "1@2.3:", "1@2.3: foo", "@2.3:foo x", "1@2.3:foo-bar"}) {
            assertFalse(parse(bad) && !bad.startsWith("@"), bad);
        }
        assertFalse(parse("1@2.3:foo-bar"));
        assertEquals("bad character after event name", tl.problem());
    }

    @Test
    void argumentMismatchesMarkTheLineBadInsteadOfThrowing() {
        assertTrue(parse("memory_region_ops_write cpu x"));
        tl.word("cpu".getBytes());
        tl.dec();
        assertTrue(tl.bad());
        assertTrue(parse("e 0x11112222333344445"));
        tl.hex();
        assertEquals("hex number wider than 64 bits", tl.problem());
        assertTrue(parse("e 00:1f.8"));
        tl.bdf();
        assertEquals("bad PCI address", tl.problem());
        assertTrue(parse("e 'unterminated"));
        tl.quotedToEnd();
        assertTrue(tl.bad());
    }

    @Test
    void pciAddressesPackBusDeviceFunction() {
        assertTrue(parse("e 00:03.0 01:1f.7"));
        assertEquals(3 << 3, tl.bdf());
        assertEquals((1 << 8) | (31 << 3) | 7, tl.bdf());
        assertNull(tl.problem());
    }

    @Test
    void excerptsHideControlBytesAndShorten() {
        byte[] b = new byte[200];
        java.util.Arrays.fill(b, (byte) 'a');
        b[0] = 0;
        String e = TraceLine.excerpt(b, 0, b.length);
        assertTrue(e.startsWith("?a"));
        assertTrue(e.endsWith("..."));
        assertEquals(123, e.length());
    }
}
