package io.trapline.guest.tcp;

import io.trapline.guest.net.Packet;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetransmissionTest {

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    @Test
    void aLostDataSegmentIsResentAfterTheRetransmissionTimeout() {
        TcpPair pair = new TcpPair();
        TcpPair.Recorder server = new TcpPair.Recorder(true);
        pair.b.listen(TcpPair.PORT, c -> server);
        TcpPair.Recorder clientEvents = new TcpPair.Recorder(true);
        TcpConnection client = pair.a.connect(TcpPair.IP_B, TcpPair.PORT, clientEvents);
        pair.runUntil(() -> clientEvents.connected, 10_000);
        int[] dataSeen = {0};
        pair.aToB.loseWhen(f -> {
            Packet p = Packet.parse(f, 0, f.length);
            return p.payloadLength > 0 && ++dataSeen[0] == 3; // the third data segment vanishes
        });
        byte[] data = pattern(20_000);
        long start = pair.scheduler.now();
        assertEquals(data.length, client.write(data, 0, data.length));
        pair.runUntil(() -> server.received == data.length, 100_000);
        assertArrayEquals(data, server.data.toByteArray());
        assertEquals(1, pair.aToB.framesLost());
        assertTrue(pair.a.stats().retransmitTimeouts >= 1);
        assertTrue(pair.a.stats().retransmittedSegments >= 1);
        long took = pair.scheduler.now() - start;
        assertTrue(took >= 200_000_000L, "recovery waits for the RTO (>= 200 ms), took " + took);
    }

    @Test
    void aLostSynIsResentAfterTheInitialOneSecondTimeout() {
        TcpPair pair = new TcpPair();
        TcpPair.Recorder server = new TcpPair.Recorder(true);
        pair.b.listen(TcpPair.PORT, c -> server);
        boolean[] lostOne = {false};
        pair.aToB.loseWhen(f -> {
            Packet p = Packet.parse(f, 0, f.length);
            if (p.kind == Packet.Kind.TCP && p.has(Packet.SYN) && !lostOne[0]) {
                lostOne[0] = true;
                return true;
            }
            return false;
        });
        TcpPair.Recorder clientEvents = new TcpPair.Recorder(true);
        pair.a.connect(TcpPair.IP_B, TcpPair.PORT, clientEvents);
        pair.runUntil(() -> clientEvents.connected && server.connected, 10_000);
        assertTrue(pair.scheduler.now() >= 1_000_000_000L, "RFC 6298 initial RTO is 1 s");
    }

    @Test
    void aLostFinIsResent() {
        TcpPair pair = new TcpPair(TcpConfig.linux().withTimeWait(500_000_000L), TcpConfig.linux(), 5);
        TcpPair.Recorder server = new TcpPair.Recorder(true);
        TcpConnection[] accepted = new TcpConnection[1];
        pair.b.listen(TcpPair.PORT, c -> {
            accepted[0] = c;
            return server;
        });
        TcpPair.Recorder clientEvents = new TcpPair.Recorder(true);
        TcpConnection client = pair.a.connect(TcpPair.IP_B, TcpPair.PORT, clientEvents);
        pair.runUntil(() -> clientEvents.connected && server.connected, 10_000);
        boolean[] lostOne = {false};
        pair.aToB.loseWhen(f -> {
            Packet p = Packet.parse(f, 0, f.length);
            if (p.kind == Packet.Kind.TCP && p.has(Packet.FIN) && !lostOne[0]) {
                lostOne[0] = true;
                return true;
            }
            return false;
        });
        client.close();
        pair.runUntil(() -> server.eof, 100_000);
        accepted[0].close();
        pair.runUntil(() -> clientEvents.closed && server.closed, 100_000);
        assertEquals(2, pair.packets.stream().filter(p -> p.kind == Packet.Kind.TCP && p.has(Packet.FIN)).count(),
                "one FIN each delivered (the lost one is not counted)");
    }

    @Test
    void lossesAtRandomStillDeliverEveryByteInOrder() {
        for (long seed = 1; seed <= 8; seed++) {
            TcpPair pair = new TcpPair(TcpConfig.linux(), TcpConfig.linux(), seed);
            java.util.Random loss = new java.util.Random(seed * 977);
            pair.aToB.loseWhen(f -> loss.nextInt(20) == 0);
            pair.bToA.loseWhen(f -> loss.nextInt(20) == 0);
            TcpPair.Recorder server = new TcpPair.Recorder(true);
            pair.b.listen(TcpPair.PORT, c -> server);
            TcpPair.Recorder clientEvents = new TcpPair.Recorder(true);
            TcpConnection client = pair.a.connect(TcpPair.IP_B, TcpPair.PORT, clientEvents);
            pair.runUntil(() -> clientEvents.connected, 100_000);
            byte[] data = pattern(100_000);
            int[] off = {client.write(data, 0, data.length)};
            client.setHandler(new TcpHandler() {
                @Override
                public void writable(TcpConnection c) {
                    off[0] += Math.max(0, c.write(data, off[0], data.length - off[0]));
                }
            });
            pair.runUntil(() -> server.received == data.length, 2_000_000);
            assertTrue(Arrays.equals(data, server.data.toByteArray()), "seed " + seed);
        }
    }

    @Test
    void aLostWindowUpdateIsRecoveredByTheZeroWindowProbe() {
        TcpPair pair = new TcpPair();
        TcpPair.Recorder server = new TcpPair.Recorder(false);
        TcpConnection[] accepted = new TcpConnection[1];
        pair.b.listen(TcpPair.PORT, c -> {
            accepted[0] = c;
            return server;
        });
        TcpPair.Recorder clientEvents = new TcpPair.Recorder(true);
        TcpConnection client = pair.a.connect(TcpPair.IP_B, TcpPair.PORT, clientEvents);
        pair.runUntil(() -> clientEvents.connected && server.connected, 10_000);
        byte[] data = pattern(100_000);
        int[] off = {client.write(data, 0, data.length)};
        client.setHandler(new TcpHandler() {
            @Override
            public void writable(TcpConnection c) {
                off[0] += Math.max(0, c.write(data, off[0], data.length - off[0]));
            }
        });
        pair.runFor(1_000_000_000L); // the receiver's buffer fills, the window closes
        boolean[] dropping = {true};
        pair.bToA.loseWhen(f -> dropping[0]); // the window update after the read is lost
        server.drain(accepted[0]);
        pair.runFor(1_000_000);
        dropping[0] = false;
        server.readAll = true;
        pair.runUntil(() -> {
            server.drain(accepted[0]);
            return server.received == data.length;
        }, 1_000_000);
        assertArrayEquals(data, server.data.toByteArray());
        assertTrue(pair.bToA.framesLost() >= 1);
    }
}
