package io.trapline.guest.tcp;

import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.net.Addresses;
import io.trapline.guest.net.GuestNic;
import io.trapline.guest.net.Gso;
import io.trapline.guest.net.Packet;
import io.trapline.guest.peer.Wire;
import io.trapline.guest.platform.Cpu;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver-facing side of the stack: xmit_more batches, a stopped queue, TSO frames. */
class TransmitQueueTest {
    private static final int IP_A = Addresses.ipv4("192.168.0.1");
    private static final int IP_B = Addresses.ipv4("192.168.0.2");

    /** A fake driver: a ring of {@code slots} frames, forwarding to a wire, freed by {@link #complete}. */
    private static final class FakeDriver implements GuestNic {
        final Wire wire;
        final int slots;
        final int tsoMax;
        int used;
        final List<Boolean> moreFlags = new ArrayList<>();
        final List<Integer> gsoSizes = new ArrayList<>();
        int refusals;

        FakeDriver(Wire wire, int slots, int tsoMax) {
            this.wire = wire;
            this.slots = slots;
            this.tsoMax = tsoMax;
        }

        @Override
        public boolean transmit(byte[] frame, int offset, int length, int gsoSize, boolean more) {
            if (used == slots) {
                refusals++;
                return false;
            }
            used++;
            moreFlags.add(more);
            gsoSizes.add(gsoSize);
            wire.transmit(frame, offset, length, gsoSize, more);
            return true;
        }

        @Override
        public int tsoMaxBytes() {
            return tsoMax;
        }
    }

    private Scheduler scheduler;
    private NetStack a;
    private NetStack b;
    private TcpPair.Recorder server;
    private FakeDriver driver;

    private TcpConnection setUp(int slots, int tsoMax) {
        scheduler = new Scheduler();
        Random random = new Random(11);
        a = new NetStack("a", scheduler, new Cpu(scheduler), 1_000, 1_000, TcpConfig.linux(), 0x0200_0000_0001L, IP_A, random);
        b = new NetStack("b", scheduler, new Cpu(scheduler), 1_000, 1_000, TcpConfig.linux(), 0x0200_0000_0002L, IP_B, random);
        Wire toB = new Wire(scheduler, 1_000_000_000L, 10_000, (f, o, l) -> {
            b.receive(f, o, l);
            return true;
        });
        Wire toA = new Wire(scheduler, 1_000_000_000L, 10_000, (f, o, l) -> {
            a.receive(f, o, l);
            return true;
        });
        driver = new FakeDriver(toB, slots, tsoMax);
        a.attach(driver);
        b.attach(toA);
        server = new TcpPair.Recorder(true);
        b.listen(80, c -> server);
        TcpPair.Recorder client = new TcpPair.Recorder(true);
        TcpConnection c = a.connect(IP_B, 80, client);
        long n = 0;
        while (!client.connected) {
            driver.used = 0; // the fake ring drains instantly while connecting
            a.wakeQueue();
            assertTrue(scheduler.runNext() && ++n < 10_000);
        }
        driver.used = 0;
        a.wakeQueue();
        scheduler.runUntil(scheduler.now() + 1_000_000); // the handshake's last ACK leaves
        driver.used = 0;
        return c;
    }

