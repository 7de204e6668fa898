package io.trapline.emulator.net;

/**
 * The header fields of an Ethernet frame that the {@code packets} table shows: Ethernet (IEEE 802.3, one
 * optional 802.1Q tag), ARP, IPv4 (RFC 791), IPv6 (RFC 8200, no extension headers walked), TCP (RFC 9293)
 * and UDP (RFC 768) ports and TCP flags. Reads only inside the frame: a short or malformed frame leaves the
 * fields it cannot reach unset (-1 or null). {@link #fieldName} names the header field at a byte offset.
 * Used by analysis's {@code packets} table and by replay's divergence report.
 */
public final class FrameFields {
    public static final int ETH_IPV4 = 0x0800;
    public static final int ETH_ARP = 0x0806;
    public static final int ETH_VLAN = 0x8100;
    public static final int ETH_IPV6 = 0x86DD;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMPV6 = 58;

    public int ethertype;
    public int vlan;
    public int ipProto;
    public String protocol;
    public String srcIp;
    public String dstIp;
    public int srcPort;
    public int dstPort;
    public int tcpFlags;
    public int payloadLength;
    /** Offset of the IPv4/IPv6/ARP header, -1 when the frame has none. */
    public int networkOffset;
    /** Offset of the upper-layer (TCP, UDP, ...) header, -1 when the parse did not reach one. */
    public int transportOffset;
    /** End of the IP packet in the frame (its total length), -1 without one; bytes after it are padding. */
    public int networkEnd;

    public void parse(byte[] f, int len) {
        ethertype = -1;
        vlan = -1;
        ipProto = -1;
        protocol = null;
        srcIp = null;
        dstIp = null;
        srcPort = -1;
        dstPort = -1;
        tcpFlags = -1;
        payloadLength = -1;
        networkOffset = -1;
        transportOffset = -1;
        networkEnd = -1;
        if (len < 14) {
            return;
        }
        int at = 12;
        ethertype = u16(f, at);
        at += 2;
        if (ethertype == ETH_VLAN && len >= 18) {
            vlan = u16(f, at) & 0xFFF;
            ethertype = u16(f, at + 2);
            at += 4;
        }
        int l4;
        int end;
        networkOffset = at;
        switch (ethertype) {
            case ETH_ARP -> {
                protocol = "arp";
                if (len >= at + 28) {
                    srcIp = ipv4(f, at + 14);
                    dstIp = ipv4(f, at + 24);
                }
                return;
            }
            case ETH_IPV4 -> {
                protocol = "ipv4";
                if (len < at + 20 || (f[at] & 0xF0) != 0x40) {
                    return;
                }
                int ihl = (f[at] & 0x0F) * 4;
                int total = u16(f, at + 2);
                ipProto = f[at + 9] & 0xFF;
                srcIp = ipv4(f, at + 12);
                dstIp = ipv4(f, at + 16);
                l4 = at + ihl;
                end = Math.min(len, at + Math.max(total, ihl));
                networkEnd = end;
                // a fragment after the first carries no L4 header
                if ((u16(f, at + 6) & 0x1FFF) != 0) {
                    protocol = protocolName(ipProto);
                    return;
                }
            }
            case ETH_IPV6 -> {
                protocol = "ipv6";
                if (len < at + 40) {
                    return;
                }
                ipProto = f[at + 6] & 0xFF;
                srcIp = ipv6(f, at + 8);
                dstIp = ipv6(f, at + 24);
                l4 = at + 40;
                end = Math.min(len, l4 + u16(f, at + 4));
                networkEnd = end;
                // extension headers (RFC 8200 4.1) come before the upper layer: an MLD report is ICMPv6 behind
                // hop-by-hop options. A bounded walk: a hostile chain costs at most a few steps.
                for (int n = 0; n < 8 && isExtension(ipProto) && l4 + 8 <= end; n++) {
                    int next = f[l4] & 0xFF;
                    if (ipProto == IPV6_FRAGMENT) {
                        if ((u16(f, l4 + 2) & 0xFFF8) != 0) { // not the first fragment: no upper-layer header
                            protocol = protocolName(next);
                            return;
                        }
                        l4 += 8;
                    } else {
                        l4 += ((f[l4 + 1] & 0xFF) + 1) * 8;
                    }
                    ipProto = next;
                }
            }
            default -> {
                networkOffset = -1;
                return;
            }
        }
        transportOffset = l4;
        protocol = protocolName(ipProto);
        if (ipProto == PROTO_TCP && end >= l4 + 20) {
            srcPort = u16(f, l4);
            dstPort = u16(f, l4 + 2);
            int dataOffset = ((f[l4 + 12] & 0xF0) >> 4) * 4;
            tcpFlags = f[l4 + 13] & 0xFF;
            payloadLength = Math.max(0, end - l4 - dataOffset);
        } else if (ipProto == PROTO_UDP && end >= l4 + 8) {
            srcPort = u16(f, l4);
            dstPort = u16(f, l4 + 2);
            payloadLength = Math.max(0, end - l4 - 8);
        } else if (end >= l4) {
            payloadLength = end - l4;
        }
    }

