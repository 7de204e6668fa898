package io.trapline.emulator.e1000;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.trapline.emulator.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

class E1000TransmitTest {
    static final long RING = 0x10000;
    static final long BUF = 0x40000;

    /** Ethernet + IPv4 (20) + TCP (20) + payload, with IP total length, TCP seq 1000, flags PSH|ACK|FIN. */
    static byte[] tcpFrame(int payload) {
        byte[] f = E1000Rig.frame(E1000Rig.PEER_MAC, E1000Rig.OUR_MAC, 0x0800, 54 + payload);
        f[14] = 0x45;
        f[15] = 0;
        put16(f, 16, 40 + payload);
        put16(f, 18, 0x1234);
        put16(f, 20, 0x4000);
        f[22] = 64;
        f[23] = 6;
        put16(f, 24, 0);
        byte[] src = {10, 0, 2, 15};
        byte[] dst = {10, 0, 2, 2};
        System.arraycopy(src, 0, f, 26, 4);
        System.arraycopy(dst, 0, f, 30, 4);
        put16(f, 34, 80);
        put16(f, 36, 40000);
        put32(f, 38, 1000);
        put32(f, 42, 77);
        f[46] = 0x50;
        f[47] = 0x19; // FIN | PSH | ACK
        put16(f, 48, 65535);
        put16(f, 50, 0);
        put16(f, 52, 0);
        return f;
    }

