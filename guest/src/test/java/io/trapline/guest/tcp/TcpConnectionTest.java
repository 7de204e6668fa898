package io.trapline.guest.tcp;

import io.trapline.guest.net.Packet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpConnectionTest {

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** Opens A -> B, B's handler given, and runs until established. */
    private static TcpConnection open(TcpPair pair, TcpPair.Recorder client, TcpPair.Recorder server, TcpConnection[] accepted) {
        pair.b.listen(TcpPair.PORT, c -> {
            accepted[0] = c;
            return server;
        });
        TcpConnection c = pair.a.connect(TcpPair.IP_B, TcpPair.PORT, client);
        pair.runUntil(() -> client.connected && server.connected, 10_000);
        return c;
    }

    private static void writeAll(TcpPair pair, TcpConnection c, byte[] data) {
        int[] off = {0};
        c.setHandler(new TcpHandler() {
            @Override
            public void writable(TcpConnection conn) {
                off[0] += Math.max(0, conn.write(data, off[0], data.length - off[0]));
            }
        });
        off[0] += c.write(data, 0, data.length);
    }

    @Test
    void handshakeIsThreeSegmentsWithMssOptionOnTheSyns() {
        TcpPair pair = new TcpPair();
        open(pair, new TcpPair.Recorder(true), new TcpPair.Recorder(true), new TcpConnection[1]);
        List<Packet> tcp = pair.packets.stream().filter(p -> p.kind == Packet.Kind.TCP).toList();
        assertEquals(3, tcp.size());
        assertEquals(Packet.SYN, tcp.get(0).flags);
        assertEquals(Packet.SYN | Packet.ACK, tcp.get(1).flags);
        assertEquals(Packet.ACK, tcp.get(2).flags);
        assertEquals(1460, tcp.get(0).mssOption);
        assertEquals(1460, tcp.get(1).mssOption);
        assertEquals(-1, tcp.get(2).mssOption);
        assertEquals(64240, tcp.get(1).window, "Linux rounds 65535 down to 44 x 1460");
        assertEquals(tcp.get(0).seq + 1, tcp.get(1).ack);
        assertEquals(tcp.get(1).seq + 1, tcp.get(2).ack);
    }

    @Test
    void dataIsCutAtTheMssAndArrivesIntact() {
        TcpPair pair = new TcpPair();
        TcpPair.Recorder server = new TcpPair.Recorder(true);
        TcpConnection c = open(pair, new TcpPair.Recorder(true), server, new TcpConnection[1]);
        byte[] data = pattern(200_000);
        writeAll(pair, c, data);
        pair.runUntil(() -> server.received == data.length, 1_000_000);
        assertArrayEquals(data, server.data.toByteArray());
        for (Packet p : pair.sentBy(true)) {
            assertTrue(p.payloadLength <= 1460, "segment of " + p.payloadLength);
        }
        long full = pair.sentBy(true).stream().filter(p -> p.payloadLength == 1460).count();
        assertEquals(200_000 / 1460, full);
    }

    @Test
    void eachWriteIsAPushThatSegmentsEndAtWithPsh() {
        TcpPair pair = new TcpPair();
        TcpPair.Recorder server = new TcpPair.Recorder(true);
        TcpConnection c = open(pair, new TcpPair.Recorder(true), server, new TcpConnection[1]);
        byte[] data = pattern(2 * 32768);
        assertEquals(32768, c.write(data, 0, 32768));
        assertEquals(32768, c.write(data, 32768, 32768)); // queued behind the first before it is all sent
        pair.runUntil(() -> server.received == data.length, 1_000_000);
        assertArrayEquals(data, server.data.toByteArray());
        List<Packet> segments = pair.sentBy(true).stream().filter(p -> p.payloadLength > 0).toList();
        long offset = 0;
        int pushes = 0;
        for (Packet p : segments) {
            long end = offset + p.payloadLength;
            assertFalse(offset < 32768 && end > 32768, "a segment runs past the first write's end: " + offset + ".." + end);
            if ((p.flags & Packet.PSH) != 0) {
                pushes++;
                assertTrue(end == 32768 || end == 65536, "PSH only where a write ends, got one at " + end);
            }
            offset = end;
        }
        assertEquals(2, pushes, "one PSH per write");
        assertEquals(2 * (32768 / 1460 + 1), segments.size(), "22 full segments and a 648-byte one per write");
    }

    @Test
    void receiverAcksEverySecondFullSegmentAfterQuickAcks() {
        TcpPair pair = new TcpPair();
        TcpPair.Recorder server = new TcpPair.Recorder(true);
        TcpConnection c = open(pair, new TcpPair.Recorder(true), server, new TcpConnection[1]);
        byte[] data = pattern(1460 * 400);
        writeAll(pair, c, data);
        pair.runUntil(() -> server.received == data.length, 1_000_000);
        pair.runFor(100_000_000);
        long segments = pair.sentBy(true).stream().filter(p -> p.payloadLength > 0).count();
        long acks = pair.sentBy(false).stream().filter(p -> p.payloadLength == 0 && p.flags == Packet.ACK).count();
        // 16 quick ACKs, then one per two segments (+1 for the handshake-free tail)
        long expected = 16 + (segments - 16) / 2;
        assertTrue(Math.abs(acks - expected) <= 3, "acks " + acks + " for " + segments + " segments, expected ~" + expected);
    }

    @Test
    void aLoneSegmentIsAckedByTheDelayedAckTimerAfterQuickAcksAreUsed() {
        TcpPair pair = new TcpPair();
        TcpPair.Recorder server = new TcpPair.Recorder(true);
        TcpConnection c = open(pair, new TcpPair.Recorder(true), server, new TcpConnection[1]);
        byte[] one = {42};
        // use up quick-ACK mode: 16 single-byte writes, each waiting for its ACK
        for (int i = 0; i < 17; i++) {
            long before = server.received;
            c.write(one, 0, 1);
            pair.runUntil(() -> server.received == before + 1, 10_000);
            pair.runFor(50_000_000);
        }
        int last = pair.packets.size();
        long sent = pair.scheduler.now();
        c.write(one, 0, 1);
        pair.runFor(100_000_000);
        Packet ack = null;
        long ackTime = 0;
        for (int i = last; i < pair.packets.size(); i++) {
            if (!pair.fromA.get(i) && pair.packets.get(i).flags == Packet.ACK) {
                ack = pair.packets.get(i);
                ackTime = pair.times.get(i);
                break;
            }
        }
        assertTrue(ack != null, "no ACK for the lone segment");
        long delay = ackTime - sent;
        assertTrue(delay >= 40_000_000 && delay < 41_000_000, "ACK after " + delay + " ns, expected the 40 ms delayed-ACK timeout");
    }

    @Test
    void windowClosesWhenTheReceiverDoesNotReadAndReopensWithAWindowUpdate() {
        TcpPair pair = new TcpPair();
        TcpPair.Recorder server = new TcpPair.Recorder(false); // does not read
        TcpConnection[] accepted = new TcpConnection[1];
        TcpConnection c = open(pair, new TcpPair.Recorder(true), server, accepted);
        byte[] data = pattern(150_000);
        writeAll(pair, c, data);
        pair.runFor(2_000_000_000L);
        assertEquals(64240, accepted[0].available(), "the whole announced window is in the buffer");
        List<Packet> fromB = pair.sentBy(false);
        assertEquals(0, fromB.get(fromB.size() - 1).window, "zero window announced");
        for (Packet p : pair.sentBy(true)) {
            assertTrue(p.payloadLength <= 1460);
        }
        int before = pair.packets.size();
        server.drain(accepted[0]);
        boolean update = false;
        pair.runFor(10_000_000);
        for (int i = before; i < pair.packets.size(); i++) {
            if (!pair.fromA.get(i) && pair.packets.get(i).window > 0) {
                update = true;
            }
        }
        assertTrue(update, "reading sends a window update");
        server.readAll = true;
        pair.runUntil(() -> {
            server.drain(accepted[0]);
            return server.received == data.length;
        }, 1_000_000);
        assertArrayEquals(data, server.data.toByteArray());
    }
}
