package io.trapline.analysis;

import io.trapline.emulator.net.FrameFields;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Each table's rows for the fixture captures, checked field by field. */
class CaptureTablesTest {
    @TempDir
    Path tmp;

    private static List<Object> column(List<Map<String, Object>> rows, String name) {
        return rows.stream().map(r -> r.get(name)).collect(Collectors.toList());
    }

    @Test
    void eventsHasEveryEventWithItsHeader() {
        List<Map<String, Object>> rows = TableRows.read(Table.EVENTS, TestCaptures.e1000(tmp.resolve("e")));
        assertEquals(20, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals((long) i, rows.get(i).get("seq"));
            assertEquals("c", rows.get(i).get("capture"));
        }
        Map<String, Object> icr = rows.get(5);
        assertEquals("mmio_read", icr.get("type"));
        assertEquals(0xC0L, icr.get("offset"));
        assertEquals(0x80L, icr.get("value"));
        assertEquals(4, icr.get("size"));
        assertEquals(0, icr.get("vcpu"));
        assertNull(icr.get("queue"));
        assertEquals("frame_rx", rows.get(3).get("type"));
        assertEquals(54, rows.get(3).get("payload_len"));
    }

    @Test
    void accessesNameRegistersAndKinds() {
        List<Map<String, Object>> rows = TableRows.read(Table.ACCESSES, TestCaptures.e1000(tmp.resolve("e")));
        assertEquals(List.of("mmio", "mmio", "mmio", "mmio", "other", "mmio", "mmio", "mmio", "mmio", "mmio", "pci_cfg"),
                column(rows, "kind"));
        assertEquals(List.of("read", "read", "write", "read", "write", "write", "write", "write", "read", "read", "read"),
                column(rows, "dir"));
        Map<String, Object> eoi = rows.get(4);
        assertEquals("apic-msi", eoi.get("target"));
        assertEquals("EOI", eoi.get("register"));
        assertNull(eoi.get("device"));
        assertEquals("e1000", rows.get(1).get("target"));
        assertEquals("cfg+0x0", rows.get(10).get("register"));
        // register names come from the device model through DeviceCatalog (BARn+0xOFF when it names nothing)
        String tdt = (String) rows.get(6).get("register");
        assertTrue(tdt.equals("TDT") || tdt.equals("BAR0+0x3818"), tdt);
    }

    @Test
    void packetsParseEthernetIpAndTcp() {
        List<Map<String, Object>> rows = TableRows.read(Table.PACKETS, TestCaptures.e1000(tmp.resolve("e")));
        assertEquals(2, rows.size());
        Map<String, Object> syn = rows.get(0);
        assertEquals(0L, syn.get("packet"));
        assertEquals("rx", syn.get("dir"));
        assertEquals(false, syn.get("refused"));
        assertEquals(54, syn.get("length"));
        assertEquals(0x0800, syn.get("ethertype"));
        assertEquals("tcp", syn.get("protocol"));
        assertEquals("10.0.2.2", syn.get("src_ip"));
        assertEquals("10.0.2.15", syn.get("dst_ip"));
        assertEquals(40000, syn.get("src_port"));
        assertEquals(80, syn.get("dst_port"));
        assertEquals("SYN", syn.get("tcp_flags"));
        assertEquals(0, syn.get("payload_len"));
        assertEquals("52:54:00:12:34:56", syn.get("eth_dst"));
        assertEquals("tx", rows.get(1).get("dir"));
        assertEquals("SYN|ACK", rows.get(1).get("tcp_flags"));
    }