    private static byte[] data(int n) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) {
            d[i] = (byte) (i * 13);
        }
        return d;
    }

    @Test
    void eachGsoSkbIsOneXmitMoreBatchOfAtMostHalfTheCongestionWindow() {
        TcpConnection c = setUp(1_000, 0);
        int before = driver.moreFlags.size();
        c.write(data(10 * 1460), 0, 10 * 1460);
        scheduler.runUntil(scheduler.now() + 100_000);
        // IW10: Linux's tcp_cwnd_test lets one skb take 5 segments; without TSO the stack cuts each skb
        // into MSS frames handed over together, the doorbell on the last frame of each skb
        List<Boolean> frames = driver.moreFlags.subList(before, before + 10);
        assertEquals(List.of(true, true, true, true, false, true, true, true, true, false), frames);
    }

    @Test
    void aFullQueueHoldsFramesInOrderUntilWoken() {
        TcpConnection c = setUp(1_000, 0);
        driver.used = driver.slots - 3; // three free slots
        byte[] d = data(30_000);
        c.write(d, 0, d.length);
        scheduler.runUntil(scheduler.now() + 1_000_000);
        assertTrue(a.queueStopped());
        assertTrue(a.backlog() > 0);
        assertEquals(1, driver.refusals, "the stack stops offering after the first refusal");
        long n = 0;
        while (server.received < d.length) {
            driver.used = 0; // TX completions free the ring
            a.wakeQueue();
            scheduler.runUntil(scheduler.now() + 100_000);
            assertTrue(++n < 10_000);
        }
        assertArrayEquals(d, server.data.toByteArray());
        assertEquals(0, a.stats().retransmitTimeouts, "held frames are not lost frames");
    }

    @Test
    void withTsoTheStackHandsOverMultiSegmentFramesThatCutIntoValidSegments() {
        TcpConnection c = setUp(1_000, 65_536);
        byte[] d = data(200_000);
        int[] off = {c.write(d, 0, d.length)};
        c.setHandler(new TcpHandler() {
            @Override
            public void writable(TcpConnection conn) {
                off[0] += Math.max(0, conn.write(d, off[0], d.length - off[0]));
            }
        });
        long n = 0;
        while (server.received < d.length) {
            driver.used = 0;
            assertTrue(scheduler.runNext() && ++n < 1_000_000);
        }
        assertArrayEquals(d, server.data.toByteArray());
        assertTrue(driver.gsoSizes.stream().anyMatch(g -> g == 1460), "some frames were TSO frames");
    }

    @Test
    void gsoCutsIntoMssPiecesWithValidChecksumsAndFlagsOnlyOnTheLast() {
        TcpConnection c = setUp(1_000, 65_536);
        List<byte[]> tso = new ArrayList<>();
        a.attach(new GuestNic() {
            @Override
            public boolean transmit(byte[] frame, int offset, int length, int gsoSize, boolean more) {
                if (gsoSize > 0) {
                    tso.add(java.util.Arrays.copyOfRange(frame, offset, offset + length));
                }
                return true;
            }

            @Override
            public int tsoMaxBytes() {
                return 65_536;
            }
        });
        c.write(data(5000), 0, 5000);
        c.close();
        scheduler.runUntil(scheduler.now() + 1_000_000);
        assertEquals(1, tso.size());
        assertTrue(Packet.parse(tso.get(0), 0, tso.get(0).length).has(Packet.PSH));
        List<byte[]> pieces = new ArrayList<>();
        Gso.segment(tso.get(0), 0, tso.get(0).length, 1460, pieces::add);
        assertEquals(4, pieces.size());
        Packet whole = Packet.parse(tso.get(0), 0, tso.get(0).length);
        int expectSeq = whole.seq;
        for (int i = 0; i < pieces.size(); i++) {
            Packet p = Packet.parse(pieces.get(i), 0, pieces.get(i).length);
            assertTrue(p.ipChecksumOk && p.tcpChecksumOk, "piece " + i);
            assertEquals(expectSeq, p.seq);
            assertEquals((whole.ipId + i) & 0xFFFF, p.ipId);
            boolean last = i == pieces.size() - 1;
            assertEquals(last && whole.has(Packet.FIN), p.has(Packet.FIN));
            assertEquals(last && whole.has(Packet.PSH), p.has(Packet.PSH));
            expectSeq += p.payloadLength;
        }
        assertEquals(whole.seq + 5000, expectSeq);
    }

    @Test
    void aDriverWakingTheQueueFromInsideTransmitGetsEachFrameOnce() {
        TcpConnection c = setUp(1_000, 0);
        List<Integer> seqs = new ArrayList<>();
        Wire toB = driver.wire;
        int[] calls = {0};
        a.attach((frame, off, len, gso, more) -> {
            if (++calls[0] % 3 == 0) {
                scheduler.after(1_000, a::wakeQueue); // ring full: a completion interrupt wakes the queue later
                return false;
            }
            Packet p = Packet.parse(frame, off, len);
            if (p.payloadLength > 0) {
                seqs.add(p.seq);
            }
            a.wakeQueue(); // a TX completion handled synchronously, as some drivers do
            return toB.transmit(frame, off, len, gso, more);
        });
        byte[] d = data(50_000);
        c.write(d, 0, d.length);
        long n = 0;
        while (server.received < d.length) {
            assertTrue(scheduler.runNext() && ++n < 1_000_000);
        }
        assertArrayEquals(d, server.data.toByteArray());
        assertEquals(seqs.size(), seqs.stream().distinct().count(), "no frame handed over twice");
    }

    @Test
    void aReceiverSignallingReadyFromInsideOfferGetsEachHeldFrameOnce() {
        Scheduler s = new Scheduler();
        List<byte[]> got = new ArrayList<>();
        Wire[] wire = new Wire[1];
        boolean[] full = {true};
        wire[0] = new Wire(s, 1_000_000_000L, 0, (f, o, l) -> {
            if (full[0]) {
                return false;
            }
            got.add(f);
            wire[0].ready(); // re-entrant rxReady
            return true;
        });
        for (int i = 0; i < 5; i++) {
            byte[] f = new byte[60];
            f[0] = (byte) i;
            wire[0].send(f);
        }
        s.runUntil(1_000_000);
        assertEquals(5, wire[0].held());
        full[0] = false;
        wire[0].ready();
        assertEquals(5, got.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i, got.get(i)[0]);
        }
        assertEquals(0, wire[0].held());
    }
}