    private static final String[] IPV4_FIELDS = {"version/IHL", "DSCP/ECN", "total length", "total length",
            "identification", "identification", "flags/fragment offset", "flags/fragment offset", "TTL", "protocol",
            "header checksum", "header checksum", "source address", "source address", "source address", "source address",
            "destination address", "destination address", "destination address", "destination address"};
    private static final String[] TCP_FIELDS = {"source port", "source port", "destination port", "destination port",
            "sequence number", "sequence number", "sequence number", "sequence number", "acknowledgment number",
            "acknowledgment number", "acknowledgment number", "acknowledgment number", "data offset", "flags", "window",
            "window", "checksum", "checksum", "urgent pointer", "urgent pointer"};
    private static final String[] UDP_FIELDS = {"source port", "source port", "destination port", "destination port",
            "length", "length", "checksum", "checksum"};

    /**
     * The header field holding byte {@code offset} of the frame {@link #parse} was last given ({@code f}, {@code len}
     * again): {@code Ethernet source}, {@code IPv4 header checksum}, {@code TCP checksum}, {@code TCP payload +12},
     * {@code padding}; null past the frame. Reads only inside the frame.
     */
    /** RFC 826's fields for Ethernet and IPv4 addresses (6 and 4 bytes); other lengths by offset. */
    private String arpField(byte[] f, int len, int in) {
        boolean ethernetIpv4 = networkOffset + 5 < len && f[networkOffset + 4] == 6 && f[networkOffset + 5] == 4;
        if (in < 6) {
            return in < 2 ? "ARP hardware type" : in < 4 ? "ARP protocol type" : in == 4 ? "ARP hardware address length"
                    : "ARP protocol address length";
        } else if (in < 8) {
            return "ARP operation";
        } else if (!ethernetIpv4 || in >= 28) {
            return "ARP +" + in;
        }
        return in < 14 ? "ARP sender hardware address" : in < 18 ? "ARP sender protocol address"
                : in < 24 ? "ARP target hardware address" : "ARP target protocol address";
    }

