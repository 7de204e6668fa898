package io.trapline.guest.net;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketTest {

    @Test
    void checksumMatchesTheRfc1071Example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (ones' complement), checksum 220d
        byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(0x220d, Checksum.of(b, 0, b.length));
    }

    @Test
    void arpFramesRoundTrip() {
        byte[] f = Arp.frame(Arp.OP_REQUEST, 0x5255_0a00_0202L, Addresses.ipv4("10.0.2.2"), 0, Addresses.ipv4("10.0.2.15"));
        Packet p = Packet.parse(f, 0, f.length);
        assertEquals(Packet.Kind.ARP, p.kind);
        assertEquals(Ethernet.BROADCAST, p.dstMac);
        assertEquals(Arp.OP_REQUEST, p.arpOp);
        assertEquals(0x5255_0a00_0202L, p.arpSenderMac);
        assertEquals("10.0.2.15", Addresses.ipv4(p.arpTargetIp));
        assertEquals("52:55:0a:00:02:02", Addresses.mac(p.arpSenderMac));
    }

    @Test
    void paddedShortFramesStillParse() {
        byte[] f = Arp.frame(Arp.OP_REPLY, 1, 2, 3, 4);
        byte[] padded = java.util.Arrays.copyOf(f, 60);
        assertEquals(Packet.Kind.ARP, Packet.parse(padded, 0, padded.length).kind);
    }

    @Test
    void randomAndTruncatedBytesNeverThrow() {
        Random r = new Random(99);
        byte[] tcpFrame = tcpFrame();
        for (int i = 0; i < 100_000; i++) {
            byte[] f;
            if (i % 2 == 0) {
                f = new byte[r.nextInt(100)];
                r.nextBytes(f);
                if (f.length > 14) {
                    f[12] = 0x08;
                    f[13] = (byte) (r.nextBoolean() ? 0x00 : 0x06);
                }
            } else {
                f = tcpFrame.clone();
                f[r.nextInt(f.length)] = (byte) r.nextInt(256);
                f = java.util.Arrays.copyOf(f, r.nextInt(f.length + 1));
            }
            Packet p = Packet.parse(f, 0, f.length);
            if (p.kind == Packet.Kind.TCP) {
                assertTrue(p.payloadOffset + p.payloadLength <= f.length);
            }
        }
    }

    @Test
    void aCorruptedByteBreaksTheTcpChecksum() {
        byte[] f = tcpFrame();
        assertTrue(Packet.parse(f, 0, f.length).tcpChecksumOk);
        f[f.length - 1] ^= 1;
        Packet p = Packet.parse(f, 0, f.length);
        assertTrue(p.ipChecksumOk);
        assertFalse(p.tcpChecksumOk);
    }

    /** A valid TCP frame with 10 bytes of payload, built the way the stack builds them. */
    private static byte[] tcpFrame() {
        int t = Ethernet.HEADER + Ipv4.HEADER;
        byte[] f = new byte[t + 20 + 10];
        Ethernet.writeHeader(f, 1, 2, Ethernet.TYPE_IPV4);
        Bytes.put16(f, t, 1234);
        Bytes.put16(f, t + 2, 80);
        f[t + 12] = 0x50;
        f[t + 13] = Packet.ACK;
        for (int i = 0; i < 10; i++) {
            f[t + 20 + i] = (byte) i;
        }
        int src = Addresses.ipv4("10.0.2.2");
        int dst = Addresses.ipv4("10.0.2.15");
        long sum = Checksum.pseudoHeader(src, dst, Ipv4.PROTOCOL_TCP, 30);
        Bytes.put16(f, t + 16, Checksum.finish(Checksum.add(sum, f, t, 30)));
        Ipv4.writeHeader(f, Ethernet.HEADER, Ipv4.HEADER + 30, 7, Ipv4.PROTOCOL_TCP, 64, src, dst);
        return f;
    }
}
