package io.trapline.cli;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A recording whose writer failed part way: capture.json left at "recording" declaring fewer events than the queue
 * file holds, and the queue file garbage from an event past those on. Every command that reads the events reads up
 * to that point, as from a capture that ends there, and says in one warning line on stderr that the capture is
 * incomplete and where and why its events end.
 */
class IncompleteCaptureCommandsTest {
    @TempDir
    Path tmp;

    /** The recording as it was written, and the damaged copy. */
    Path whole;
    Path cap;
    /** Events before the garbage: the sequence of the first unreadable event. */
    long readable;

    @BeforeEach
    void recordAndDamage() throws Exception {
        whole = tmp.resolve("whole");
        CliRun rec = CliRun.of("record", "--nic", "e1000", "--requests", "3x1024", "-o", whole.toString());
        assertEquals(0, rec.code(), rec.err());
        cap = tmp.resolve("failed");
        copy(whole, cap);
        // the garbage starts at a register access after the workload's first frames (the guest boots first): the
        // events before it are whole transactions
        long time = -1;
        int frames = 0;
        try (CaptureReader r = CaptureReader.open(whole); EventCursor c = r.cursor()) {
            while (c.next()) {
                frames += c.type() == EventType.FRAME_RX || c.type() == EventType.FRAME_TX ? 1 : 0;
                if (frames >= 10 && c.type().role() == EventType.Role.ACCESS) {
                    readable = c.sequence();
                    time = c.timeNs();
                    break;
                }
            }
        }
        assertTrue(time >= 0);
        CaptureMetadata meta = CaptureMetadata.readFrom(cap);
        meta.withEvents(CaptureMetadata.STATUS_RECORDING, new CaptureMetadata.EventSummary(readable / 2, 0, 0)).writeTo(cap);
        Path file;
        try (Stream<Path> files = Files.list(cap.resolve("events"))) {
            file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] all = Files.readAllBytes(file);
        byte[] header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(readable).putLong(time).array();
        int at = indexOf(all, header);
        byte[] garbage = new byte[8192];
        new Random(5).nextBytes(garbage);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(garbage);
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    private static int indexOf(byte[] all, byte[] part) {
        int found = -1;
        for (int i = 0; i + part.length <= all.length; i++) {
            if (java.util.Arrays.equals(all, i, i + part.length, part, 0, part.length)) {
                assertEquals(-1, found, "one event has this sequence and time");
                found = i;
            }
        }
        assertTrue(found >= 0, "event header found");
        return found;
    }

    /** The one warning line a command gives about the capture. */
    private void assertWarnsOnce(String command, CliRun r) {
        String prefix = "trapline " + command + ": warning: " + cap + " is incomplete: its events end after " + readable
                + ", where the queue file becomes unreadable (corrupt event at sequence " + readable + " ";
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith(prefix), r.err());
        assertTrue(r.err().strip().endsWith(")"), r.err());
    }

    /**
     * A recording stopped part way (Ctrl-C) leaves capture.json at "recording" with every event readable: each
     * command reads it all and says, in one line, that it is incomplete.
     */
    @Test
    void anIncompleteButReadableCaptureGetsOneWarningFromEveryCommand() throws Exception {
        Path stopped = tmp.resolve("stopped");
        copy(whole, stopped);
        CaptureMetadata.readFrom(stopped).withEvents(CaptureMetadata.STATUS_RECORDING, null).writeTo(stopped);
        String[][] commands = {
                {"analyze", stopped.toString()},
                {"replay", stopped.toString()},
                {"inspect", stopped.toString(), "--limit", "3"},
                {"sql", stopped.toString(), "-e", "select count(*) from events"},
                {"diff", stopped.toString(), whole.toString()},
                {"export", stopped.toString(), "--format", "pcap", "-o", tmp.resolve("stopped.pcap").toString()},
        };
        for (String[] c : commands) {
            CliRun r = CliRun.of(c);
            assertEquals(0, r.code(), String.join(" ", c) + ": " + r.err());
            List<String> lines = r.err().lines().toList();
            assertEquals(1, lines.size(), String.join(" ", c) + ": " + r.err());
            assertTrue(lines.get(0).startsWith("trapline " + c[0] + ": warning: " + stopped
                    + " is incomplete: its writer did not close"), lines.get(0));
        }
        assertEquals("", CliRun.of("analyze", whole.toString()).err(), "a complete capture gets no warning");
    }

