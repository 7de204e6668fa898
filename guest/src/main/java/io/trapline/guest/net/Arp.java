package io.trapline.guest.net;

/** ARP for IPv4 over Ethernet (RFC 826): 28-byte packets after the Ethernet header. */
public final class Arp {
    public static final int LENGTH = 28;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;
    private static final int HTYPE_ETHERNET = 1;

    private Arp() {
    }

    /** A whole ARP frame: requests go to broadcast with a zero target MAC, replies to the asker. */
    public static byte[] frame(int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        byte[] b = new byte[Ethernet.HEADER + LENGTH];
        Ethernet.writeHeader(b, op == OP_REQUEST ? Ethernet.BROADCAST : targetMac, senderMac, Ethernet.TYPE_ARP);
        int a = Ethernet.HEADER;
        Bytes.put16(b, a, HTYPE_ETHERNET);
        Bytes.put16(b, a + 2, Ethernet.TYPE_IPV4);
        b[a + 4] = 6;
        b[a + 5] = 4;
        Bytes.put16(b, a + 6, op);
        Bytes.put48(b, a + 8, senderMac);
        Bytes.put32(b, a + 14, senderIp);
        Bytes.put48(b, a + 18, op == OP_REQUEST ? 0 : targetMac);
        Bytes.put32(b, a + 24, targetIp);
        return b;
    }
}
