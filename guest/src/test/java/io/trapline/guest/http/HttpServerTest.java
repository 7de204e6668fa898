package io.trapline.guest.http;

import io.trapline.guest.peer.BackToBack;
import io.trapline.guest.peer.UserNetwork;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.TcpConnection;
import io.trapline.guest.tcp.TcpHandler;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpServerTest {

    /** Sends raw bytes to the guest's server and collects the reply until the server closes. */
    private static String exchange(String request) {
        return exchange(new BackToBack(PlatformProfile.kvm(), 1), 0, request);
    }

    /** The same on {@code net}, connecting at virtual time {@code atNs}. */
    private static String exchange(BackToBack net, long atNs, String request) {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        boolean[] closed = {false};
        byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
        net.scheduler.at(atNs, () -> net.peer.stack().connect(UserNetwork.GUEST_IP, UserNetwork.HTTP_PORT, new TcpHandler() {
            @Override
            public void connected(TcpConnection c) {
                c.write(bytes, 0, bytes.length);
            }

            @Override
            public void readable(TcpConnection c) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = c.read(buf, 0, buf.length)) > 0) {
                    reply.write(buf, 0, n);
                }
                if (n < 0) {
                    c.close();
                }
            }

            @Override
            public void closed(TcpConnection c, boolean reset) {
                closed[0] = true;
            }
        }));
        long events = 0;
        while (!closed[0] && net.scheduler.runNext() && ++events < 1_000_000) {
            // run
        }
        assertTrue(closed[0], "the server closed the connection");
        return reply.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void aFileRequestGetsItsBytes() {
        String reply = exchange("GET /file-30 HTTP/1.0\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 200 OK\r\n"), reply);
        assertTrue(reply.contains("Content-Length: 30\r\n"));
        assertTrue(reply.contains("Connection: close\r\n"));
        assertTrue(reply.endsWith("\r\n\r\nabcdefghijklmnopqrstuvwxyzabcd"), reply);
    }

    @Test
    void theDateHeaderIsTheVirtualSecondOfTheResponse() {
        BackToBack net = new BackToBack(PlatformProfile.kvm(), 1);
        String early = exchange(net, 200_000_000L, "GET /file-1 HTTP/1.0\r\n\r\n");
        String same = exchange(net, 700_000_000L, "GET /file-1 HTTP/1.0\r\n\r\n");
        String later = exchange(net, 61_500_000_000L, "GET /file-1 HTTP/1.0\r\n\r\n");
        assertTrue(early.contains("\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"), early);
        assertTrue(same.contains("\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"), same);
        assertTrue(later.contains("\r\nDate: Thu, 01 Jan 1970 00:01:01 GMT\r\n"), later);
        assertTrue(later.contains("\r\nLast-Modified: Thu, 01 Jan 1970 00:00:00 GMT\r\n"), later);
    }

    @Test
    void unknownPathsAre404AndGarbageIs400() {
        assertTrue(exchange("GET /etc/passwd HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 404 "));
        assertTrue(exchange("GET /file-abc HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 404 "));
        assertTrue(exchange("BREW /pot HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(exchange("\r\n\r\n").startsWith("HTTP/1.1 400 "));
    }

    @Test
    void anOversizedHeadIsDroppedWithoutAnswer() {
        assertEquals("", exchange("GET /file-1 HTTP/1.0\r\nX: " + "y".repeat(Http.MAX_HEAD) + "\r\n\r\n"));
    }

    @Test
    void headersAreFoundByNameInAnyCaseUpToTheirColon() {
        String head = "HTTP/1.1 200 OK\r\ncontent-length:  42 \r\nContent-Length-X: 7\r\nX : 1\r\n"
                + "CONNECTION: close\r\nConnection: keep-alive\r\nEmpty:\r\n\r\n";
        assertEquals("42", Http.header(head, "Content-Length"), "any case, value trimmed");
        assertEquals("close", Http.header(head, "Connection"), "the first of two");
        assertEquals("", Http.header(head, "Empty"));
        assertNull(Http.header(head, "X"), "a space before the colon is not the header X");
        assertNull(Http.header(head, "Content"), "a name must end at the colon");
        assertNull(Http.header(head, "Host"));
        assertNull(Http.header("", "Host"));
        assertEquals("v", Http.header("Host: v", "host"), "the last line needs no CRLF");
        assertNull(Http.header("Host\r\n: v\r\n", "Host"), "a header does not continue past its line");
    }

    @Test
    void requestsArePaddedToTheAskedSize() {
        assertEquals(500, Http.request("/file-1", "10.0.2.15", true, 500).length);
        byte[] plain = Http.request("/file-1024", "127.0.0.1:18080", false, 0);
        assertTrue(plain.length >= 86 && plain.length <= 89, "the captures' curl requests are 86-89 bytes, this is " + plain.length);
    }
}
