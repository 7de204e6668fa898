package io.trapline.guest.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The small piece of HTTP/1.x both ends share: request and response heads, and the body's byte pattern. */
public final class Http {
    /** Paths the server knows: {@code /file-N} is N bytes of {@link #bodyByte}. */
    public static final String FILE_PREFIX = "/file-";
    /** Longest request head the server reads before giving up (busybox httpd reads a bounded header too). */
    public static final int MAX_HEAD = 8192;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Http() {
    }

    private static final int PATTERN_STEP = 32 * 1024;
    /** The body pattern from offset 0, long enough to copy any 32 KiB piece starting at any phase. */
    private static final byte[] PATTERN = new byte[26 + PATTERN_STEP];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = bodyByte(i);
        }
    }

    /** Byte {@code i} of every body: printable and position-dependent, so a client can check each byte. */
    public static byte bodyByte(long i) {
        return (byte) ('a' + (int) (i % 26));
    }

    /** Writes body bytes {@code [pos, pos + len)} into {@code dst} at {@code off}. */
    public static void fillBody(long pos, byte[] dst, int off, int len) {
        while (len > 0) {
            int n = Math.min(len, PATTERN_STEP);
            System.arraycopy(PATTERN, (int) (pos % 26), dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    /** True when {@code src[off, off + len)} holds body bytes {@code [pos, pos + len)}. */
    public static boolean isBody(long pos, byte[] src, int off, int len) {
        while (len > 0) {
            int n = Math.min(len, PATTERN_STEP);
            int phase = (int) (pos % 26);
            if (java.util.Arrays.mismatch(PATTERN, phase, phase + n, src, off, off + n) >= 0) {
                return false;
            }
            pos += n;
            off += n;
            len -= n;
        }
        return true;
    }

    /**
     * A request head like curl's (the captures' requests are 86-89 bytes). {@code padTo} pads the head to
     * that many bytes with an X-Pad header (request/response workloads with a given request size).
     */
    public static byte[] request(String path, String host, boolean keepAlive, int padTo) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("User-Agent: curl/7.88.1\r\n")
                .append("Accept: */*\r\n");
        if (keepAlive) {
            sb.append("Connection: keep-alive\r\n");
        }
        int padHeader = "X-Pad: \r\n".length();
        int missing = padTo - (sb.length() + 2);
        if (missing >= padHeader) {
            sb.append("X-Pad: ").append("x".repeat(missing - padHeader)).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Every file's Last-Modified: the epoch, formatted once. */
    private static final String EPOCH_DATE = DATE.format(Instant.EPOCH);

    /** The HTTP date (IMF-fixdate, RFC 9110 5.6.7) of second {@code epochSecond}; the Date header has no finer grain. */
    public static String date(long epochSecond) {
        return DATE.format(Instant.ofEpochSecond(epochSecond));
    }

    /** A response head like busybox httpd's for a static file, sent at {@code date} ({@link #date}). */
    public static byte[] responseHead(int status, long contentLength, boolean keepAlive, String date) {
        String reason = switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            default -> "Error";
        };
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-type: application/octet-stream\r\n"
                + "Date: " + date + "\r\n"
                + "Connection: " + (keepAlive ? "keep-alive" : "close") + "\r\n"
                + "Accept-Ranges: bytes\r\n"
                + "Last-Modified: " + EPOCH_DATE + "\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n";
        return head.getBytes(StandardCharsets.US_ASCII);
    }

    /** Index just past the blank line ending a head in {@code b[0, len)}, or -1 when it is not complete. */
    public static int headEnd(byte[] b, int len) {
        for (int i = 3; i < len; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * The value of header {@code name} in a head (text decoded as US-ASCII), or null: the first line that starts with
     * the name in any case and a colon. Walks the lines in place: splitting the head (a regular expression for
     * "\r\n") and lower-casing every line cost about 6% of a web run.
     */
    public static String header(String head, String name) {
        int n = name.length();
        int at = 0;
        while (at < head.length()) {
            int end = head.indexOf("\r\n", at);
            if (end < 0) {
                end = head.length();
            }
            if (end - at > n && head.charAt(at + n) == ':' && head.regionMatches(true, at, name, 0, n)) {
                return head.substring(at + n + 1, end).trim();
            }
            at = end + 2;
        }
        return null;
    }
}
