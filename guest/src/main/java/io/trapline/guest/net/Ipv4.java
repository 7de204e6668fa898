package io.trapline.guest.net;

/** IPv4 header (RFC 791) without options; the stack never fragments (it sends with DF and segments at MSS). */
public final class Ipv4 {
    public static final int HEADER = 20;
    public static final int PROTOCOL_TCP = 6;
    /** Don't Fragment: Linux sets it on TCP because it does path-MTU discovery (RFC 1191). */
    public static final int FLAG_DF = 0x4000;
    /** Linux's default TTL (net.ipv4.ip_default_ttl). */
    public static final int DEFAULT_TTL = 64;

    private Ipv4() {
    }

    /** Writes a header at {@code at} covering {@code totalLength} bytes (header + payload), with its checksum. */
    public static void writeHeader(byte[] b, int at, int totalLength, int id, int protocol, int ttl, int src, int dst) {
        b[at] = 0x45; // version 4, IHL 5 words
        b[at + 1] = 0; // DSCP/ECN
        Bytes.put16(b, at + 2, totalLength);
        Bytes.put16(b, at + 4, id);
        Bytes.put16(b, at + 6, FLAG_DF);
        b[at + 8] = (byte) ttl;
        b[at + 9] = (byte) protocol;
        Bytes.put16(b, at + 10, 0);
        Bytes.put32(b, at + 12, src);
        Bytes.put32(b, at + 16, dst);
        Bytes.put16(b, at + 10, Checksum.of(b, at, HEADER));
    }
}
