package io.trapline.emulator.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** FrameFields names the header field at any byte of a frame, reading only inside it. */
class FrameFieldsTest {

    /** Ethernet (optionally 802.1Q-tagged), then IPv4 (20 bytes) or IPv6 (40), then TCP (20) or UDP (8), then payload. */
    static byte[] frame(boolean vlan, boolean ipv6, int proto, int payload, int padding) {
        int l2 = vlan ? 18 : 14;
        int l3 = ipv6 ? 40 : 20;
        int l4 = proto == FrameFields.PROTO_TCP ? 20 : 8;
        byte[] f = new byte[l2 + l3 + l4 + payload + padding];
        if (vlan) {
            f[12] = (byte) 0x81;
            f[16] = ipv6 ? (byte) 0x86 : 0x08;
            f[17] = ipv6 ? (byte) 0xDD : 0x00;
        } else {
            f[12] = ipv6 ? (byte) 0x86 : 0x08;
            f[13] = ipv6 ? (byte) 0xDD : 0x00;
        }
        if (ipv6) {
            f[l2] = 0x60;
            int len = l4 + payload;
            f[l2 + 4] = (byte) (len >> 8);
            f[l2 + 5] = (byte) len;
            f[l2 + 6] = (byte) proto;
        } else {
            f[l2] = 0x45;
            int total = l3 + l4 + payload;
            f[l2 + 2] = (byte) (total >> 8);
            f[l2 + 3] = (byte) total;
            f[l2 + 9] = (byte) proto;
        }
        if (proto == FrameFields.PROTO_TCP) {
            f[l2 + l3 + 12] = 0x50;
        }
        return f;
    }

    private static String at(byte[] f, int offset) {
        FrameFields p = new FrameFields();
        p.parse(f, f.length);
        return p.fieldName(f, f.length, offset);
    }

    @Test
    void namesEthernetIpv4AndTcpFields() {
        byte[] f = frame(false, false, FrameFields.PROTO_TCP, 100, 0);
        assertEquals("Ethernet destination", at(f, 0));
        assertEquals("Ethernet source", at(f, 11));
        assertEquals("Ethertype", at(f, 13));
        assertEquals("IPv4 version/IHL", at(f, 14));
        assertEquals("IPv4 total length", at(f, 17));
        assertEquals("IPv4 header checksum", at(f, 24));
        assertEquals("IPv4 destination address", at(f, 33));
        assertEquals("TCP source port", at(f, 34));
        assertEquals("TCP sequence number", at(f, 38));
        assertEquals("TCP flags", at(f, 47));
        assertEquals("TCP checksum", at(f, 50));
        assertEquals("TCP checksum", at(f, 51));
        assertEquals("TCP payload +0", at(f, 54));
        assertEquals("TCP payload +99", at(f, 153));
        assertNull(at(f, 154));
        assertNull(at(f, -1));
    }

    @Test
    void namesVlanTagsUdpIpv6AndPadding() {
        byte[] udp = frame(true, false, FrameFields.PROTO_UDP, 4, 10);
        assertEquals("802.1Q TPID", at(udp, 12));
        assertEquals("802.1Q TCI", at(udp, 15));
        assertEquals("Ethertype", at(udp, 17));
        assertEquals("IPv4 protocol", at(udp, 18 + 9));
        assertEquals("UDP length", at(udp, 18 + 20 + 4));
        assertEquals("UDP checksum", at(udp, 18 + 20 + 7));
        assertEquals("UDP payload +3", at(udp, 18 + 20 + 8 + 3));
        assertEquals("padding", at(udp, 18 + 20 + 8 + 4));
        byte[] v6 = frame(false, true, FrameFields.PROTO_TCP, 10, 0);
        assertEquals("IPv6 payload length", at(v6, 14 + 4));
        assertEquals("IPv6 next header", at(v6, 14 + 6));
        assertEquals("IPv6 source address", at(v6, 14 + 8));
        assertEquals("IPv6 destination address", at(v6, 14 + 39));
        assertEquals("TCP checksum", at(v6, 14 + 40 + 16));
    }

    @Test
    void namesArpFieldsOfEthernetAndIpv4Addresses() {
        byte[] arp = new byte[60]; // a request padded to the Ethernet minimum
        arp[12] = 0x08;
        arp[13] = 0x06;
        arp[14 + 4] = 6;
        arp[14 + 5] = 4;
        assertEquals("ARP hardware type", at(arp, 14));
        assertEquals("ARP operation", at(arp, 14 + 7));
        assertEquals("ARP sender hardware address", at(arp, 14 + 8));
        assertEquals("ARP sender protocol address", at(arp, 14 + 17));
        assertEquals("ARP target hardware address", at(arp, 14 + 18));
        assertEquals("ARP target protocol address", at(arp, 14 + 27));
        assertEquals("ARP +28", at(arp, 14 + 28), "past the message: the padding");
        arp[14 + 4] = 8; // another hardware address length: fields past the operation by offset
        assertEquals("ARP +8", at(arp, 14 + 8));
    }

    @Test
    void shortAndUnknownFramesAreNamedAsFarAsTheyGo() {
        byte[] f = frame(false, false, FrameFields.PROTO_TCP, 0, 0);
        byte[] cut = java.util.Arrays.copyOf(f, 40); // IPv4 header whole, TCP header cut short
        assertEquals("IPv4 source address", at(cut, 26));
        assertEquals("tcp +2", at(cut, 36));
        byte[] other = new byte[60];
        other[12] = (byte) 0x88;
        other[13] = (byte) 0xCC; // LLDP
        assertEquals("Ethernet payload +6", at(other, 20));
        assertEquals("Ethernet source", at(new byte[8], 7));
        byte[] zeros = new byte[64];
        for (int i = 0; i < zeros.length; i++) {
            assertNotNull(at(zeros, i));
        }
    }
}
