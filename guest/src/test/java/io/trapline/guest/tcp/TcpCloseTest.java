package io.trapline.guest.tcp;

import io.trapline.guest.net.Packet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpCloseTest {

    private TcpPair pair;
    private TcpPair.Recorder clientEvents;
    private TcpPair.Recorder serverEvents;
    private TcpConnection client;
    private TcpConnection server;

    private void connect(TcpConfig config) {
        pair = new TcpPair(config, config, 3);
        clientEvents = new TcpPair.Recorder(true);
        serverEvents = new TcpPair.Recorder(true);
        TcpConnection[] accepted = new TcpConnection[1];
        pair.b.listen(TcpPair.PORT, c -> {
            accepted[0] = c;
            return serverEvents;
        });
        client = pair.a.connect(TcpPair.IP_B, TcpPair.PORT, clientEvents);
        pair.runUntil(() -> clientEvents.connected && serverEvents.connected, 10_000);
        server = accepted[0];
    }

    private long fins(boolean byA) {
        return pair.sentBy(byA).stream().filter(p -> p.has(Packet.FIN)).count();
    }

    @Test
    void activeCloserEndsInTimeWaitAndPassiveCloserCloses() {
        connect(TcpConfig.linux().withTimeWait(1_000_000_000L));
        client.close();
        assertEquals(TcpConnection.State.FIN_WAIT_1, client.state());
        pair.runFor(10_000_000);
        assertEquals(TcpConnection.State.FIN_WAIT_1, client.state(), "Linux delays the ACK of a FIN (ping-pong mode)");
        pair.runFor(40_000_000);
        assertEquals(TcpConnection.State.FIN_WAIT_2, client.state());
        assertEquals(TcpConnection.State.CLOSE_WAIT, server.state());
        assertTrue(serverEvents.eof, "server read end of stream");
        server.close();
        pair.runFor(10_000_000);
        assertEquals(TcpConnection.State.TIME_WAIT, client.state());
        assertEquals(TcpConnection.State.CLOSED, server.state());
        assertTrue(clientEvents.closed && serverEvents.closed);
        assertFalse(clientEvents.reset || serverEvents.reset);
        assertEquals(1, fins(true));
        assertEquals(1, fins(false));
        pair.runFor(2_000_000_000L);
        assertEquals(TcpConnection.State.CLOSED, client.state());
        assertEquals(0, pair.a.openConnections());
        assertEquals(0, pair.b.openConnections());
    }

    @Test
    void closedAndTimeWaitConnectionsHoldNoBufferStorage() {
        connect(TcpConfig.linux().withTimeWait(1_000_000_000L));
        assertFalse(client.detached());
        byte[] data = new byte[100_000];
        int sent = 0;
        while (sent < data.length) {
            sent += client.write(data, sent, data.length - sent);
            pair.runFor(1_000_000);
        }
        pair.runFor(100_000_000);
        assertEquals(data.length, serverEvents.received);
        assertTrue(client.bufferStorage() > 16_384, "the send buffer grew with the data: " + client.bufferStorage());
        client.close();
        pair.runFor(100_000_000);
        server.close();
        pair.runFor(10_000_000);
        assertEquals(TcpConnection.State.TIME_WAIT, client.state());
        assertEquals(TcpConnection.State.CLOSED, server.state());
        assertEquals(0, client.bufferStorage(), "TIME_WAIT keeps no buffers");
        assertEquals(0, server.bufferStorage(), "CLOSED keeps no buffers");
        assertTrue(clientEvents.closed && client.detached(), "the application heard of the close and is let go");
        assertTrue(serverEvents.closed && server.detached());
    }

    @Test
    void dataUnreadInTimeWaitStaysReadableAndItsStorageGoesOnceRead() {
        connect(TcpConfig.linux().withTimeWait(1_000_000_000L));
        clientEvents.readAll = false;
        client.close();
        pair.runFor(100_000_000);
        byte[] data = new byte[3000];
        server.write(data, 0, data.length);
        server.close();
        pair.runFor(100_000_000);
        assertEquals(TcpConnection.State.TIME_WAIT, client.state());
        assertEquals(data.length, client.available());
        assertTrue(client.bufferStorage() >= data.length, "unread bytes keep their storage");
        clientEvents.drain(client);
        assertEquals(data.length, clientEvents.received);
        assertTrue(clientEvents.eof);
        assertEquals(0, client.bufferStorage());
    }

    @Test
    void serverClosingFirstIsTheMirrorImage() {
        connect(TcpConfig.linux().withTimeWait(1_000_000_000L));
        server.close();
        pair.runFor(10_000_000);
        assertEquals(TcpConnection.State.CLOSE_WAIT, client.state());
        client.close();
        pair.runFor(10_000_000);
        assertEquals(TcpConnection.State.TIME_WAIT, server.state());
        assertEquals(TcpConnection.State.CLOSED, client.state());
        assertEquals(1, fins(true));
        assertEquals(1, fins(false));
    }

    @Test
    void theAckOfAFinWaitsForTheApplicationsOwnFin() {
        connect(TcpConfig.linux());
        client.close();
        pair.runFor(1_000_000); // less than the 40 ms delayed ACK
        server.close();
        pair.runFor(10_000_000);
        List<Packet> fromServer = pair.sentBy(false);
        Packet last = fromServer.get(fromServer.size() - 1);
        assertEquals(Packet.FIN | Packet.ACK, last.flags, "FIN and the ACK of the client's FIN share a segment (Linux tcp_fin)");
        assertEquals(3 + 3, pair.sentBy(true).size() + fromServer.size(), "handshake + FIN, FIN/ACK, ACK");
    }

    @Test
    void simultaneousCloseGoesThroughClosing() {
        connect(TcpConfig.linux().withTimeWait(1_000_000_000L));
        client.close();
        server.close();
        pair.runFor(10_000_000);
        assertEquals(TcpConnection.State.TIME_WAIT, client.state());
        assertEquals(TcpConnection.State.TIME_WAIT, server.state());
        assertTrue(clientEvents.closed && serverEvents.closed);
    }

    @Test
    void dataHeldByNagleAtCloseCarriesTheFin() {
        connect(TcpConfig.linux());
        byte[] data = new byte[100];
        client.write(data, 0, data.length);
        client.write(data, 0, data.length); // held: the first short segment is unacknowledged (Minshall)
        client.close();
        pair.runFor(10_000_000);
        assertEquals(200, serverEvents.received);
        assertTrue(serverEvents.eof);
        List<Packet> fromClient = pair.sentBy(true);
        Packet lastData = fromClient.stream().filter(p -> p.payloadLength > 0).reduce((x, y) -> y).orElseThrow();
        assertTrue(lastData.has(Packet.FIN), "FIN piggy-backed on the last data segment");
    }

    @Test
    void aSynToAClosedPortIsAnsweredWithRst() {
        connect(TcpConfig.linux());
        TcpPair.Recorder refused = new TcpPair.Recorder(true);
        TcpConnection c = pair.a.connect(TcpPair.IP_B, TcpPair.PORT + 1, refused);
        pair.runFor(10_000_000);
        assertTrue(refused.closed && refused.reset);
        assertEquals(TcpConnection.State.CLOSED, c.state());
        Packet rst = pair.sentBy(false).get(pair.sentBy(false).size() - 1);
        assertEquals(Packet.RST | Packet.ACK, rst.flags);
        assertTrue(rst.tcpChecksumOk && rst.ipChecksumOk);
    }

    @Test
    void closingWithUnreadDataResetsTheConnection() {
        connect(TcpConfig.linux());
        serverEvents.readAll = false;
        client.write(new byte[10], 0, 10);
        pair.runFor(10_000_000);
        server.close();
        pair.runFor(10_000_000);
        assertTrue(clientEvents.reset, "RFC 2525: close() with unread data sends RST");
        assertEquals(TcpConnection.State.CLOSED, client.state());
        assertEquals(TcpConnection.State.CLOSED, server.state());
    }

    @Test
    void abortSendsOneRstAndThePeerIsReset() {
        connect(TcpConfig.linux());
        server.abort();
        pair.runFor(10_000_000);
        assertTrue(clientEvents.reset);
        assertEquals(TcpConnection.State.CLOSED, client.state());
        assertEquals(1, pair.sentBy(false).stream().filter(p -> p.has(Packet.RST)).count());
        assertEquals(0, pair.a.openConnections());
        assertEquals(0, pair.b.openConnections());
    }
}
