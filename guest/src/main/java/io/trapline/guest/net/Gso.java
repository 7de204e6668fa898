package io.trapline.guest.net;

import java.util.function.Consumer;

/**
 * Cuts a TSO/GSO TCP segment into MSS-sized frames as a NIC or Linux's software GSO does: each piece gets
 * the headers of the original, its own sequence number, IP total length and checksums, IP ids counting up
 * from the original's, and PSH/FIN only on the last piece.
 */
public final class Gso {
    private Gso() {
    }

    /** Hands each piece (a fresh array) to {@code out}; a frame that needs no cutting is handed over as a copy. */
    public static void segment(byte[] frame, int off, int len, int mss, Consumer<byte[]> out) {
        Packet p = Packet.parse(frame, off, len);
        if (p.kind != Packet.Kind.TCP || mss <= 0 || p.payloadLength <= mss) {
            byte[] copy = new byte[len];
            System.arraycopy(frame, off, copy, 0, len);
            out.accept(copy);
            return;
        }
        int headers = p.payloadOffset - off;
        int ip = Ethernet.HEADER;
        int tcp = ip + (frame[off + ip] & 0xF) * 4;
        int tcpHeader = headers - tcp;
        int pieces = (p.payloadLength + mss - 1) / mss;
        for (int i = 0; i < pieces; i++) {
            int dataOff = i * mss;
            int dataLen = Math.min(mss, p.payloadLength - dataOff);
            byte[] b = new byte[headers + dataLen];
            System.arraycopy(frame, off, b, 0, headers);
            System.arraycopy(frame, p.payloadOffset + dataOff, b, headers, dataLen);
            boolean last = i == pieces - 1;
            if (!last) {
                b[tcp + 13] &= (byte) ~(Packet.FIN | Packet.PSH);
            }
            Bytes.put32(b, tcp + 4, p.seq + dataOff);
            Bytes.put16(b, tcp + 16, 0);
            int tcpLength = tcpHeader + dataLen;
            long sum = Checksum.pseudoHeader(p.srcIp, p.dstIp, Ipv4.PROTOCOL_TCP, tcpLength);
            Bytes.put16(b, tcp + 16, Checksum.finish(Checksum.add(sum, b, tcp, tcpLength)));
            Bytes.put16(b, ip + 2, tcp - ip + tcpLength);
            Bytes.put16(b, ip + 4, (p.ipId + i) & 0xFFFF);
            Bytes.put16(b, ip + 10, 0);
            Bytes.put16(b, ip + 10, Checksum.of(b, ip, tcp - ip));
            out.accept(b);
        }
    }
}
