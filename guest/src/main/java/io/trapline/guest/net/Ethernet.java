package io.trapline.guest.net;

/** Ethernet II framing (IEEE 802.3 with an EtherType): 6-byte destination, 6-byte source, 2-byte type. */
public final class Ethernet {
    public static final int HEADER = 14;
    /** Largest payload of an untagged frame; a 1500-byte MTU gives 1514-byte frames without the FCS. */
    public static final int MTU = 1500;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private Ethernet() {
    }

    public static void writeHeader(byte[] b, long dst, long src, int type) {
        Bytes.put48(b, 0, dst);
        Bytes.put48(b, 6, src);
        Bytes.put16(b, 12, type);
    }
}