    @Test
    void ipv6ExtensionHeadersAreWalkedToTheUpperLayer() {
        // an MLDv2 report as Linux sends it: IPv6, hop-by-hop options (router alert), ICMPv6 type 143
        byte[] f = new byte[14 + 40 + 8 + 28];
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xDD;
        f[14] = 0x60;
        f[18] = 0;
        f[19] = 36;       // payload length: 8 + 28
        f[20] = 0;        // next header: hop-by-hop
        f[54] = 58;       // hop-by-hop's next header: ICMPv6
        f[55] = 0;        // its length: 8 bytes
        f[62] = (byte) 143;
        FrameFields p = new FrameFields();
        p.parse(f, f.length);
        assertEquals("icmpv6", p.protocol);
        assertEquals(28, p.payloadLength);
        // hop-by-hop claiming more than the frame: named as its next header says (as a truncated TCP header is
        // still tcp), no payload length, nothing read past the end
        f[55] = (byte) 200;
        p.parse(f, f.length);
        assertEquals("icmpv6", p.protocol);
        assertEquals(-1, p.payloadLength);
        // a chain of extension headers longer than the walk goes no further than its bound
        byte[] chain = new byte[14 + 40 + 8 * 20];
        chain[12] = (byte) 0x86;
        chain[13] = (byte) 0xDD;
        chain[14] = 0x60;
        chain[19] = (byte) (8 * 20);
        chain[20] = 60;   // destination options, each pointing at another
        for (int i = 0; i < 20; i++) {
            chain[54 + 8 * i] = 60;
        }
        p.parse(chain, chain.length);
        assertEquals("ip/60", p.protocol);
    }