    public String fieldName(byte[] f, int len, int offset) {
        if (offset < 0 || offset >= len) {
            return null;
        }
        boolean tagged = vlan >= 0;
        if (offset < 6) {
            return "Ethernet destination";
        } else if (offset < 12) {
            return "Ethernet source";
        } else if (offset < 14) {
            return tagged ? "802.1Q TPID" : "Ethertype";
        } else if (tagged && offset < 16) {
            return "802.1Q TCI";
        } else if (tagged && offset < 18) {
            return "Ethertype";
        }
        if (networkOffset < 0) {
            return "Ethernet payload +" + (offset - (tagged ? 18 : 14));
        }
        if (networkEnd >= 0 && offset >= networkEnd) {
            return "padding";
        }
        int in = offset - networkOffset;
        if (ethertype == ETH_ARP) {
            return arpField(f, len, in);
        }
        int l4 = transportOffset;
        if (ethertype == ETH_IPV4) {
            int ihl = (f[networkOffset] & 0x0F) * 4;
            if (in < Math.max(ihl, 20) && (l4 < 0 || offset < l4)) {
                return in < IPV4_FIELDS.length ? "IPv4 " + IPV4_FIELDS[in] : "IPv4 options";
            } else if (l4 < 0) {
                return "IPv4 payload +" + (in - ihl);
            }
        } else if (ethertype == ETH_IPV6 && (l4 < 0 || offset < l4)) {
            return in < 4 ? "IPv6 version/traffic class/flow label" : in < 6 ? "IPv6 payload length"
                    : in == 6 ? "IPv6 next header" : in == 7 ? "IPv6 hop limit" : in < 24 ? "IPv6 source address"
                    : in < 40 ? "IPv6 destination address" : l4 < 0 ? "IPv6 payload +" + (in - 40) : "IPv6 extension header";
        }
        if (l4 < 0) {
            return protocol + " +" + in;
        }
        in = offset - l4;
        if (ipProto == PROTO_TCP && srcPort >= 0) {
            int header = ((f[l4 + 12] & 0xF0) >> 4) * 4;
            return in < TCP_FIELDS.length ? "TCP " + TCP_FIELDS[in] : in < header ? "TCP options" : "TCP payload +" + (in - header);
        } else if (ipProto == PROTO_UDP && srcPort >= 0) {
            return in < UDP_FIELDS.length ? "UDP " + UDP_FIELDS[in] : "UDP payload +" + (in - UDP_FIELDS.length);
        }
        return protocol + " +" + in;
    }

    private static final int IPV6_HOP_BY_HOP = 0;
    private static final int IPV6_ROUTING = 43;
    private static final int IPV6_FRAGMENT = 44;
    private static final int IPV6_DESTINATION = 60;

    private static boolean isExtension(int nextHeader) {
        return nextHeader == IPV6_HOP_BY_HOP || nextHeader == IPV6_ROUTING || nextHeader == IPV6_FRAGMENT
                || nextHeader == IPV6_DESTINATION;
    }

    private static final String[] PROTOCOL_NAMES = new String[256];

    static {
        for (int i = 0; i < 256; i++) {
            PROTOCOL_NAMES[i] = switch (i) {
                case PROTO_TCP -> "tcp";
                case PROTO_UDP -> "udp";
                case PROTO_ICMP -> "icmp";
                case PROTO_ICMPV6 -> "icmpv6";
                default -> "ip/" + i;
            };
        }
    }

    public static String protocolName(int proto) {
        return PROTOCOL_NAMES[proto & 0xFF];
    }

    /** TCP flags as their names joined by '|' (FIN SYN RST PSH ACK URG ECE CWR), in bit order. */
    public static String tcpFlagNames(int flags) {
        if (flags < 0) {
            return null;
        }
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : "|").append(names[i]);
            }
        }
        return sb.toString();
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public static String mac(byte[] f, int at) {
        char[] c = new char[17];
        for (int i = 0; i < 6; i++) {
            c[i * 3] = HEX[(f[at + i] >> 4) & 0xF];
            c[i * 3 + 1] = HEX[f[at + i] & 0xF];
            if (i < 5) {
                c[i * 3 + 2] = ':';
            }
        }
        return new String(c);
    }

    private final java.util.Map<Integer, String> ipv4Names = new java.util.HashMap<>();

    /** Dotted IPv4 text; one String per distinct address (bounded), since traffic repeats a few addresses. */
    private String ipv4(byte[] f, int at) {
        int v = ((f[at] & 0xFF) << 24) | ((f[at + 1] & 0xFF) << 16) | ((f[at + 2] & 0xFF) << 8) | (f[at + 3] & 0xFF);
        String s = ipv4Names.get(v);
        if (s == null) {
            s = (f[at] & 0xFF) + "." + (f[at + 1] & 0xFF) + "." + (f[at + 2] & 0xFF) + "." + (f[at + 3] & 0xFF);
            if (ipv4Names.size() < 4096) {
                ipv4Names.put(v, s);
            }
        }
        return s;
    }

    private String ipv6(byte[] f, int at) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sb.append(i == 0 ? "" : ":").append(Integer.toHexString(u16(f, at + 2 * i)));
        }
        return sb.toString();
    }

    private static int u16(byte[] f, int at) {
        return ((f[at] & 0xFF) << 8) | (f[at + 1] & 0xFF);
    }
}
