package io.trapline.guest.http;

import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.net.Addresses;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.BufferPool;
import io.trapline.guest.tcp.NetStack;
import io.trapline.guest.tcp.TcpConnection;
import io.trapline.guest.tcp.TcpHandler;

import java.nio.charset.StandardCharsets;

/**
 * One client connection on the host side, like one curl: connect, write a GET
 * {@link PlatformProfile#hostClientRequestNs()} after the handshake, read the head and count and check the
 * body, then either close ({@link PlatformProfile#hostClientCloseNs()} after the last byte) or, with
 * keep-alive, wait for the next {@link #get}. Reads happen as data arrives, so the host's window stays open.
 */
public final class HttpClient implements TcpHandler {

    /** What the client reports to its workload. */
    public interface Listener {
        /** A response is complete (status 0 = the connection failed first); {@code intact} = every body byte as expected. */
        void response(HttpClient client, int status, long bodyBytes, boolean intact);

        /** The connection is finished (closed or reset). */
        default void closed(HttpClient client, boolean reset) {
        }
    }

    private final Scheduler scheduler;
    private final PlatformProfile profile;
    private final Listener listener;
    private final String host;
    private final TcpConnection connection;
    /** Where each read's bytes go, borrowed from the stack's pool for the read only (thousands of clients per run). */
    private final BufferPool buffers;
    private static final int READ_BYTES = 16 * 1024;
    private byte[] head = new byte[1024];

    private byte[] request;
    private boolean keepAlive;
    private boolean connected;
    private boolean awaiting;
    private int headLength;
    private boolean inBody;
    private int status;
    private long bodyExpected;
    private long bodyReceived;
    private boolean intact;
    private boolean finished;

    private HttpClient(NetStack stack, Scheduler scheduler, PlatformProfile profile, int serverIp, int port, Listener listener) {
        this.scheduler = scheduler;
        this.profile = profile;
        this.listener = listener;
        this.host = Addresses.ipv4(serverIp);
        this.buffers = stack.buffers();
        this.connection = stack.connect(serverIp, port, this);
    }

    /** Opens a connection; call {@link #get} at once or later, the request leaves once connected. */
    public static HttpClient open(NetStack stack, Scheduler scheduler, PlatformProfile profile, int serverIp, int port, Listener listener) {
        return new HttpClient(stack, scheduler, profile, serverIp, port, listener);
    }

    /**
     * Sends {@code GET path}. {@code keepAlive} keeps the connection for another request; {@code padTo}
     * pads the request head to that many bytes (0 = no padding). One request at a time.
     */
    public void get(String path, boolean keepAlive, int padTo) {
        if (awaiting || finished) {
            throw new IllegalStateException("a request is in progress or the connection is finished");
        }
        this.request = Http.request(path, host, keepAlive, padTo);
        this.keepAlive = keepAlive;
        this.awaiting = true;
        this.headLength = 0;
        this.inBody = false;
        this.status = 0;
        this.bodyReceived = 0;
        this.intact = true;
        if (connected) {
            send();
        }
    }

    public TcpConnection connection() {
        return connection;
    }

    public void close() {
        connection.close();
    }

    @Override
    public void connected(TcpConnection c) {
        connected = true;
        if (awaiting) {
            scheduler.after(profile.hostClientRequestNs(), this::send);
        }
    }

    private void send() {
        if (!finished && connection.write(request, 0, request.length) != request.length) {
            connection.abort(); // a request head always fits an empty send buffer; anything else is a broken connection
        }
    }

    @Override
    public void readable(TcpConnection c) {
        byte[] buffer = buffers.take(READ_BYTES);
        try {
            while (true) {
                int n = c.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    if (n < 0 && awaiting) {
                        fail(); // the server closed before the response was complete
                    }
                    if (n < 0 && !awaiting && !finished) {
                        close();
                    }
                    return;
                }
                if (!awaiting) {
                    continue; // bytes nobody asked for: drop them
                }
                consume(buffer, n);
            }
        } finally {
            buffers.give(buffer);
        }
    }

    private void consume(byte[] buffer, int n) {
        int at = 0;
        if (!inBody) {
            if (head.length - headLength < n && head.length < Http.MAX_HEAD) {
                head = java.util.Arrays.copyOf(head, Http.MAX_HEAD);
            }
            int take = Math.min(n, head.length - headLength);
            System.arraycopy(buffer, 0, head, headLength, take);
            int end = Http.headEnd(head, headLength + take);
            if (end < 0) {
                headLength += take;
                if (headLength == head.length) {
                    fail();
                }
                return;
            }
            at = end - headLength;
            String text = new String(head, 0, end, StandardCharsets.US_ASCII);
            parseHead(text);
            inBody = true;
        }
        if (intact && !Http.isBody(bodyReceived, buffer, at, n - at)) {
            intact = false;
        }
        bodyReceived += n - at;
        if (bodyReceived >= bodyExpected) {
            complete();
        }
    }

    private void parseHead(String text) {
        String[] first = text.substring(0, text.indexOf("\r\n")).split(" ");
        try {
            status = Integer.parseInt(first[1]);
            String length = Http.header(text, "Content-Length");
            bodyExpected = length == null ? 0 : Long.parseLong(length);
        } catch (RuntimeException e) {
            status = 0;
            bodyExpected = 0;
            intact = false;
        }
    }

    private void complete() {
        awaiting = false;
        intact &= bodyReceived == bodyExpected;
        listener.response(this, status, bodyReceived, intact);
        if (!keepAlive) {
            scheduler.after(profile.hostClientCloseNs(), this::close);
        }
    }

    private void fail() {
        awaiting = false;
        listener.response(this, 0, bodyReceived, false);
        connection.abort();
    }

    @Override
    public void closed(TcpConnection c, boolean reset) {
        if (finished) {
            return;
        }
        finished = true;
        if (awaiting) {
            awaiting = false;
            listener.response(this, 0, bodyReceived, false);
        }
        listener.closed(this, reset);
    }
}