    @Test
    void shortAndOddFramesLeaveUnreachableFieldsNull() {
        FrameFields f = new FrameFields();
        f.parse(new byte[10], 10);
        assertEquals(-1, f.ethertype);
        byte[] arp = new byte[42];
        arp[12] = 0x08;
        arp[13] = 0x06;
        arp[28] = 10;
        arp[38] = 10;
        f.parse(arp, arp.length);
        assertEquals("arp", f.protocol);
        assertEquals("10.0.0.0", f.srcIp);
        byte[] truncatedTcp = TestCaptures.tcp("1.2.3.4", "5.6.7.8", 1, 2, 0x02, 0);
        f.parse(truncatedTcp, 40);
        assertEquals("tcp", f.protocol);
        assertEquals(-1, f.srcPort);
        // random bytes never throw
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[r.nextInt(120)];
            r.nextBytes(b);
            if (b.length > 13 && r.nextBoolean()) {
                b[12] = 0x08;
                b[13] = (byte) (r.nextBoolean() ? 0x00 : 0x06);
                if (b.length > 14) {
                    b[14] = 0x45;
                }
            }
            f.parse(b, b.length);
        }
    }

    @Test
    void interruptsKicksMarksAndPhases() {
        Path v = TestCaptures.virtio(tmp.resolve("v"));
        List<Map<String, Object>> irq = TableRows.read(Table.INTERRUPTS, v);
        assertEquals(List.of("msi", "msi"), column(irq, "kind"));
        assertEquals(List.of(2, 1), column(irq, "vector"));
        assertEquals(List.of(0x4022L, 0x4021L), column(irq, "msi_data"));
        assertEquals(List.of(0L, 1L), column(irq, "packet"));

        List<Map<String, Object>> kicks = TableRows.read(Table.KICKS, v);
        assertEquals(List.of(false, true), column(kicks, "traced_write"));
        assertEquals(List.of(true, false), column(kicks, "derived"));
        assertEquals(List.of(0L, 2L), column(kicks, "packet"), "each kick belongs to the TX it started");

        Path e = TestCaptures.e1000(tmp.resolve("e"));
        List<Map<String, Object>> intx = TableRows.read(Table.INTERRUPTS, e);
        assertEquals(List.of(1, 0), column(intx, "level"));

        List<Map<String, Object>> marks = TableRows.read(Table.MARKS, e);
        assertEquals(List.of("phase_start", "request_start", "request_end", "phase_end"), column(marks, "kind"));
        assertEquals(List.of("workload", "GET /", "GET /", "workload"), column(marks, "name"));

        List<Map<String, Object>> phases = TableRows.read(Table.PHASES, e);
        assertEquals(2, phases.size());
        Map<String, Object> req = phases.get(0);
        assertEquals("request", req.get("kind"));
        assertEquals(100L, req.get("start_ns"));
        assertEquals(3_000L, req.get("end_ns"));
        assertEquals("workload", phases.get(1).get("name"));
    }

    @Test
    void requestRowsPairAStartAndAnEndNamedAsTheEmbeddedGuestNamesThem() {
        Path dir = tmp.resolve("requests");
        try (var w = io.trapline.recorder.CaptureWriter.create(dir, TestCaptures.e1000Metadata())) {
            TestCaptures.mark(w, 100, io.trapline.recorder.MarkKind.REQUEST_START, "request#0 GET /file-1024");
            TestCaptures.mark(w, 200, io.trapline.recorder.MarkKind.REQUEST_START, "request#1 GET /file-65536");
            TestCaptures.mark(w, 300, io.trapline.recorder.MarkKind.REQUEST_END, "request#1 status=200 bytes=65536");
            TestCaptures.mark(w, 400, io.trapline.recorder.MarkKind.REQUEST_END, "request#0 status=200 bytes=1024");
            TestCaptures.mark(w, 500, io.trapline.recorder.MarkKind.REQUEST_START, "request#10 GET /file-1024");
            TestCaptures.mark(w, 600, io.trapline.recorder.MarkKind.REQUEST_END, "request#1 status=200 bytes=1");
            w.append(700, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0);
        }
        List<Map<String, Object>> rows = TableRows.read(Table.PHASES, dir);
        assertEquals(List.of("request#1 GET /file-65536", "request#0 GET /file-1024", "request#10 GET /file-1024"),
                column(rows, "name"));
        assertEquals(List.of(300L, 400L, 700L), column(rows, "end_ns"));
        assertEquals(List.of(1L, 0L, 2L), column(rows, "ordinal"));
        assertNull(rows.get(2).get("end_seq"), "request#10 never ended: request#1's second end is not its end");
    }

    @Test
    void aDoorbellIsTheTransmitItStartedEvenAcrossAReceivedFrameAndOnlyTdtIsOne() {
        Path dir = tmp.resolve("doorbells");
        try (var w = io.trapline.recorder.CaptureWriter.create(dir, TestCaptures.e1000Metadata())) {
            TestCaptures.frame(w, 1_000, false, TestCaptures.tcp("10.0.2.2", "10.0.2.15", 40000, 80, TestCaptures.SYN, 0)); // 0
            w.append(2_000, io.trapline.recorder.EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 1);       // TDT: doorbell
            TestCaptures.frame(w, 2_100, false, TestCaptures.tcp("10.0.2.2", "10.0.2.15", 40000, 80, TestCaptures.ACK, 0)); // 1
            TestCaptures.frame(w, 2_200, true, TestCaptures.tcp("10.0.2.15", "10.0.2.2", 80, 40000,
                    TestCaptures.SYN | TestCaptures.ACK, 0));                                                                 // 2
            w.append(3_000, io.trapline.recorder.EventType.MMIO_WRITE, 0, 0, 0, 4, 0xD0, 0x9D);        // IMS: not one
            TestCaptures.frame(w, 3_100, true, TestCaptures.tcp("10.0.2.15", "10.0.2.2", 80, 40000, TestCaptures.ACK, 0)); // 3
            w.append(4_000, io.trapline.recorder.EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 2);       // TDT, no frame follows
            TestCaptures.frame(w, 4_100, false, TestCaptures.tcp("10.0.2.2", "10.0.2.15", 40000, 80, TestCaptures.ACK, 0)); // 4
            w.append(4_200, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, 0);          // ICR: settles it
        }
        List<Map<String, Object>> exits = TableRows.read(Table.EXITS, dir).stream()
                .filter(r -> "kvm".equals(r.get("profile"))).toList();
        assertEquals(List.of("TDT", "IMS", "TDT", "ICR"), column(exits, "register"));
        assertEquals(2L, exits.get(0).get("packet"), "the TDT write started frame 2; frame 1 arrived in between");
        assertEquals(2L, exits.get(1).get("packet"), "IMS starts no transmission: the last frame before it, not frame 3");
        assertEquals(3L, exits.get(2).get("packet"), "no frame followed: the packet at its own time, not frame 4");
        assertEquals(4L, exits.get(3).get("packet"));
    }

    @Test
    void windowsComeFromCaptureJsonWhenItKeepsThePhasesAndFromTheMarksOtherwiseTheSame() throws Exception {
        Path dir = tmp.resolve("phased");
        try (var w = io.trapline.recorder.CaptureWriter.create(dir, TestCaptures.e1000Metadata())) {
            w.append(10, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0);
            TestCaptures.mark(w, 100, io.trapline.recorder.MarkKind.PHASE_START, "workload");
            TestCaptures.mark(w, 100, io.trapline.recorder.MarkKind.PHASE_START, "window");
            TestCaptures.mark(w, 150, io.trapline.recorder.MarkKind.PHASE_START, "2x1024");
            TestCaptures.mark(w, 300, io.trapline.recorder.MarkKind.PHASE_END, "2x1024");
            TestCaptures.mark(w, 400, io.trapline.recorder.MarkKind.PHASE_END, "workload");
            w.append(500, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0);
            w.append(900, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0); // window still open: ends here
        }
        io.trapline.recorder.CaptureMetadata meta = io.trapline.recorder.CaptureMetadata.readFrom(dir);
        assertEquals(List.of(new io.trapline.recorder.CaptureMetadata.PhaseSpan("workload", 100, 400),
                        new io.trapline.recorder.CaptureMetadata.PhaseSpan("window", 100, 900),
                        new io.trapline.recorder.CaptureMetadata.PhaseSpan("2x1024", 150, 300)),
                meta.events().phases(), "the writer keeps its marks' phases in capture.json");
        List<Map<String, Object>> kept = TableRows.read(Table.WINDOWS, dir);
        assertEquals(List.of("window"), column(kept, "phase"));
        assertEquals(List.of(100L), column(kept, "start_ns"));
        assertEquals(List.of(900L), column(kept, "end_ns"));
        // a capture written before the phases were kept: the same row, found by scanning its marks
        meta.withEvents(meta.status(), new io.trapline.recorder.CaptureMetadata.EventSummary(meta.events().count(),
                meta.events().firstTimeNs(), meta.events().lastTimeNs())).writeTo(dir);
        assertNull(io.trapline.recorder.CaptureMetadata.readFrom(dir).events().phases());
        assertEquals(kept, TableRows.read(Table.WINDOWS, dir));

        // no window phase: the workload phase; neither: all of it, phase NULL
        Path e = TestCaptures.e1000(tmp.resolve("e"));
        List<Map<String, Object>> workload = TableRows.read(Table.WINDOWS, e);
        assertEquals(List.of("workload"), column(workload, "phase"));
        assertEquals(List.of(100L), column(workload, "start_ns"));
        assertEquals(List.of(3_000L), column(workload, "end_ns"));
        Path none = tmp.resolve("none");
        try (var w = io.trapline.recorder.CaptureWriter.create(none, TestCaptures.e1000Metadata())) {
            w.append(10, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0);
            w.append(70, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0);
        }
        Map<String, Object> whole = TableRows.read(Table.WINDOWS, none).get(0);
        assertNull(whole.get("phase"));
        assertEquals(10L, whole.get("start_ns"));
        assertEquals(70L, whole.get("end_ns"));
    }

    @Test
    void severalCapturesFillTheCaptureColumn() {
        List<CaptureSource> caps = List.of(new CaptureSource("a", TestCaptures.e1000(tmp.resolve("e"))),
                new CaptureSource("b", TestCaptures.virtio(tmp.resolve("v"))));
        List<Map<String, Object>> rows = TableRows.read(Table.PACKETS, caps, AnalysisOptions.defaults());
        assertEquals(List.of("a", "a", "b", "b", "b"), column(rows, "capture"));
        assertEquals(List.of(0L, 1L, 0L, 1L, 2L), column(rows, "packet"), "packets are numbered per capture");
    }

    @Test
    void batchesStayBoundedOnALargeCapture() throws Exception {
        Path big = tmp.resolve("big");
        int n = CaptureTableReader.BATCH_ROWS * 2 + 123;
        try (var w = io.trapline.recorder.CaptureWriter.create(big, TestCaptures.e1000Metadata())) {
            for (int i = 0; i < n; i++) {
                w.append(i, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0x8, i);
            }
        }
        try (var a = new org.apache.arrow.memory.RootAllocator();
             var r = new CaptureTableReader(a, Table.EVENTS, List.of(new CaptureSource("c", big)),
                     AnalysisOptions.defaults())) {
            long total = 0;
            int batches = 0;
            while (r.loadNextBatch()) {
                assertTrue(r.getVectorSchemaRoot().getRowCount() <= CaptureTableReader.BATCH_ROWS);
                total += r.getVectorSchemaRoot().getRowCount();
                batches++;
            }
            assertEquals(n, total);
            assertEquals(3, batches);
        }
    }
}
