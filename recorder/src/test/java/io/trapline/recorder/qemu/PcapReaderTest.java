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
            assertNull(r.cutShort());
        }
        PcapReader ns = new PcapReader(new ByteArrayInputStream(pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b23c4d, 1, frames, 0)), "n");
        assertTrue(ns.next());
        assertEquals(10_000_000_500L, ns.timeNs());
    }

    @Test
    void aCutLastRecordEndsTheStreamSayingWhere() {
        byte[] b = pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 1, new long[][] {{1, 0, 60}, {2, 0, 60}}, 24 + 76 + 30);
        PcapReader r = new PcapReader(new ByteArrayInputStream(b), "t.pcap");
        assertTrue(r.next());
        assertFalse(r.next());
        assertFalse(r.next());
        assertEquals("the pcap ends inside record 2 at byte offset 100 (after 14 of its 60 frame bytes)", r.cutShort());
        assertEquals(1, r.wholeRecords());

        r = new PcapReader(new ByteArrayInputStream(java.util.Arrays.copyOf(b, 24 + 76 + 9)), "t.pcap");
        assertTrue(r.next());
        assertFalse(r.next());
        assertEquals("the pcap ends inside record 2 at byte offset 100 (after 9 of its 16 header bytes)", r.cutShort());

        r = new PcapReader(new ByteArrayInputStream(java.util.Arrays.copyOf(b, 24 + 76)), "t.pcap");
        assertTrue(r.next());
        assertFalse(r.next());
        assertNull(r.cutShort(), "a file that ends between records is whole");
    }

    /** The first record of a good pcap with one header field overwritten: the reader refuses it, naming what. */
    private static String refusedFirstRecord(int fieldOffset, int value) {
        byte[] b = pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 1, new long[][] {{1, 0, 60}, {2, 0, 60}}, 0);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + fieldOffset, value);
        PcapReader r = new PcapReader(new ByteArrayInputStream(b), "t.pcap");
        return assertThrows(PcapFileException.class, r::next).getMessage();
    }

    @Test
    void aRecordNoPcapWriterProducesIsRefusedNamingTheFileTheRecordAndItsOffset() {
        String tail = "; not a pcap record (a damaged file?), nothing imported";
        assertEquals("t.pcap: record 1 at byte offset 24: frame length 2147483647 exceeds 262144 bytes" + tail,
                refusedFirstRecord(8, 0x7fffffff));
        assertEquals("t.pcap: record 1 at byte offset 24: frame length 0 is shorter than an Ethernet header (14 bytes)"
                + tail, refusedFirstRecord(8, 0));
        assertEquals("t.pcap: record 1 at byte offset 24: frame length 60 exceeds the length of the frame it was captured"
                + " from (59)" + tail, refusedFirstRecord(12, 59));
        assertEquals("t.pcap: record 1 at byte offset 24: time stamp fraction 4294967295 us is a second or more" + tail,
                refusedFirstRecord(4, 0xffffffff));
    }

    @Test
    void foreignFilesAreRefused() {
        assertThrows(PcapFileException.class, () -> new PcapReader(new ByteArrayInputStream(
                pcap(ByteOrder.LITTLE_ENDIAN, 0x0a0d0d0a, 1, new long[0][], 0)), "ng.pcapng"));
        assertThrows(PcapFileException.class, () -> new PcapReader(new ByteArrayInputStream(
                pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 113, new long[0][], 0)), "sll.pcap"));
        assertThrows(PcapFileException.class, () -> new PcapReader(new ByteArrayInputStream(new byte[10]), "short"));
    }

    private static byte[] gzip(byte[] b) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    private static PcapReader gzipReader(byte[] gz) throws java.io.IOException {
        return new PcapReader(new DecompressingReader(new java.util.zip.GZIPInputStream(new ByteArrayInputStream(gz)),
                "gzip", "t.pcap.gz"), "t.pcap.gz");
    }

    /**
     * A damaged record in a whole gzip stream is refused like one in a plain pcap, at its offset in the decompressed
     * data; when the stream itself is damaged (its check fails further on: the record was decoded from corrupt data) or
     * breaks off, the pcap is refused for that.
     */
    @Test
    void aDamagedCompressedStreamIsRefusedAsSuchAndADamagedRecordInAWholeOneAsARecord() throws Exception {
        byte[] b = pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 1, new long[][] {{1, 0, 60}, {2, 0, 60}, {3, 0, 60}}, 0);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 76 + 4, 2_000_000); // record 2: bad fraction
        byte[] gz = gzip(b);
        try (PcapReader r = gzipReader(gz)) {
            assertTrue(r.next());
            assertEquals("t.pcap.gz: record 2 at decompressed byte offset 100: time stamp fraction 2000000 us is a second"
                    + " or more; not a pcap record (a damaged file?), nothing imported",
                    assertThrows(PcapFileException.class, r::next).getMessage());
        }

        gz[gz.length - 8] ^= 1; // the CRC of the data: the trailer no longer matches
        try (PcapReader r = gzipReader(gz)) {
            assertTrue(r.next());
            CaptureException e = assertThrows(CaptureException.class, r::next);
            assertEquals("t.pcap.gz: corrupt gzip data after record 1 (Corrupt GZIP trailer); nothing imported",
                    e.getMessage());
        }

        byte[] whole = gzip(pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 1, new long[][] {{1, 0, 60}}, 0));
        CaptureException e = assertThrows(CaptureException.class, () -> gzipReader(java.util.Arrays.copyOf(whole, 12)));
        assertEquals("t.pcap.gz: truncated gzip data: the stream breaks off before the first record; nothing imported",
                e.getMessage());
        try (PcapReader r = gzipReader(java.util.Arrays.copyOf(whole, whole.length - 4))) { // no length in the trailer
            assertTrue(r.next());
            CaptureException cut = assertThrows(CaptureException.class, r::next);
            assertEquals("t.pcap.gz: truncated gzip data: the stream breaks off after record 1; nothing imported",
                    cut.getMessage());
        }
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