    static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
    }

    static void put32(byte[] b, int o, int v) {
        put16(b, o, v >>> 16);
        put16(b, o + 2, v);
    }

    static int get16(byte[] b, int o) {
        return (b[o] & 0xFF) << 8 | (b[o + 1] & 0xFF);
    }

    static long get32(byte[] b, int o) {
        return (long) get16(b, o) << 16 | get16(b, o + 2);
    }

    static boolean ipChecksumValid(byte[] f) {
        return TxPath.onesComplementSum(f, 14, 20) == 0xFFFF;
    }

    static boolean tcpChecksumValid(byte[] f) {
        int tcpLen = f.length - 34;
        long sum = TxPath.onesComplementSum(f, 26, 8) + 6 + tcpLen + TxPath.onesComplementSum(f, 34, tcpLen);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum == 0xFFFF;
    }

    /** Pseudo-header sum without length, as Linux's e1000_tso/e1000_tx_csum leave in the TCP checksum field. */
    static int pseudoHeaderSum(byte[] f) {
        long sum = TxPath.onesComplementSum(f, 26, 8) + 6;
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** Writes a context descriptor at ring index {@code index}. */
    static void contextDescriptor(E1000Rig rig, int index, int ipcss, int ipcso, int ipcse, int tucss, int tucso,
                                  int tucse, int cmdAndLength, int hdrLen, int mss) {
        long d = RING + 16L * index;
        var m = rig.memory();
        m.store(d, 1, ipcss);
        m.store(d + 1, 1, ipcso);
        m.store(d + 2, 2, ipcse);
        m.store(d + 4, 1, tucss);
        m.store(d + 5, 1, tucso);
        m.store(d + 6, 2, tucse);
        m.store(d + 8, 4, (cmdAndLength | TXD_CMD_DEXT) & 0xFFFF_FFFFL);
        m.store(d + 12, 1, 0);
        m.store(d + 13, 1, hdrLen);
        m.store(d + 14, 2, mss);
    }

    static void dataDescriptor(E1000Rig rig, int index, long buffer, int length, int cmd, int popts) {
        long d = RING + 16L * index;
        rig.memory().store(d, 8, buffer);
        rig.memory().store(d + 8, 4, (length | TXD_CMD_DEXT | TXD_DTYP_D | cmd) & 0xFFFF_FFFFL);
        rig.memory().store(d + 12, 4, (long) popts << 8);
    }

    @Test
    void legacyDescriptorSendsTheFrameAndWritesDdBackOnlyWithRs() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        byte[] f = E1000Rig.frame(E1000Rig.PEER_MAC, E1000Rig.OUR_MAC, 0x0800, 100);
        rig.memory().write(BUF, f, 0, f.length);
        rig.putTxDescriptor(RING, 0, BUF, 100, TXD_CMD_EOP | TXD_CMD_IFCS);
        rig.putTxDescriptor(RING, 1, BUF, 100, TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS);
        rig.write(TDT, 2);
        assertEquals(2, rig.sent.size());
        assertArrayEquals(f, rig.sent.get(0));
        assertEquals(0, rig.memory().loadU8(RING + 12) & TXD_STAT_DD, "no RS: no write-back");
        assertEquals(TXD_STAT_DD, rig.memory().loadU8(RING + 16 + 12) & TXD_STAT_DD);
        assertEquals(2, rig.read(TDH));
        assertEquals(ICR_TXDW | ICR_TXQE, rig.read(ICR));
    }

    @Test
    void txqeIsRaisedOnEveryKickButTxdwOnlyAfterRsOrRps() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        assertEquals(ICR_TXQE, rig.read(ICR), "enabling TCTL ran an empty ring");
        rig.putTxDescriptor(RING, 0, BUF, 60, TXD_CMD_EOP);
        rig.write(TDT, 1);
        assertEquals(ICR_TXQE, rig.read(ICR));
        rig.putTxDescriptor(RING, 1, BUF, 60, TXD_CMD_EOP | TXD_CMD_RPS);
        rig.write(TDT, 2);
        assertEquals(ICR_TXQE | ICR_TXDW, rig.read(ICR));
    }

    @Test
    void aFrameCanSpanDescriptorsUntilEop() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        byte[] f = E1000Rig.frame(E1000Rig.PEER_MAC, E1000Rig.OUR_MAC, 0x0800, 1514);
        rig.memory().write(BUF, f, 0, 600);
        rig.memory().write(BUF + 0x1000, f, 600, 914);
        rig.putTxDescriptor(RING, 0, BUF, 600, 0);
        rig.putTxDescriptor(RING, 1, BUF + 0x1000, 914, TXD_CMD_EOP | TXD_CMD_RS);
        rig.write(TDT, 2);
        assertEquals(1, rig.sent.size());
        assertArrayEquals(f, rig.sent.get(0));
        assertEquals(1, rig.read(PTC1522));
        assertEquals(1, rig.read(TPT));
    }

    @Test
    void transmitDoesNothingWhileTctlEnIsClear() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        rig.write(TCTL, 0);
        rig.read(ICR);
        rig.putTxDescriptor(RING, 0, BUF, 60, TXD_CMD_EOP | TXD_CMD_RS);
        rig.write(TDT, 1);
        assertEquals(0, rig.sent.size());
        assertEquals(0, rig.read(TDH));
        rig.write(TCTL, TCTL_EN);
        assertEquals(1, rig.sent.size(), "writing TCTL with EN runs the ring");
    }

    @Test
    void checksumOffloadInsertsIpAndTcpChecksums() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        byte[] f = tcpFrame(300);
        contextDescriptor(rig, 0, 14, 24, 33, 34, 50, 0, TXD_CMD_IP | TXD_CMD_TCP, 0, 0);
        // For plain checksum offload the stack seeds the TCP checksum with the pseudo-header sum including length.
        long sum = pseudoHeaderSum(f) + (f.length - 34);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        put16(f, 50, (int) sum);
        rig.memory().write(BUF, f, 0, f.length);
        dataDescriptor(rig, 1, BUF, f.length, TXD_CMD_EOP | TXD_CMD_RS, TXD_POPTS_IXSM | TXD_POPTS_TXSM);
        rig.write(TDT, 2);
        assertEquals(1, rig.sent.size());
        byte[] out = rig.sent.get(0);
        assertTrue(ipChecksumValid(out), "IP header checksum");
        assertTrue(tcpChecksumValid(out), "TCP checksum");
        assertArrayEquals(Arrays.copyOfRange(f, 54, f.length), Arrays.copyOfRange(out, 54, out.length));
    }

    @Test
    void tsoCutsThePayloadIntoMssSegmentsWithFixedHeaders() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 16);
        int mss = 1000;
        int payload = 2500;
        byte[] f = tcpFrame(payload);
        put16(f, 16, 0); // Linux's e1000_tso zeroes tot_len and the IP checksum ...
        put16(f, 50, pseudoHeaderSum(f)); // ... and seeds the TCP checksum with the length-less pseudo sum
        rig.memory().write(BUF, f, 0, 54);
        rig.memory().write(BUF + 0x1000, f, 54, payload);
        contextDescriptor(rig, 0, 14, 24, 33, 34, 50, 0, TXD_CMD_TSE | TXD_CMD_IP | TXD_CMD_TCP | payload, 54, mss);
        dataDescriptor(rig, 1, BUF, 54, TXD_CMD_TSE, TXD_POPTS_IXSM | TXD_POPTS_TXSM);
        dataDescriptor(rig, 2, BUF + 0x1000, payload, TXD_CMD_TSE | TXD_CMD_EOP | TXD_CMD_RS,
                TXD_POPTS_IXSM | TXD_POPTS_TXSM);
        rig.write(TDT, 3);

        assertEquals(3, rig.sent.size());
        int[] sizes = {1000, 1000, 500};
        for (int i = 0; i < 3; i++) {
            byte[] s = rig.sent.get(i);
            assertEquals(54 + sizes[i], s.length, "segment " + i);
            assertEquals(40 + sizes[i], get16(s, 16), "IPv4 total length");
            assertEquals(0x1234 + i, get16(s, 18), "IP id advances per segment");
            assertEquals(1000 + 1000L * i, get32(s, 38), "TCP sequence number");
            assertEquals(i < 2 ? 0x10 : 0x19, s[47] & 0xFF, "PSH and FIN only on the last segment");
            assertTrue(ipChecksumValid(s), "IP checksum of segment " + i);
            assertTrue(tcpChecksumValid(s), "TCP checksum of segment " + i);
            assertArrayEquals(Arrays.copyOfRange(f, 54 + 1000 * i, 54 + 1000 * i + sizes[i]),
                    Arrays.copyOfRange(s, 54, s.length));
        }
        assertEquals(1, rig.read(TSCTC));
        assertEquals(TXD_STAT_DD, rig.memory().loadU8(RING + 2 * 16 + 12) & TXD_STAT_DD);
    }

    @Test
    void vlanTagIsInsertedWhenVmeAndVleAreSet() {
        E1000Rig rig = new E1000Rig();
        rig.write(CTRL, rig.read(CTRL) | CTRL_VME);
        rig.setUpTx(RING, 8);
        byte[] f = E1000Rig.frame(E1000Rig.PEER_MAC, E1000Rig.OUR_MAC, 0x0800, 64);
        rig.memory().write(BUF, f, 0, f.length);
        rig.putTxDescriptor(RING, 0, BUF, 64, TXD_CMD_EOP | TXD_CMD_VLE);
        rig.memory().store(RING + 14, 2, 0x2005);
        rig.write(TDT, 1);
        byte[] out = rig.sent.get(0);
        assertEquals(68, out.length);
        assertArrayEquals(Arrays.copyOf(f, 12), Arrays.copyOf(out, 12));
        assertEquals(0x8100, get16(out, 12));
        assertEquals(0x2005, get16(out, 14));
        assertArrayEquals(Arrays.copyOfRange(f, 12, 64), Arrays.copyOfRange(out, 16, 68));
    }

    @Test
    void phyLoopbackDeliversTransmittedFramesToTheReceiver() {
        E1000Rig rig = new E1000Rig();
        rig.negotiateLink();
        rig.setUpRx(0x80000, 8, 0x100000, RCTL_EN | RCTL_BAM);
        E1000PhyTest.mdicWrite(rig, Phy.BMCR, Phy.BMCR_LOOPBACK | Phy.BMCR_FD | Phy.BMCR_SPEED1000);
        rig.setUpTx(RING, 8);
        byte[] f = E1000Rig.frame(E1000Rig.OUR_MAC, E1000Rig.OUR_MAC, 0x0800, 80);
        rig.memory().write(BUF, f, 0, f.length);
        rig.putTxDescriptor(RING, 0, BUF, 80, TXD_CMD_EOP);
        rig.write(TDT, 1);
        assertEquals(0, rig.sent.size(), "nothing reaches the wire");
        byte[] got = new byte[80];
        rig.memory().read(0x100000, got, 0, 80);
        assertArrayEquals(f, got);
    }

    @Test
    void broadcastAndMulticastFramesAreCounted() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 8);
        byte[] b = E1000Rig.frame(E1000Rig.BROADCAST, E1000Rig.OUR_MAC, 0x0806, 60);
        byte[] m = E1000Rig.frame(new byte[] {1, 0, 0x5E, 0, 0, 1}, E1000Rig.OUR_MAC, 0x0800, 60);
        rig.memory().write(BUF, b, 0, 60);
        rig.memory().write(BUF + 0x100, m, 0, 60);
        rig.putTxDescriptor(RING, 0, BUF, 60, TXD_CMD_EOP);
        rig.putTxDescriptor(RING, 1, BUF + 0x100, 60, TXD_CMD_EOP);
        rig.write(TDT, 2);
        assertEquals(1, rig.read(BPTC));
        assertEquals(1, rig.read(MPTC));
        assertEquals(2, rig.read(PTC64));
        assertEquals(128, rig.read(GOTCL));
    }

    @Test
    void udpSegmentationFixesTheUdpLengthOfEachSegment() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 16);
        int mss = 500;
        int payload = 1200;
        byte[] f = tcpFrame(payload); // reuse the IPv4 header; make the transport UDP (8-byte header)
        f[23] = 17;
        byte[] udp = new byte[42 + payload];
        System.arraycopy(f, 0, udp, 0, 34);
        put16(udp, 34, 5353);
        put16(udp, 36, 5353);
        put16(udp, 40, (int) ((TxPath.onesComplementSum(udp, 26, 8) + 17) % 0xFFFF));
        for (int i = 42; i < udp.length; i++) {
            udp[i] = (byte) (i * 13);
        }
        rig.memory().write(BUF, udp, 0, udp.length);
        contextDescriptor(rig, 0, 14, 24, 33, 34, 40, 0, TXD_CMD_TSE | TXD_CMD_IP | payload, 42, mss);
        dataDescriptor(rig, 1, BUF, udp.length, TXD_CMD_TSE | TXD_CMD_EOP, TXD_POPTS_IXSM | TXD_POPTS_TXSM);
        rig.write(TDT, 2);
        assertEquals(3, rig.sent.size());
        int[] sizes = {500, 500, 200};
        for (int i = 0; i < 3; i++) {
            byte[] seg = rig.sent.get(i);
            assertEquals(42 + sizes[i], seg.length);
            assertEquals(8 + sizes[i], get16(seg, 38), "UDP length of segment " + i);
            assertEquals(28 + sizes[i], get16(seg, 16), "IPv4 total length of segment " + i);
            assertTrue(ipChecksumValid(seg));
            long sum = TxPath.onesComplementSum(seg, 26, 8) + 17 + (8 + sizes[i])
                    + TxPath.onesComplementSum(seg, 34, seg.length - 34);
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xFFFF) + (sum >>> 16);
            }
            assertEquals(0xFFFF, sum, "UDP checksum of segment " + i);
        }
    }

    @Test
    void ipv6SegmentationWritesPayloadLengthAsQemuDoes() {
        E1000Rig rig = new E1000Rig();
        rig.setUpTx(RING, 16);
        int hdr = 14 + 40 + 20;
        int payload = 300;
        byte[] f = E1000Rig.frame(E1000Rig.PEER_MAC, E1000Rig.OUR_MAC, 0x86DD, hdr + payload);
        f[14] = 0x60;
        f[20] = 6;
        rig.memory().write(BUF, f, 0, f.length);
        contextDescriptor(rig, 0, 14, 0, 0, 54, 70, 0, TXD_CMD_TSE | TXD_CMD_TCP | payload, hdr, 200);
        dataDescriptor(rig, 1, BUF, f.length, TXD_CMD_TSE | TXD_CMD_EOP, 0);
        rig.write(TDT, 2);
        assertEquals(2, rig.sent.size());
        // QEMU 7.2 (xmit_seg) stores size - ipcss, which counts the 40-byte IPv6 header too.
        assertEquals(40 + 20 + 200, get16(rig.sent.get(0), 18));
        assertEquals(40 + 20 + 100, get16(rig.sent.get(1), 18));
    }
}
