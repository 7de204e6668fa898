package io.trapline.cli;

import io.trapline.analysis.TestCaptures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trapline.sql.SqlSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** analyze, sql and export end to end on fixture captures, and their bad inputs. */
class AnalysisCommandsTest {
    @TempDir
    Path tmp;

    private static void assertOneErrorLine(CliRun r, String... mentions) {
        assertEquals(2, r.code(), "exit code; stderr: " + r.err() + " stdout: " + r.out());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        for (String m : mentions) {
            assertTrue(err.contains(m), "'" + err + "' should mention '" + m + "'");
        }
    }

    @Test
    void analyzePutsCapturesSideBySide() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        Path v = TestCaptures.virtio(tmp.resolve("virtio"));
        CliRun r = CliRun.of("analyze", e.toString(), "v=" + v, "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("e1000", json.get(0).get("capture").asText());
        assertEquals("v", json.get(1).get("capture").asText());
        JsonNode e1000 = json.get(0);
        assertEquals("workload", e1000.get("phase").asText());
        assertEquals(1, e1000.get("requests").asLong(), "one request mark");
        // in the workload phase: 2 packets; kvm exits: ICR, IMC, STATUS, EOI, TDT, IMS, STATUS = 7
        assertEquals(3.5, e1000.get("exits_per_packet.kvm").asDouble(), 1e-9);
        assertEquals(4.0, e1000.get("exits_per_packet.tcg").asDouble(), 1e-9, "RDT counts under tcg");
        assertEquals((6 * 8_800 + 3_600) / 2, e1000.get("cycles_per_packet.kvm").asLong());
        assertEquals(0.5, e1000.get("interrupts_per_packet").asDouble(), 1e-9);
        assertTrue(e1000.get("top_registers.kvm").asText().startsWith("STATUS 2"), e1000.toString());
        // the counts behind the figures, unrounded, for programs
        JsonNode counts = e1000.get("counts");
        assertEquals(100, counts.get("window_start_ns").asLong());
        assertEquals(3_000, counts.get("window_end_ns").asLong());
        assertEquals(1, counts.get("interrupts").asLong());
        assertEquals(7, counts.get("exits").get("kvm").asLong());
        assertEquals(6 * 8_800 + 3_600, counts.get("cycles").get("kvm").asLong());
        assertEquals("STATUS", counts.get("top_registers").get(0).get("register").asText());
        assertEquals(2, counts.get("top_registers").get(0).get("exits").asLong());
        // virtio: 3 packets; kicks 2, one of them only as a KICK
        JsonNode virtio = json.get(1);
        assertEquals(2, virtio.get("kicks").asLong());
        assertEquals(4, virtio.get("userspace_exits_per_packet.kvm").asDouble() * 3, 0.01,
                "without vhost QEMU serves the kicks too (after the in-kernel ioeventfd exit)");
        assertEquals(2, virtio.get("userspace_exits_per_packet.kvm-vhost").asDouble() * 3, 0.01,
                "with vhost only the MSI-X table write and the ISR read reach QEMU");
        assertEquals(4, virtio.get("userspace_exits_per_packet.tcg").asDouble() * 3, 0.01);

        CliRun table = CliRun.of("analyze", e.toString(), v.toString(), "--profile", "kvm");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("NIC accesses (reads + writes + kicks)"), "one number, a sum: " + table.out());
        assertTrue(table.out().contains("exits per packet, kvm"), table.out());
        assertFalse(table.out().contains("tcg"), table.out());
        CliRun md = CliRun.of("analyze", e.toString(), "--format", "markdown", "--phase", "workload");
        assertTrue(md.out().startsWith("| metric | e1000 |"), md.out());
        // several names: each capture in the first it has
        CliRun either = CliRun.of("analyze", e.toString(), v.toString(), "--phase", "large, workload", "--format", "csv");
        assertEquals(0, either.code(), either.err());
        assertTrue(either.out().contains("phase,workload,workload"), either.out());
        assertOneErrorLine(CliRun.of("analyze", e.toString(), "--phase", "large,boot"), "no phase 'large,boot'",
                "workload");
    }

    @Test
    void unpricedExitsShowNoFigureUntilACostIsGiven() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        CliRun table = CliRun.of("analyze", e.toString(), "--profile", "tcg,kvm");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("cycles per packet, tcg") && l.trim().endsWith("n/a")),
                table.out());
        assertTrue(table.out().contains("n/a: these exits carry no cycle cost"), table.out());
        JsonNode json = new ObjectMapper().readTree(CliRun.of("analyze", e.toString(), "--format", "json").out());
        assertTrue(json.get(0).get("cycles_per_packet.tcg").isNull(), json.toString());
        assertEquals((6 * 8_800 + 3_600) / 2, json.get(0).get("cycles_per_packet.kvm").asLong(), "priced profiles unchanged");

        CliRun priced = CliRun.of("analyze", e.toString(), "--profile", "tcg", "--cost", "tcg_access=3000", "--format", "json");
        assertEquals(0, priced.code(), priced.err());
        assertEquals(4 * 3000, new ObjectMapper().readTree(priced.out()).get(0).get("cycles_per_packet.tcg").asLong(),
                "4 exits per packet at 3,000 cycles");
    }

    @Test
    void explainCostsShowsEverySource() {
        CliRun r = CliRun.of("analyze", "--explain-costs", "--cost", "mmio=9000");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pci-testdev"));
        assertTrue(r.out().contains("9,000") && r.out().contains("set by --cost"), r.out());
    }

    @Test
    void sqlRunsQueriesSavedQueriesAndFiles() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        CliRun r = CliRun.of("sql", e.toString(), "-e",
                "SELECT register, count(*) AS n FROM exits WHERE profile = 'kvm' GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1;"
                        + " SELECT count(*) AS packets FROM packets", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("register,n", "STATUS,4", "packets", "2"), r.out().lines().toList());
        CliRun saved = CliRun.of("sql", e.toString(), "-q", "per-packet-exits", "--format", "json");
        assertEquals(0, saved.code(), saved.err());
        JsonNode rows = new ObjectMapper().readTree(saved.out());
        assertEquals(3, rows.size());
        assertEquals("kvm", rows.get(0).get("profile").asText());
        assertEquals(3.5, rows.get(0).get("exits_per_packet").asDouble(), 1e-9,
                "7 exits in the workload phase (not the read before it nor the idle watchdog's after it), 2 packets");
        assertEquals("tcg", rows.get(2).get("profile").asText());
        assertTrue(rows.get(2).get("cycles_per_packet").isNull(), "tcg's exits carry no cost: null, as in analyze: " + rows);
        assertEquals((6 * 8_800 + 3_600) / 2, rows.get(0).get("cycles_per_packet").asLong(), "priced profiles unchanged");
        CliRun free = CliRun.of("sql", e.toString(), "-q", "e1000-vs-virtio", "--format", "json", "--cost", "mmio=0",
                "--cost", "pio=0", "--cost", "pci_cfg=0", "--cost", "irqchip=0", "--cost", "mmio_ioeventfd=0",
                "--cost", "pio_ioeventfd=0");
        assertEquals(0, free.code(), free.err());
        JsonNode nic = new ObjectMapper().readTree(free.out()).get(0);
        assertTrue(nic.get("kvm_cycles_per_packet").isNull() && nic.get("vhost_cycles_per_packet").isNull(), nic.toString());
        JsonNode priced = new ObjectMapper().readTree(CliRun.of("sql", e.toString(), "-q", "e1000-vs-virtio", "--format",
                "json").out()).get(0);
        assertTrue(priced.get("kvm_cycles_per_packet").asLong() > 0, priced.toString());
        JsonNode kvmOnly = new ObjectMapper().readTree(CliRun.of("sql", e.toString(), "--profile", "kvm", "-q",
                "e1000-vs-virtio", "--format", "json").out()).get(0);
        assertEquals(3.0, kvmOnly.get("kvm_per_packet").asDouble(), 1e-9, "the NIC's 6 of the 7 (not the EOI): " + kvmOnly);
        for (String unpriced : new String[] {"tcg_per_packet", "vhost_per_packet", "vhost_cycles_per_packet"}) {
            assertTrue(kvmOnly.get(unpriced).isNull(), "a profile not chosen has no figure, not 0: " + kvmOnly);
        }
        CliRun analyze = CliRun.of("analyze", e.toString(), "--format", "json");
        assertEquals(0, analyze.code(), analyze.err());
        assertEquals(3.5, new ObjectMapper().readTree(analyze.out()).get(0).get("exits_per_packet.kvm").asDouble(), 1e-9,
                "the saved query measures where analyze does");
        for (String q : io.trapline.sql.SavedQueries.NAMES) {
            CliRun each = CliRun.of("sql", e.toString(), "-q", q);
            assertEquals(0, each.code(), q + ": " + each.err());
        }
        JsonNode breakdown = new ObjectMapper().readTree(CliRun.of("sql", e.toString(), "-q", "exit-breakdown", "--format",
                "json").out());
        for (JsonNode row : breakdown) { // tcg's exits carry no cycle cost: no figure, as analyze prints n/a
            assertEquals(row.get("profile").asText().equals("tcg"), row.get("cycles").isNull(), row.toString());
        }
        Path f = tmp.resolve("q.sql");
        Files.writeString(f, "-- how many\nSELECT count(*) AS n FROM accesses WHERE kind = 'other';\n");
        CliRun file = CliRun.of("sql", e.toString(), "-f", f.toString());
        assertEquals(0, file.code(), file.err());
        assertTrue(file.out().contains("(1 row)"), file.out());
        assertTrue(CliRun.of("sql", "--list").out().contains("e1000-vs-virtio"));
    }

    @Test
    void infinitiesAndNanPrintInEveryFormat() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        String q = "SELECT 1/0 AS up, -1/0 AS down, 'nan'::DOUBLE AS nothing, 2.5 AS plain";
        CliRun text = CliRun.of("sql", e.toString(), "-e", q);
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("inf") && text.out().contains("-inf") && text.out().contains("nan"), text.out());
        CliRun csv = CliRun.of("sql", e.toString(), "-e", q, "--format", "csv");
        assertEquals(List.of("up,down,nothing,plain", "inf,-inf,nan,2.5"), csv.out().lines().toList());
        CliRun json = CliRun.of("sql", e.toString(), "-e", q, "--format", "json");
        assertEquals(0, json.code(), json.err());
        assertEquals(2.5, new ObjectMapper().readTree(json.out()).get(0).get("plain").asDouble());
    }

    @Test
    void interactiveShellTakesMultiLineStatementsAndDotCommands() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        String input = ".tables\n.schema packets\nSELECT count(*)\n  AS n\nFROM packets;\nSELECT nope FROM events;\n"
                + ".run per-packet-exits\n.quit\n";
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (SqlSession s = SqlSession.open(List.of(io.trapline.analysis.CaptureSource.parse(e.toString())),
                io.trapline.analysis.AnalysisOptions.defaults())) {
            SqlShell shell = new SqlShell(s, TableFormat.csv, new PrintWriter(out, true));
            int code = shell.run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                    new PrintWriter(err, true));
            assertEquals(2, code, "one statement failed: a script sees it in the exit code, and the rest still ran");
        }
        String o = out.toString();
        assertTrue(o.contains("events, accesses, packets, interrupts, kicks, marks, phases, exits"), o);
        assertTrue(o.contains("tcp_flags"), o);
        assertTrue(o.contains("n\n2\n"), o);
        assertTrue(o.contains("exits_per_packet"), o);
        assertTrue(err.toString().contains("nope"), err.toString());
    }

    /** Runs the shell on {@code input} as from a pipe; returns {exit code, stdout, stderr}. */
    private static String[] shell(Path capture, String input) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (SqlSession s = SqlSession.open(List.of(io.trapline.analysis.CaptureSource.parse(capture.toString())),
                io.trapline.analysis.AnalysisOptions.defaults())) {
            code = new SqlShell(s, TableFormat.csv, new PrintWriter(out, true)).run(
                    new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), new PrintWriter(err, true));
        }
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void theShellFromAPipeRunsALastStatementWithoutASemicolonAndDotCommandsAfterStatements() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        String[] last = shell(e, "SELECT 1 AS a;\nSELECT 2\n  AS b");
        assertEquals("0", last[0], last[2]);
        assertEquals("a\n1\nb\n2\n", last[1]);
        String[] dot = shell(e, "SELECT 1 AS a; .tables\n");
        assertEquals("0", dot[0], dot[2]);
        assertEquals("a\n1\nevents, accesses, packets, interrupts, kicks, marks, phases, exits, profiles, windows\n", dot[1]);
        String[] unknown = shell(e, "SELECT 1 AS a; .tabels\n");
        assertEquals("2", unknown[0], "a script notices a command that did not run");
        assertEquals("a\n1\n", unknown[1]);
        assertEquals("unknown command .tabels (.help lists them)", unknown[2].strip());
    }

    @Test
    void theShellFromAPipeWritesOnlyResults() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        String[] r = shell(e, "SELECT count(*) AS n FROM packets;\n");
        assertEquals("0", r[0], r[2]);
        assertEquals("n\n2\n", r[1], "no banner in the CSV");
        assertEquals("", r[2]);
        // a statement without results prints nothing there (at a terminal it says OK)
        String[] set = shell(e, "SET VARIABLE x = 2;\nSELECT getvariable('x') AS v;\n");
        assertEquals("0", set[0], set[2]);
        assertEquals("v\n2\n", set[1]);
    }

    @Test
    void anErrorInASqlFileNamesTheFileAndTheLineItsStatementStartsOn() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        Path f = tmp.resolve("bad.sql");
        Files.writeString(f, "SELECT 1 AS one;\n-- then\nSELECT FROM WHERE;\nSELECT 2;\n");
        CliRun r = CliRun.of("sql", e.toString(), "-f", f.toString(), "--format", "csv");
        assertOneErrorLine(r, f + ":3: Parser Error");
        assertTrue(r.err().startsWith("trapline sql: " + f + ":3: "), r.err());
        assertEquals("one\n1\n", r.out(), "the statements before it ran; none after it");
        Path later = tmp.resolve("later.sql");
        Files.writeString(later, "SELECT 1 AS one; SELECT 2 AS two;\n\n  SELECT nope\n  FROM events;\n");
        assertOneErrorLine(CliRun.of("sql", e.toString(), "-f", later.toString()), later + ":3: ", "nope");
        assertOneErrorLine(CliRun.of("sql", e.toString(), "-e", "SELECT nope FROM events"), "nope");
        CliRun second = CliRun.of("sql", e.toString(), "-e", "SELECT 1 AS one; SELECT nope FROM events; SELECT 3",
                "--format", "csv");
        assertOneErrorLine(second, "trapline sql: -e statement 2 of 3: ", "nope");
        assertEquals("one\n1\n", second.out());
    }

    @Test
    void parquetExportHasAPartitionForEveryCaptureInEveryTableEvenWithoutRows() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        Path v = TestCaptures.virtio(tmp.resolve("virtio"));
        // an e1000 capture alone has no kicks at all
        CliRun alone = CliRun.of("export", e.toString(), "--format", "parquet", "-o", tmp.resolve("alone").toString());
        assertEquals(0, alone.code(), alone.err());
        // a name DuckDB percent-encodes in the partition's directory
        CliRun two = CliRun.of("export", "old run 2%\u00e9=" + e, v.toString(), "--format", "parquet",
                "-o", tmp.resolve("two").toString());
        assertEquals(0, two.code(), two.err());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
             java.sql.Statement st = c.createStatement()) {
            for (io.trapline.analysis.Table t : io.trapline.analysis.Table.values()) {
                String glob = "/" + t.label() + "/*/*.parquet', hive_partitioning=true)";
                try (java.sql.ResultSet r = st.executeQuery("SELECT count(*) FROM read_parquet('" + tmp.resolve("alone")
                        + glob)) {
                    assertTrue(r.next(), t.label());
                }
                // every capture's partition is there and decodes to its name, with or without rows
                try (java.sql.ResultSet r = st.executeQuery("SELECT string_agg(DISTINCT capture, ',' ORDER BY capture)"
                        + " FROM read_parquet('" + tmp.resolve("two") + "/" + t.label() + "/*/*.parquet',"
                        + " hive_partitioning=true, filename=true) WHERE filename IS NOT NULL")) {
                    r.next();
                    String names = r.getString(1);
                    assertTrue(names == null || List.of("old run 2%\u00e9,virtio", "old run 2%\u00e9", "virtio").contains(names),
                            t.label() + ": " + names);
                }
                try (var parts = Files.list(tmp.resolve("two").resolve(t.label()))) {
                    assertEquals(List.of("capture=old%20run%202%25%C3%A9", "capture=virtio"),
                            parts.map(d -> d.getFileName().toString()).sorted().toList(), t.label());
                }
            }
            try (java.sql.ResultSet r = st.executeQuery("SELECT capture, count(*) FROM read_parquet('"
                    + tmp.resolve("two") + "/kicks/*/*.parquet', hive_partitioning=true) GROUP BY 1 ORDER BY 1")) {
                assertTrue(r.next());
                assertEquals("virtio", r.getString(1), "the e1000 capture's empty partition adds no rows");
                assertFalse(r.next());
            }
        }
    }

    @Test
    void timelineExportIsATraceEventFileWithATrackPerKindOfEventAndEachAccessesExit() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        Path v = TestCaptures.virtio(tmp.resolve("virtio"));
        Path file = tmp.resolve("t.json");
        CliRun r = CliRun.of("export", e.toString(), v.toString(), "--format", "timeline", "-o", file.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        // no displayTimeUnit: older trace processors read "ns" there as the unit of every ts
        assertTrue(root.path("displayTimeUnit").isMissingNode(), root.path("displayTimeUnit").toString());
        List<JsonNode> events = new java.util.ArrayList<>();
        root.path("traceEvents").forEach(events::add);
        assertTrue(r.out().startsWith("timeline: "), r.out());
        // a process per capture, named after it; a named track per device and kind of event
        assertEquals(List.of("e1000", "virtio"), events.stream().filter(x -> x.path("name").asText().equals("process_name"))
                .map(x -> x.path("args").path("name").asText()).toList());
        assertTrue(events.stream().anyMatch(x -> x.path("name").asText().equals("thread_name")
                && x.path("pid").asInt() == 1 && x.path("args").path("name").asText().equals("dev0 e1000: accesses")));
        // times in µs from the capture's first event (at 10 ns), to the nanosecond
        JsonNode icr = only(events, x -> x.path("name").asText().equals("read ICR"));
        assertEquals("i", icr.path("ph").asText());
        assertTrue(Files.readString(file).contains("\"name\":\"read ICR\",\"ph\":\"i\",\"pid\":1,\"tid\":1000,\"s\":\"t\","
                + "\"ts\":1.990,"), "2,000 ns after the first event, written exactly");
        assertEquals("0x80", icr.path("args").path("value").asText());
        assertEquals("mmio, 8800 cycles (qemu)", icr.path("args").path("exit kvm").asText());
        assertEquals("none (coalesced)", only(events, x -> x.path("name").asText().equals("write RDT"))
                .path("args").path("exit kvm").asText());
        assertEquals("irqchip, 3600 cycles (kvm)", only(events, x -> x.path("name").asText().equals("write apic-msi EOI"))
                .path("args").path("exit kvm").asText());
        // e1000 has no kicks: no track for them
        assertFalse(events.stream().anyMatch(x -> x.path("args").path("name").asText().equals("dev0 e1000: kicks")));
        // a kick traced without its write costs that write's exit; one right after its write is that same access
        List<JsonNode> kicks = events.stream().filter(x -> x.path("pid").asInt() == 2
                && x.path("name").asText().equals("kick queue 1")).toList();
        assertEquals(2, kicks.size());
        assertEquals("mmio_ioeventfd, 3600 cycles (vhost)", kicks.get(0).path("args").path("exit kvm-vhost").asText());
        assertEquals("mmio_ioeventfd, 3600 cycles (qemu)", kicks.get(0).path("args").path("exit kvm").asText());
        assertTrue(kicks.get(1).path("args").path("exit").asText().startsWith("that of the notify write just before"),
                kicks.get(1).toString());
        assertTrue(kicks.get(1).path("args").path("exit kvm").isMissingNode());
        // virtio: a notify under kvm-vhost is vhost's
        assertTrue(events.stream().anyMatch(x -> x.path("pid").asInt() == 2 && x.path("args").path("exit kvm-vhost")
                .asText().equals("mmio_ioeventfd, 3600 cycles (vhost)")), "the notify write");
        // the INTx line as a counter, the frames with what they carry, the request and phase as slices
        assertEquals(List.of(1, 0), events.stream().filter(x -> x.path("ph").asText().equals("C") && x.path("pid").asInt() == 1)
                .map(x -> x.path("args").path("level").asInt()).toList());
        assertEquals("TCP 10.0.2.2:40000 > 10.0.2.15:80 [SYN] len 0", only(events,
                x -> x.path("pid").asInt() == 1 && x.path("name").asText().equals("frame_rx")).path("args").path("frame").asText());
        JsonNode request = only(events, x -> x.path("pid").asInt() == 1 && x.path("name").asText().equals("GET /"));
        assertEquals("X", request.path("ph").asText());
        assertEquals(0.09, request.path("ts").asDouble(), 1e-9);
        assertEquals(2.9, request.path("dur").asDouble(), 1e-9);
        assertEquals("X", only(events, x -> x.path("pid").asInt() == 1 && x.path("name").asText().equals("workload"))
                .path("ph").asText());
        assertEquals("first event", root.path("otherData").path("e1000").path("time 0").asText());

        // --phase: only that phase's events, timed from its start
        Path phase = tmp.resolve("w.json");
        CliRun w = CliRun.of("export", e.toString(), "--format", "timeline", "--phase", "large,workload", "-o",
                phase.toString());
        assertEquals(0, w.code(), w.err());
        List<JsonNode> in = new java.util.ArrayList<>();
        new ObjectMapper().readTree(phase.toFile()).path("traceEvents").forEach(in::add);
        assertEquals(1.9, only(in, x -> x.path("name").asText().equals("read ICR")).path("ts").asDouble(), 1e-9);
        assertEquals(2, in.stream().filter(x -> x.path("name").asText().equals("read STATUS")).count(),
                "the STATUS reads before the phase (10 ns) and after it (the watchdog, 1 s) are left out");
        assertEquals(0.0, only(in, x -> x.path("name").asText().equals("workload")).path("ts").asDouble());

        // names are JSON strings whatever they hold
        Path odd = tmp.resolve("odd.json");
        assertEquals(0, CliRun.of("export", "we\"ird\\\u0001 name=" + e, "--format", "timeline", "-o", odd.toString()).code());
        assertEquals("we\"ird\\\u0001 name", new ObjectMapper().readTree(odd.toFile()).path("traceEvents").get(0)
                .path("args").path("name").asText());

        assertOneErrorLine(CliRun.of("export", e.toString(), "--format", "timeline", "--phase", "boot", "-o",
                tmp.resolve("b.json").toString()), "capture 'e1000' has no phase 'boot'", "workload");
        assertFalse(Files.exists(tmp.resolve("b.json")), "nothing left behind");
        assertOneErrorLine(CliRun.of("export", e.toString(), "--format", "csv", "--phase", "workload", "-o",
                tmp.resolve("c").toString()), "--phase", "timeline");
        assertOneErrorLine(CliRun.of("export", e.toString(), "--format", "timeline", "-o", file.toString()),
                "refusing to overwrite");
    }

    @Test
    void aTimelineOfOnePhaseStartsWithTheLevelOfLinesAssertedBeforeItAndLeavesOutPhasesThatEndedThere() throws Exception {
        Path c = tmp.resolve("c");
        try (io.trapline.recorder.CaptureWriter w = io.trapline.recorder.CaptureWriter.create(c,
                TestCaptures.e1000Metadata())) {
            TestCaptures.mark(w, 10, io.trapline.recorder.MarkKind.PHASE_START, "before");
            w.append(50, io.trapline.recorder.EventType.INTX, 0, 0, 0, 0, 0, 1);
            TestCaptures.mark(w, 100, io.trapline.recorder.MarkKind.PHASE_END, "before");
            TestCaptures.mark(w, 100, io.trapline.recorder.MarkKind.PHASE_START, "workload");
            w.append(200, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0xC0, 0x80);
            w.append(250, io.trapline.recorder.EventType.INTX, 0, 0, 0, 0, 0, 0);
            TestCaptures.mark(w, 300, io.trapline.recorder.MarkKind.PHASE_END, "workload");
        }
        Path file = tmp.resolve("p.json");
        CliRun r = CliRun.of("export", c.toString(), "--format", "timeline", "--phase", "workload", "-o", file.toString());
        assertEquals(0, r.code(), r.err());
        List<JsonNode> events = new java.util.ArrayList<>();
        new ObjectMapper().readTree(file.toFile()).path("traceEvents").forEach(events::add);
        List<String> intx = events.stream().filter(x -> x.path("ph").asText().equals("C"))
                .map(x -> x.path("ts").asText() + "=" + x.path("args").path("level").asInt()).toList();
        assertEquals(List.of("0=1", "0.15=0"), intx, "asserted when the phase starts, deasserted 150 ns in");
        assertFalse(events.stream().anyMatch(x -> x.path("name").asText().equals("before")), "ended where it starts");
        assertEquals(0.2, only(events, x -> x.path("name").asText().equals("workload")).path("dur").asDouble(), 1e-9);
    }

    @Test
    void aTimelineKeepsEveryTrackApartHoweverManyPhasesAndOverlappingRequestsACaptureHas() throws Exception {
        Path c = tmp.resolve("many");
        try (io.trapline.recorder.CaptureWriter w = io.trapline.recorder.CaptureWriter.create(c,
                TestCaptures.e1000Metadata())) {
            for (int i = 0; i < 300; i++) {
                TestCaptures.mark(w, 10 + i, io.trapline.recorder.MarkKind.PHASE_START, "phase" + i);
            }
            for (int i = 0; i < 1200; i++) { // all open at once: a lane each
                TestCaptures.mark(w, 1000 + i, io.trapline.recorder.MarkKind.REQUEST_START, "r" + i + " GET /");
            }
            w.append(5000, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L);
            w.append(5001, io.trapline.recorder.EventType.INTX, 0, 0, 0, 0, 0, 1);
        }
        Path file = tmp.resolve("many.json");
        assertEquals(0, CliRun.of("export", c.toString(), "--format", "timeline", "-o", file.toString()).code());
        java.util.Map<Integer, List<String>> names = new java.util.HashMap<>();
        new ObjectMapper().readTree(file.toFile()).path("traceEvents").forEach(x -> {
            if (x.path("name").asText().equals("thread_name")) {
                names.computeIfAbsent(x.path("tid").asInt(), k -> new java.util.ArrayList<>())
                        .add(x.path("args").path("name").asText());
            }
        });
        assertEquals(300 + 1200 + 2, names.size(), "300 phases, 1,200 request lanes, accesses and interrupts");
        assertTrue(names.values().stream().allMatch(n -> n.size() == 1), "each track named once");
    }

    private static JsonNode only(List<JsonNode> events, java.util.function.Predicate<JsonNode> which) {
        List<JsonNode> found = events.stream().filter(which).toList();
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    @Test
    void exportWritesParquetArrowCsvAndPcap() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        CliRun pq = CliRun.of("export", e.toString(), "--format", "parquet", "-o", tmp.resolve("pq").toString());
        assertEquals(0, pq.code(), pq.err());
        assertTrue(Files.exists(tmp.resolve("pq/packets/capture=e1000")), list(tmp.resolve("pq")));
        // readable back by DuckDB
        CliRun back = CliRun.of("sql", e.toString(), "-e", "SELECT 1", "--format", "csv");
        assertEquals(0, back.code());
        CliRun csv = CliRun.of("export", e.toString(), "--format", "csv", "-o", tmp.resolve("csv").toString());
        assertEquals(0, csv.code(), csv.err());
        List<String> lines = Files.readAllLines(tmp.resolve("csv/packets.csv"));
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).startsWith("capture,packet,seq"), lines.get(0));
        long rows = 0;
        try (var files = Files.list(tmp.resolve("csv"))) {
            for (Path f : files.toList()) {
                rows += Files.readAllLines(f).size() - 1; // less the header
            }
        }
        assertTrue(rows > 0 && csv.out().startsWith("csv: " + rows + " rows written"), rows + " rows; " + csv.out());
        CliRun arrow = CliRun.of("export", e.toString(), "--format", "arrow", "-o", tmp.resolve("arrow").toString());
        assertEquals(0, arrow.code(), arrow.err());
        assertTrue(Files.size(tmp.resolve("arrow/exits.arrow")) > 0);
        Path pcap = tmp.resolve("frames.pcap");
        CliRun p = CliRun.of("export", e.toString(), "--format", "pcap", "-o", pcap.toString());
        assertEquals(0, p.code(), p.err());
        byte[] b = Files.readAllBytes(pcap);
        assertEquals(24 + 2 * 16 + 54 + 54, b.length);
        assertEquals((byte) 0xD4, b[0]);
        assertEquals(1, b[20], "link type Ethernet");
        // several captures: pcapng, an interface per capture named after it, each frame on its capture's interface
        Path v = TestCaptures.virtio(tmp.resolve("virtio"));
        Path two = tmp.resolve("two.pcap");
        CliRun p2 = CliRun.of("export", e.toString(), v.toString(), "--format", "pcap", "-o", two.toString());
        assertEquals(0, p2.code(), p2.err());
        java.nio.ByteBuffer d = java.nio.ByteBuffer.wrap(Files.readAllBytes(two)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<String> interfaces = new java.util.ArrayList<>();
        List<Integer> frameInterfaces = new java.util.ArrayList<>();
        for (int at = 0; at < d.limit(); ) {
            int type = d.getInt(at);
            int length = d.getInt(at + 4);
            assertEquals(0, length % 4);
            assertEquals(length, d.getInt(at + length - 4), "a block ends with its length");
            if (at == 0) {
                assertEquals(0x0A0D0D0A, type, "section header first");
                assertEquals(0x1A2B3C4D, d.getInt(8), "byte-order magic");
            } else if (type == 1) {
                assertEquals(1, d.getShort(at + 8), "link type Ethernet");
                assertEquals(2, d.getShort(at + 16), "if_name first");
                byte[] name = new byte[d.getShort(at + 18)];
                d.get(at + 20, name);
                interfaces.add(new String(name, StandardCharsets.UTF_8));
            } else if (type == 6) {
                int iface = d.getInt(at + 8);
                assertTrue(iface < interfaces.size(), "an interface described before its frames");
                frameInterfaces.add(iface);
                assertEquals(0x08, d.get(at + 28 + 12), "an IPv4 Ethernet frame");
            } else {
                fail("unexpected block type " + type);
            }
            at += length;
        }
        assertEquals(List.of("e1000", "virtio"), interfaces);
        assertEquals(List.of(0, 0, 1, 1, 1), frameInterfaces, "2 frames of e1000, then 3 of virtio");
        // never into a capture, never over existing files
        assertOneErrorLine(CliRun.of("export", e.toString(), "--format", "csv", "-o", e.resolve("out").toString()),
                "inside capture");
        assertOneErrorLine(CliRun.of("export", e.toString(), "--format", "csv", "-o", tmp.resolve("csv").toString()),
                "not empty");
    }

    @Test
    void analyzeSaysWhenACaptureWithoutPhasesIsMeasuredWhole() throws Exception {
        Path marked = TestCaptures.e1000(tmp.resolve("marked"));
        Path bare = tmp.resolve("bare"); // as an import without --phases: frames and accesses, no marks
        try (io.trapline.recorder.CaptureWriter w = io.trapline.recorder.CaptureWriter.create(bare,
                io.trapline.analysis.TestCaptures.e1000Metadata())) {
            w.append(500, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0x80080783L);
            TestCaptures.frame(w, 1_000, false, TestCaptures.tcp("10.0.2.2", "10.0.2.15", 40000, 80, TestCaptures.SYN, 0));
        }
        CliRun both = CliRun.of("analyze", marked.toString(), bare.toString());
        assertEquals(0, both.code(), both.err());
        assertTrue(both.out().contains("(whole capture)"), both.out());
        List<String> notes = both.err().lines().toList();
        assertEquals(1, notes.size(), both.err());
        assertTrue(notes.get(0).contains("'bare' marks no window or workload phase")
                && notes.get(0).contains("--phases"), notes.get(0));
        CliRun one = CliRun.of("analyze", marked.toString());
        assertEquals("", one.err());
    }

    @Test
    void badInputsAreOneLine() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        assertOneErrorLine(CliRun.of("sql", e.toString(), "-e", "SELECT nope FROM events"), "nope");
        assertOneErrorLine(CliRun.of("sql", e.toString(), "-e", "DROP TABLE events"));
        assertOneErrorLine(CliRun.of("sql", e.toString(), "-q", "no-such-query"), "no-such-query");
        assertOneErrorLine(CliRun.of("analyze", e.toString(), "--profile", "xen"), "unknown profile 'xen'");
        assertOneErrorLine(CliRun.of("analyze", e.toString(), "--phase", "boot"), "no phase 'boot'", "workload");
        Path quiet = TestCaptures.noPackets(tmp.resolve("quiet"));
        assertOneErrorLine(CliRun.of("analyze", quiet.toString()), "quiet", "no packets");
        assertOneErrorLine(CliRun.of("analyze", tmp.resolve("missing").toString()), "missing");
        assertOneErrorLine(CliRun.of("analyze", e.toString(), e.toString()), "two captures are named 'e1000'");
        assertOneErrorLine(CliRun.of("analyze", e.toString(), "--cost", "mmio=fast"), "not a number");
        assertOneErrorLine(CliRun.of("sql"), "CAPTURE");
        assertOneErrorLine(CliRun.of("export", e.toString(), "--format", "xml", "-o", "x"), "--format");
    }

    private static String list(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(Path::toString).reduce("", (a, b) -> a + "\n" + b);
        }
    }
}
