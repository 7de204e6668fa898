package io.trapline.guest.http;

import io.trapline.guest.platform.Cpu;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.NetStack;
import io.trapline.guest.tcp.TcpConnection;
import io.trapline.guest.tcp.TcpHandler;

import java.nio.charset.StandardCharsets;

/**
 * A static file server like busybox httpd in the captures' guest: a child per connection (fork and request
 * handling cost {@link PlatformProfile#processSpawnNs()} before the first response), {@code GET /file-N} answered with N
 * bytes, the head and the body written by separate calls, the body in {@value #WRITE_CHUNK}-byte writes,
 * then close unless the request asked for keep-alive. Every call costs guest CPU time.
 */
public final class HttpServer {
    /**
     * Body write size. The captures show the 64 KiB response cut at every 32 KiB (a 648-byte segment after
     * 22 full ones, twice per response), so the server writes 32 KiB at a time.
     */
    public static final int WRITE_CHUNK = 32 * 1024;
    /** Largest body served; larger requests get 404 (a bound so a request cannot ask for unbounded work). */
    public static final long MAX_BODY = 1L << 40;

    private final NetStack stack;
    private final Cpu cpu;
    private final PlatformProfile profile;
    private long responses;
    private long bodyBytes;
    /**
     * The Date header's text and the second of virtual time it stands for: formatted once per second, as servers
     * that cache it do (nginx, lighttpd), instead of once per response.
     */
    private long dateSecond = Long.MIN_VALUE;
    private String date;

    public HttpServer(NetStack stack, PlatformProfile profile) {
        this.stack = stack;
        this.cpu = stack.cpu();
        this.profile = profile;
    }

    public void listen(int port) {
        stack.listen(port, c -> new Session());
    }

    public long responses() {
        return responses;
    }

    public long bodyBytes() {
        return bodyBytes;
    }

    /** The Date header for now, in virtual time. */
    private String dateNow() {
        long second = Math.floorDiv(cpu.scheduler().now(), 1_000_000_000L);
        if (second != dateSecond) {
            dateSecond = second;
            date = Http.date(second);
        }
        return date;
    }

    private final class Session implements TcpHandler {
        private byte[] head = new byte[1024];
        private int headLength;
        private boolean spawned;
        private boolean serving;
        private long bodyLeft;
        private long bodySent;
        private byte[] pendingHead;
        private boolean keepAlive;
        private byte[] chunk;
        private boolean writing;
        private boolean closing;
        private boolean firstResponse = true;

        @Override
        public void connected(TcpConnection c) {
            // accept() returns; the child that handles the connection reads the request
            cpu.runTask(profile.syscallNs(), () -> {
                spawned = true;
                readRequest(c);
            });
        }

        @Override
        public void readable(TcpConnection c) {
            if (spawned && !serving) {
                cpu.runTask(profile.syscallNs(c.available()), () -> readRequest(c));
            }
        }

        @Override
        public void writable(TcpConnection c) {
            if (serving && !writing) {
                writeSome(c);
            }
        }

        private void readRequest(TcpConnection c) {
            if (serving || closing || c.state() == TcpConnection.State.CLOSED) {
                return;
            }
            int end;
            int n;
            do {
                if (headLength == head.length && head.length < Http.MAX_HEAD) {
                    head = java.util.Arrays.copyOf(head, Http.MAX_HEAD);
                }
                n = c.read(head, headLength, head.length - headLength);
                if (n > 0) {
                    headLength += n;
                }
                end = Http.headEnd(head, headLength);
            } while (end < 0 && n > 0 && headLength < Http.MAX_HEAD);
            if (end < 0) {
                if (headLength == Http.MAX_HEAD || n < 0) {
                    finish(c, n < 0); // oversized head or the client gave up: like httpd, just close
                }
                return;
            }
            String text = new String(head, 0, end, StandardCharsets.US_ASCII);
            System.arraycopy(head, end, head, 0, headLength - end);
            headLength -= end;
            respond(c, text);
        }

        private void respond(TcpConnection c, String text) {
            String line = text.substring(0, text.indexOf("\r\n"));
            String[] parts = line.split(" ");
            int status = 400;
            long size = 0;
            if (parts.length == 3 && parts[0].equals("GET")) {
                status = 404;
                if (parts[1].startsWith(Http.FILE_PREFIX)) {
                    try {
                        size = Long.parseLong(parts[1].substring(Http.FILE_PREFIX.length()));
                        status = size >= 0 && size <= MAX_BODY ? 200 : 404;
                    } catch (NumberFormatException e) {
                        status = 404;
                    }
                }
            }
            if (status != 200) {
                size = 0;
            }
            keepAlive = status == 200 && "keep-alive".equalsIgnoreCase(Http.header(text, "Connection"));
            serving = true;
            bodyLeft = size;
            bodySent = 0;
            pendingHead = Http.responseHead(status, size, keepAlive, dateNow());
            responses++;
            if (firstResponse) {
                // the captures put 1.8 ms between request and response head: the forked child at work
                firstResponse = false;
                cpu.runTask(profile.processSpawnNs(), () -> writeSome(c));
            } else {
                writeSome(c);
            }
        }

        /** One write() call: the head, or the next chunk of the body that fits the send buffer. */
        private void writeSome(TcpConnection c) {
            byte[] data;
            int len;
            if (pendingHead != null) {
                data = pendingHead;
                len = pendingHead.length;
            } else {
                len = (int) Math.min(Math.min(bodyLeft, WRITE_CHUNK), c.sendSpace());
                if (bodyLeft > 0 && len <= 0) {
                    return; // send buffer full: wait for writable()
                }
                if (chunk == null || chunk.length < len) {
                    chunk = new byte[len]; // sized by the first body write: small files need small buffers
                }
                Http.fillBody(bodySent, chunk, 0, len);
                data = chunk;
            }
            if (len > c.sendSpace()) {
                return;
            }
            writing = true;
            int length = len;
            cpu.runTask(profile.syscallNs(length), () -> {
                writing = false;
                if (c.state() == TcpConnection.State.CLOSED) {
                    return;
                }
                int n = c.write(data, 0, length);
                if (n < 0) {
                    return;
                }
                if (data == pendingHead) {
                    pendingHead = null;
                } else {
                    bodySent += n;
                    bodyLeft -= n;
                    bodyBytes += n;
                }
                if (pendingHead == null && bodyLeft == 0) {
                    done(c);
                } else {
                    writeSome(c);
                }
            });
        }

        private void done(TcpConnection c) {
            serving = false;
            if (keepAlive) {
                if (headLength > 0 || c.available() > 0) {
                    cpu.runTask(profile.syscallNs(), () -> readRequest(c)); // a pipelined request
                }
                return;
            }
            finish(c, false);
        }

        private void finish(TcpConnection c, boolean peerGone) {
            if (closing) {
                return;
            }
            closing = true;
            cpu.runTask(profile.serverCloseNs(), () -> {
                if (peerGone) {
                    c.discard(c.available());
                }
                c.close();
            });
        }
    }
}
