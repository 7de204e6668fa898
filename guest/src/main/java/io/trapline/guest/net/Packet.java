package io.trapline.guest.net;

/**
 * One received frame, decoded: Ethernet, then ARP or IPv4/TCP. {@link #parse} never throws on malformed
 * input; it reports what it could decode in {@link #kind} and whether the checksums hold.
 */
public final class Packet {
    public enum Kind { MALFORMED, ARP, TCP, OTHER_IPV4, OTHER }

    public static final int TCP_HEADER = 20;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    public Kind kind = Kind.MALFORMED;
    public long dstMac;
    public long srcMac;
    public int etherType;

    public int arpOp;
    public long arpSenderMac;
    public int arpSenderIp;
    public int arpTargetIp;

    public int srcIp;
    public int dstIp;
    public int ipId;
    public int ipTotalLength;
    public boolean ipChecksumOk;

    public int srcPort;
    public int dstPort;
    public int seq;
    public int ack;
    public int flags;
    public int window;
    /** The MSS option's value, or -1 when absent. */
    public int mssOption = -1;
    public boolean tcpChecksumOk;
    /** Where the TCP payload starts in the frame array, and its length. */
    public int payloadOffset;
    public int payloadLength;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Sequence space the segment occupies: payload plus one each for SYN and FIN (RFC 793 section 3.3). */
    public int segmentLength() {
        return payloadLength + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
    }

    public static Packet parse(byte[] f, int off, int len) {
        Packet p = new Packet();
        if (len < Ethernet.HEADER) {
            return p;
        }
        p.dstMac = Bytes.u48(f, off);
        p.srcMac = Bytes.u48(f, off + 6);
        p.etherType = Bytes.u16(f, off + 12);
        int at = off + Ethernet.HEADER;
        int rest = len - Ethernet.HEADER;
        if (p.etherType == Ethernet.TYPE_ARP) {
            if (rest >= Arp.LENGTH && Bytes.u16(f, at) == 1 && Bytes.u16(f, at + 2) == Ethernet.TYPE_IPV4
                    && f[at + 4] == 6 && f[at + 5] == 4) {
                p.kind = Kind.ARP;
                p.arpOp = Bytes.u16(f, at + 6);
                p.arpSenderMac = Bytes.u48(f, at + 8);
                p.arpSenderIp = Bytes.u32(f, at + 14);
                p.arpTargetIp = Bytes.u32(f, at + 24);
            }
            return p;
        }
        if (p.etherType != Ethernet.TYPE_IPV4) {
            p.kind = Kind.OTHER;
            return p;
        }
        if (rest < Ipv4.HEADER || (f[at] >>> 4 & 0xF) != 4) {
            return p;
        }
        int ihl = (f[at] & 0xF) * 4;
        int total = Bytes.u16(f, at + 2);
        if (ihl < Ipv4.HEADER || total < ihl || total > rest) {
            return p; // frames may carry padding after the datagram (short frames padded to 60 bytes), never less
        }
        p.ipTotalLength = total;
        p.ipChecksumOk = Checksum.of(f, at, ihl) == 0;
        p.ipId = Bytes.u16(f, at + 4);
        p.srcIp = Bytes.u32(f, at + 12);
        p.dstIp = Bytes.u32(f, at + 16);
        int protocol = f[at + 9] & 0xFF;
        if (protocol != Ipv4.PROTOCOL_TCP || (Bytes.u16(f, at + 6) & 0x3FFF) != 0) {
            p.kind = Kind.OTHER_IPV4; // not TCP, or a fragment: this stack never sends fragments and ignores them
            return p;
        }
        int t = at + ihl;
        int tcpLength = total - ihl;
        if (tcpLength < TCP_HEADER) {
            return p;
        }
        int dataOffset = ((f[t + 12] & 0xFF) >>> 4) * 4;
        if (dataOffset < TCP_HEADER || dataOffset > tcpLength) {
            return p;
        }
        p.kind = Kind.TCP;
        p.srcPort = Bytes.u16(f, t);
        p.dstPort = Bytes.u16(f, t + 2);
        p.seq = Bytes.u32(f, t + 4);
        p.ack = Bytes.u32(f, t + 8);
        p.flags = f[t + 13] & 0x3F;
        p.window = Bytes.u16(f, t + 14);
        p.payloadOffset = t + dataOffset;
        p.payloadLength = tcpLength - dataOffset;
        long sum = Checksum.pseudoHeader(p.srcIp, p.dstIp, Ipv4.PROTOCOL_TCP, tcpLength);
        p.tcpChecksumOk = Checksum.finish(Checksum.add(sum, f, t, tcpLength)) == 0;
        parseOptions(p, f, t + TCP_HEADER, t + dataOffset);
        return p;
    }

    private static void parseOptions(Packet p, byte[] f, int at, int end) {
        while (at < end) {
            int kind = f[at] & 0xFF;
            if (kind == 0) {
                return; // end of option list
            }
            if (kind == 1) {
                at++; // no-operation padding
                continue;
            }
            if (at + 1 >= end) {
                return;
            }
            int len = f[at + 1] & 0xFF;
            if (len < 2 || at + len > end) {
                return;
            }
            if (kind == 2 && len == 4) {
                p.mssOption = Bytes.u16(f, at + 2);
            }
            at += len;
        }
    }
}
