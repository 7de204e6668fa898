package io.trapline.emulator.virtio.net;

import io.trapline.emulator.virtio.ring.AvailRing;
import io.trapline.emulator.virtio.ring.SplitRing;
import io.trapline.emulator.virtio.ring.UsedRing;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** virtio-net names its split rings, the buffers it took last and its MSI-X vectors, read-only. */
class VirtioNetAddressNamesTest {

    @Test
    void namesEveryPartOfASplitRing() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        TestDriver.Queue ctrl = d.queues[VirtioNet.CTRL_QUEUE];
        TestDriver.Queue tx = d.queues[VirtioNet.TX_QUEUE];
        TestDriver.Queue rx = d.queues[VirtioNet.RX_QUEUE];
        VirtioNet net = d.net;
        assertEquals("queue 2 (controlq) used flags", net.describeDma(ctrl.used, 2));
        assertEquals("queue 2 (controlq) used idx", net.describeDma(ctrl.used + UsedRing.IDX, 2));
        assertEquals("queue 2 (controlq) used[0]", net.describeDma(ctrl.used + UsedRing.ringEntry(0), 8));
        assertEquals("queue 2 (controlq) used[1]", net.describeDma(ctrl.used + UsedRing.ringEntry(1), 8));
        assertEquals("queue 2 (controlq) used[1].len", net.describeDma(ctrl.used + UsedRing.ringEntry(1) + 4, 4));
        assertEquals("queue 2 (controlq) used avail_event", net.describeDma(ctrl.used + UsedRing.availEvent(64), 2));
        assertEquals("queue 1 (transmitq) avail idx", net.describeDma(tx.avail + AvailRing.IDX, 2));
        assertEquals("queue 1 (transmitq) avail ring[3]", net.describeDma(tx.avail + AvailRing.ringEntry(3), 2));
        assertEquals("queue 1 (transmitq) avail used_event", net.describeDma(tx.avail + AvailRing.usedEvent(256), 2));
        assertEquals("queue 0 (receiveq) desc 5", net.describeDma(rx.desc + 5 * 16, 16));
        assertEquals("queue 0 (receiveq) desc 5.len", net.describeDma(rx.desc + 5 * 16 + 8, 4));
        assertNull(net.describeDma(ctrl.used + UsedRing.size(64), 2), "just past the used ring");
    }

    @Test
    void namesTheBuffersOfTheElementTakenLast() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        long buffer = d.queues[VirtioNet.TX_QUEUE].buffer(0);
        d.send(VirtioNetTest.frame(100, 1));
        d.run();
        assertEquals(1, d.transmitted.size());
        assertEquals("queue 1 (transmitq) head 0 buffer 0 +0xc", d.net.describeDma(buffer + 12, 1));
        assertNull(d.net.describeDma(buffer + 12 + 100, 1), "past the buffer");
    }

    @Test
    void namesMsixVectorsAndWhatUsesThem() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        VirtioNet net = d.net;
        assertEquals("MSI-X vector 0: config changes", net.describeMsi(0, 0, 0));
        assertEquals("MSI-X vector 1: queue 0 (receiveq)", net.describeMsi(1, 0, 0));
        assertEquals("MSI-X vector 2: queue 1 (transmitq)", net.describeMsi(2, 0, 0));
        assertEquals("MSI-X vector 3: queue 2 (controlq)", net.describeMsi(3, 0, 0));
        assertEquals("MSI-X vector 9, outside the table (4 vectors)", net.describeMsi(9, 0, 0));
        assertEquals("MSI-X vector 2: queue 1 (transmitq)", net.describeMsi(-1, 0xFEE01004L, 0x42),
                "by message: the table entry the driver wrote it into");
        assertNull(net.describeMsi(-1, 0xFEE01004L, 0x99));
        TestDriver intx = TestDriver.up(VirtioNetConfig.defaults().vectors(0));
        assertNull(intx.net.describeMsi(1, 0xFEE01004L, 0x41));
    }

    @Test
    void ringsNeverSetUpNameNothing() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults());
        assertNull(d.net.describeDma(0, 16));
        assertNull(d.net.describeDma(TestDriver.RINGS, 16));
        assertNull(new SplitRing(null).describe(0, 2), "a ring without a size");
    }

    @Test
    void hostileValuesNeverThrowAndChangeNothing() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.send(VirtioNetTest.frame(100, 1));
        d.run();
        SplitRing tx = d.net.transport().ring(VirtioNet.TX_QUEUE);
        int lastAvail = tx.lastAvailIdx();
        int usedIdx = tx.usedIdx();
        int msis = d.msis.size();
        int sent = d.transmitted.size();
        int status = d.status();
        SplittableRandom random = new SplittableRandom(11);
        long[] edges = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, TestDriver.RINGS, -TestDriver.RINGS};
        for (long a : edges) {
            for (long n : edges) {
                d.net.describeDma(a, n);
                d.net.describeMsi((int) n, a, (int) n);
            }
        }
        for (int i = 0; i < 100_000; i++) {
            d.net.describeDma(random.nextLong(), random.nextLong());
            d.net.describeDma(TestDriver.RINGS + random.nextInt(1 << 20), random.nextInt());
            d.net.describeMsi(random.nextInt(), random.nextLong(), random.nextInt());
        }
        assertEquals(lastAvail, tx.lastAvailIdx());
        assertEquals(usedIdx, tx.usedIdx());
        assertEquals(msis, d.msis.size());
        assertEquals(sent, d.transmitted.size());
        assertEquals(status, d.status());
    }
}
