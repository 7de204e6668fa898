package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapReaderTest {
    private static byte[] pcap(ByteOrder order, int magic, int linkType, long[][] frames, int cutAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer g = ByteBuffer.allocate(24).order(order);
        g.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65536).putInt(linkType);
        out.writeBytes(g.array());
        for (long[] f : frames) {
            ByteBuffer h = ByteBuffer.allocate(16).order(order);
            h.putInt((int) f[0]).putInt((int) f[1]).putInt((int) f[2]).putInt((int) f[2]);
            out.writeBytes(h.array());
            byte[] data = new byte[(int) f[2]];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i + f[0]);
            }
            out.writeBytes(data);
        }
        byte[] all = out.toByteArray();
        return cutAt > 0 ? java.util.Arrays.copyOf(all, cutAt) : all;
    }

    @Test
    void readsBothByteOrdersAndNanosecondFiles() {
        long[][] frames = {{10, 500, 60}, {11, 7, 1514}};
        for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            PcapReader r = new PcapReader(new ByteArrayInputStream(pcap(o, 0xa1b2c3d4, 1, frames, 0)), "t.pcap");
            assertTrue(r.next());
            assertEquals(10_000_500_000L, r.timeNs());
            assertEquals(60, r.length());
            assertEquals(10, r.frame()[0]);
            assertTrue(r.next());
            assertEquals(1514, r.length());
            assertFalse(r.next());
            assertNull(r.problem());
        }
        PcapReader ns = new PcapReader(new ByteArrayInputStream(pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b23c4d, 1, frames, 0)), "n");
        assertTrue(ns.next());
        assertEquals(10_000_000_500L, ns.timeNs());
    }

    @Test
    void aCutRecordEndsTheStreamWithAReason() {
        byte[] b = pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 1, new long[][] {{1, 0, 60}, {2, 0, 60}}, 24 + 76 + 30);
        PcapReader r = new PcapReader(new ByteArrayInputStream(b), "t.pcap");
        assertTrue(r.next());
        assertFalse(r.next());
        assertEquals("record 2: truncated frame (14 of 60 bytes)", r.problem());
    }

    @Test
    void absurdLengthsAndForeignFilesAreRefused() {
        byte[] b = pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 1, new long[][] {{1, 0, 60}}, 0);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, 1 << 30);
        PcapReader r = new PcapReader(new ByteArrayInputStream(b), "t.pcap");
        assertFalse(r.next());
        assertTrue(r.problem().contains("exceeds"));
        assertThrows(CaptureException.class, () -> new PcapReader(new ByteArrayInputStream(
                pcap(ByteOrder.LITTLE_ENDIAN, 0x0a0d0d0a, 1, new long[0][], 0)), "ng.pcapng"));
        assertThrows(CaptureException.class, () -> new PcapReader(new ByteArrayInputStream(
                pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 113, new long[0][], 0)), "sll.pcap"));
        assertThrows(CaptureException.class, () -> new PcapReader(new ByteArrayInputStream(new byte[10]), "short"));
    }

    @Test
    void synDetectionAndDirection() {
        byte[] syn = new byte[60];
        syn[12] = 0x08;
        syn[14] = 0x45;
        syn[23] = 6;
        syn[14 + 20 + 13] = 0x02;
        byte[] mac = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
        System.arraycopy(mac, 0, syn, 6, 6);
        assertTrue(PcapReader.isTcpSyn(syn, 60));
        assertTrue(PcapReader.sourceIs(syn, 60, mac));
        syn[14 + 20 + 13] = 0x12;
        assertFalse(PcapReader.isTcpSyn(syn, 60), "SYN-ACK is not a connection request");
        assertArrayEquals(mac, PcapAlignment.parseMac(PcapAlignment.macString(mac)));
    }
}