    @Test
    void inspectPrintsTheEventsBeforeTheUnreadableTailAndWarns() {
        CliRun r = CliRun.of("inspect", cap.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(CliRun.of("inspect", whole.toString(), "--limit", String.valueOf(readable)).out(), r.out(),
                "the events up to the unreadable tail, as the whole recording has them");
        assertWarnsOnce("inspect", r);

        CliRun json = CliRun.of("inspect", cap.toString(), "--format", "json", "--from", "5");
        assertEquals(0, json.code(), json.err());
        assertEquals(readable - 5, json.out().lines().count());
        assertWarnsOnce("inspect", json);

        CliRun some = CliRun.of("inspect", cap.toString(), "--limit", "3");
        assertEquals(0, some.code(), some.err());
        assertEquals("trapline inspect: warning: " + cap + " is incomplete: its writer did not close (an interrupted or"
                + " failed recording or import); what was read covers only the events it holds\n", some.err(),
                "a scan that stops before the tail has nothing to say about the tail, but the capture is still incomplete");
    }

    @Test
    void exportWritesTheEventsBeforeTheUnreadableTailAndWarnsOnce() throws Exception {
        long frames = 0;
        try (CaptureReader r = CaptureReader.open(whole); EventCursor c = r.cursor()) {
            while (c.next() && c.sequence() < readable) {
                if ((c.type() == EventType.FRAME_RX || c.type() == EventType.FRAME_TX)
                        && (c.flags() & EventFlags.REFUSED) == 0) {
                    frames++;
                }
            }
        }
        assertTrue(frames > 0);
        Path pcap = tmp.resolve("frames.pcap");
        CliRun r = CliRun.of("export", cap.toString(), "--format", "pcap", "-o", pcap.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("pcap: " + frames + " frames written to " + pcap + "\n", r.out());
        assertWarnsOnce("export", r);

        for (String format : new String[] {"csv", "arrow"}) {
            Path dir = tmp.resolve(format);
            CliRun t = CliRun.of("export", cap.toString(), "--format", format, "-o", dir.toString());
            assertEquals(0, t.code(), t.err());
            assertWarnsOnce("export", t); // every table reads the events: still one line
        }
        assertEquals(readable + 1, Files.readAllLines(tmp.resolve("csv").resolve("events.csv")).size());
    }

    @Test
    void replayReplaysTheEventsBeforeTheUnreadableTailAndWarns() {
        CliRun r = CliRun.of("replay", cap.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith(String.format(java.util.Locale.ROOT, "replayed %,d events ", readable)), r.out());
        assertTrue(r.out().contains("0 divergences"), r.out());
        assertWarnsOnce("replay", r);

        CliRun json = CliRun.of("replay", cap.toString(), "--format", "json");
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().contains("\"events\" : " + readable + ","), json.out());
        assertWarnsOnce("replay", json);
    }

    @Test
    void diffComparesTheEventsBeforeTheUnreadableTailAndWarns() {
        CliRun against = CliRun.of("diff", whole.toString(), cap.toString());
        assertEquals(1, against.code(), against.out() + against.err());
        assertTrue(against.out().contains("B ends; A goes on"), against.out());
        assertWarnsOnce("diff", against);

        CliRun itself = CliRun.of("diff", cap.toString(), cap.toString());
        assertEquals(0, itself.code(), itself.out() + itself.err());
        assertWarnsOnce("diff", itself); // one line for the capture, though both scans ended there
    }

    @Test
    void sqlAndAnalyzeWarnOncePerCapture() {
        CliRun r = CliRun.of("sql", cap.toString(), "--format", "csv", "-e",
                "SELECT count(*) AS n FROM events; SELECT count(*) AS n FROM events");
        assertEquals(0, r.code(), r.err());
        assertEquals("n\n" + readable + "\nn\n" + readable + "\n", r.out());
        assertWarnsOnce("sql", r);

        CliRun describe = CliRun.of("sql", cap.toString(), "-e", "DESCRIBE events");
        assertEquals(0, describe.code(), describe.err());
        assertTrue(describe.err().lines().count() == 1 && describe.err().contains(" is incomplete: its writer did not close"),
                "a statement that reads no events has nothing to say about where they end, only that the capture is"
                        + " incomplete: " + describe.err());

        CliRun a = CliRun.of("analyze", cap.toString());
        assertEquals(0, a.code(), a.err());
        assertWarnsOnce("analyze", a);
    }

    @Test
    void theSqlShellWarnsAfterTheFirstStatementThatReadsTheEvents() throws Exception {
        picocli.CommandLine sql = new picocli.CommandLine(new Trapline()).getSubcommands().get("sql");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        sql.setOut(new java.io.PrintWriter(out, true));
        sql.setErr(new java.io.PrintWriter(err, true));
        String input = "SELECT 1 AS one;\nSELECT count(*) AS n FROM events;\nSELECT count(*) AS n FROM accesses;\n.quit\n";
        try (io.trapline.sql.SqlSession s = io.trapline.sql.SqlSession.open(
                java.util.List.of(io.trapline.analysis.CaptureSource.parse(cap.toString())),
                io.trapline.analysis.AnalysisOptions.defaults())) {
            SqlShell shell = new SqlShell(s, TableFormat.csv, sql.getOut(), new UnreadableTailWarnings(sql.getCommandSpec()));
            assertEquals(0, shell.run(new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    sql.getErr()));
        }
        assertTrue(out.toString().contains("n\n" + readable + "\n"), out.toString());
        assertWarnsOnce("sql", new CliRun(0, out.toString(), err.toString()));
    }
}
