package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureException;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged copies of the real e1000 run (its first 60,000 trace lines: boot, PCI enumeration, driver probe):
 * garbage and binary junk lines, a truncated pcap, a bad phases line. Every damaged line is counted and listed
 * with its line number, the rest imports as from the clean copy, and --strict stops at the first with file:line.
 * A truncated or corrupt compressed trace or pcap is refused as a whole: nothing is imported.
 */
class DamagedInputTest {
    static final int LINES = 60_000;
    static List<String> clean;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readRealTrace() throws IOException {
        Path xz = SharedCapturesImportTest.sharedRuns().resolve("e1000").resolve("trace.log.xz");
        clean = new ArrayList<>(LINES);
        try (InputStream in = new XZInputStream(Files.newInputStream(xz))) {
            String[] all = new String(in.readNBytes(16 << 20), StandardCharsets.US_ASCII).split("\n", LINES + 1);
            clean.addAll(Arrays.asList(all).subList(0, LINES));
        }
    }

    private Path write(String name, List<String> lines) throws IOException {
        Path p = tmp.resolve(name);
        byte[] text = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        try (OutputStream out = name.endsWith(".gz") ? new GZIPOutputStream(Files.newOutputStream(p))
                : name.endsWith(".xz") ? new XZOutputStream(Files.newOutputStream(p), new LZMA2Options(1))
                : Files.newOutputStream(p)) {
            out.write(text);
        }
        return p;
    }

    private ImportReport importTrace(Path trace, String out) {
        return QemuTraceImporter.run(QemuImportOptions.of(trace, tmp.resolve(out)));
    }

    @Test
    void garbageLinesAreCountedWithTheirLineNumbersAndTheRestImportsUnchanged() throws IOException {
        ImportReport good = importTrace(write("clean.log.gz", clean), "clean");
        assertEquals(0, good.malformedCount());

        List<String> damaged = new ArrayList<>(clean);
        // inserted (1-based line numbers in the damaged file): 101, 5001, 30001, 40001
        damaged.add(100, "this is not a trace line");
        damaged.add(5000, "14155@1795635735.12x456:memory_region_ops_read cpu 0");
        damaged.add(30000, "14155@1795635736.000001:memory_region_ops_write cpu 0 mr 0x1 addr 0xzz value 0x1 size 4 name 'x'");
        damaged.add(40000, "14155@1795635736.000001:pci_update_mappings_add e1000 00:03.0 9,0xfebc0000+0x20000");
        ImportReport r = importTrace(write("damaged.log.gz", damaged), "damaged");

        assertEquals(4, r.malformedCount(), r.summary());
        assertEquals(List.of(101L, 5001L, 30001L, 40001L), r.malformed().stream().map(MalformedLine::line).toList());
        assertTrue(r.malformed().get(0).reason().contains("prefix"), r.malformed().get(0).toString());
        assertTrue(r.malformed().get(2).reason().contains("hex"), r.malformed().get(2).toString());
        assertEquals(clean.size() + 4, r.lines());
        assertEquals(good.eventsByType(), r.eventsByType(), "the good lines import exactly as before");
    }

    @Test
    void binaryJunkIsReportedNeverImportedAndNeverCrashes() throws IOException {
        List<String> damaged = new ArrayList<>(clean);
        Random rnd = new Random(8);
        byte[] junk = new byte[300];
        rnd.nextBytes(junk);
        for (int i = 0; i < junk.length; i++) {
            if (junk[i] == '\n') {
                junk[i] = 0;
            }
        }
        junk[7] = 1; // at least one control byte
        damaged.add(2000, new String(junk, StandardCharsets.ISO_8859_1));
        char[] longLine = new char[LineReader.MAX_LINE + 5000];
        Arrays.fill(longLine, 'a');
        damaged.add(3000, new String(longLine));
        ImportReport r = importTrace(write("junk.log", damaged), "junk");
        assertEquals(2, r.malformedCount(), r.summary());
        assertEquals(2001, r.malformed().get(0).line());
        assertTrue(r.malformed().get(0).reason().startsWith("binary"), r.malformed().get(0).toString());
        assertEquals(3001, r.malformed().get(1).line());
        assertTrue(r.malformed().get(1).reason().contains("longer"), r.malformed().get(1).toString());
        assertEquals(clean.size() + 2, r.lines());
    }

    @Test
    void randomlyCorruptedLinesAreEachEitherImportedOrReported() throws IOException {
        Random rnd = new Random(42);
        List<String> damaged = new ArrayList<>(clean.subList(0, 20_000));
        for (int k = 0; k < 300; k++) {
            int i = rnd.nextInt(damaged.size());
            char[] c = damaged.get(i).toCharArray();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips && c.length > 0; f++) {
                c[rnd.nextInt(c.length)] = (char) (0x20 + rnd.nextInt(0x5f));
            }
            damaged.set(i, new String(c));
        }
        ImportReport r = importTrace(write("fuzz.log", damaged), "fuzz");
        assertEquals(damaged.size(), r.lines());
        assertTrue(r.malformedCount() > 0 && r.malformedCount() <= 300, r.summary());
        try (CaptureReader reader = CaptureReader.open(tmp.resolve("fuzz"))) {
            assertEquals(r.eventsWritten(), reader.countByType().values().stream().mapToLong(Long::longValue).sum());
        }
    }

    /** A compressed file cut short, where the import's capture would go, and whether to import it with --strict. */
    private record Cut(Path file, Path out, boolean strict) {
    }

    /**
     * {@code bytes} of the compressed file {@code name} cut past the middle, and with only the last byte (the stream's
     * check) missing, imported with --strict: both written next to the test's other files.
     */
    private List<Cut> cuts(byte[] bytes, String name) throws IOException {
        List<Cut> cuts = new ArrayList<>();
        for (int cutAt : new int[] {bytes.length * 6 / 10, bytes.length - 1}) {
            Path file = tmp.resolve("cut-" + cutAt + "-" + name);
            Files.write(file, Arrays.copyOf(bytes, cutAt));
            cuts.add(new Cut(file, tmp.resolve("out-" + cutAt + "-" + name), cutAt == bytes.length - 1));
        }
        return cuts;
    }

    /** The compression a file name's extension stands for, as error messages name it. */
    private static String kind(String name) {
        return name.endsWith(".xz") ? "xz" : "gzip";
    }

    @Test
    void aTruncatedXzOrGzipStreamIsRefusedNamingTheFileAndLeavesNoCapture() throws IOException {
        for (String name : List.of("full.log.xz", "full.log.gz")) {
            byte[] bytes = Files.readAllBytes(write(name, clean.subList(0, 20_000)));
            for (Cut cut : cuts(bytes, name)) {
                CaptureException e = assertThrows(CaptureException.class, () ->
                        QemuTraceImporter.run(QemuImportOptions.of(cut.file(), cut.out()).withStrict(cut.strict())));
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                assertTrue(e.getMessage().startsWith(cut.file() + ": truncated " + kind(name)
                        + " data: the stream breaks off after line "), e.getMessage());
                assertTrue(e.getMessage().endsWith("; nothing imported"), e.getMessage());
                assertFalse(Files.exists(cut.out()), "no capture is left behind: " + cut.out());
            }
        }
    }

    @Test
    void aCorruptXzStreamIsRefusedLikeATruncatedOne() throws IOException {
        Path full = write("full.log.xz", clean.subList(0, 5000));
        byte[] bytes = Files.readAllBytes(full);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
            bytes[i] ^= 0x5a;
        }
        Path bad = tmp.resolve("bad.log.xz");
        Files.write(bad, bytes);
        CaptureException e = assertThrows(CaptureException.class, () -> importTrace(bad, "bad"));
        assertTrue(e.getMessage().startsWith(bad + ": corrupt xz data after line "), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("bad")));
    }

    @Test
    void strictStopsAtTheFirstMalformedLineNamingFileAndLine() throws IOException {
        List<String> damaged = new ArrayList<>(clean.subList(0, 10_000));
        damaged.add(1234, "garbage!");
        damaged.add(5000, "more garbage!");
        Path p = write("strict.log", damaged);
        CaptureException e = assertThrows(CaptureException.class, () ->
                QemuTraceImporter.run(QemuImportOptions.of(p, tmp.resolve("strict")).withStrict(true)));
        assertTrue(e.getMessage().startsWith(p + ":1235: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertFalse(Files.exists(tmp.resolve("strict")));
    }

    /** A plain pcap whose last record is cut short (a capture stopped while writing): a warning, its frames kept. */
    @Test
    void aPcapCutInsideItsLastRecordIsAWarningAndItsFramesBeforeTheCutAreImported() throws IOException {
        Path run = SharedCapturesImportTest.sharedRuns().resolve("e1000");
        byte[] pcap = Files.readAllBytes(run.resolve("packets.pcap"));
        Path cutPcap = tmp.resolve("cut.pcap");
        Files.write(cutPcap, Arrays.copyOf(pcap, 5000));
        Path trace = write("t.log", clean.subList(0, 5000));

        ImportReport r = QemuTraceImporter.run(QemuImportOptions.of(trace, tmp.resolve("o"))
                .withPcap(cutPcap).withPhases(run.resolve("phases.txt")));
        assertEquals(0, r.malformedCount(), r.summary());
        List<String> pcapWarnings = r.warnings().stream().filter(w -> w.startsWith("--pcap: ")).toList();
        assertEquals(1, pcapWarnings.size(), r.warnings().toString());
        String w = pcapWarnings.get(0);
        assertTrue(w.startsWith("--pcap: " + cutPcap + ": the pcap ends inside record "), w);
        assertTrue(w.contains(" at byte offset ") && w.contains(" frame bytes)"), w);
        assertTrue(w.endsWith(" The " + r.frames() + " records before it are imported"), w);
        assertTrue(r.frames() > 0, "frames before the cut are kept");

        CaptureException e = assertThrows(PcapFileException.class, () -> QemuTraceImporter.run(
                QemuImportOptions.of(trace, tmp.resolve("strict")).withPcap(cutPcap).withStrict(true)));
        assertTrue(e.getMessage().startsWith(cutPcap + ": the pcap ends inside record ")
                && e.getMessage().endsWith("(--strict)"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("strict")));
    }

    /**
     * A record no pcap writer produces (an absurd length, a time stamp fraction of a second or more), first or later:
     * the pcap is refused naming the record and its offset, before the capture is made. Neither the alignment (which
     * would see no SYN in it) nor --allow-unaligned-pcap hides it.
     */
    @Test
    void aDamagedPcapRecordIsRefusedNamingTheRecordAndItsOffset() throws IOException {
        Path run = SharedCapturesImportTest.sharedRuns().resolve("e1000");
        byte[] pcap = Files.readAllBytes(run.resolve("packets.pcap"));
        Path trace = write("t.log", clean.subList(0, 5000));
        int second = 24 + 16 + (pcap[24 + 8] & 0xff | (pcap[24 + 9] & 0xff) << 8);
        Object[][] cases = {
                {24 + 8, 0x7fffffff, "record 1 at byte offset 24: frame length 2147483647 exceeds 262144 bytes"},
                {24 + 8, 0, "record 1 at byte offset 24: frame length 0 is shorter than an Ethernet header"},
                {24 + 4, 0xffffffff, "record 1 at byte offset 24: time stamp fraction 4294967295 us is a second or more"},
                {second + 8, 0x7fffffff, "record 2 at byte offset " + second + ": frame length 2147483647"}};
        for (Object[] c : cases) {
            byte[] bad = pcap.clone();
            java.nio.ByteBuffer.wrap(bad).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) c[0], (int) c[1]);
            Path file = tmp.resolve("bad.pcap");
            Files.write(file, bad);
            for (boolean allow : new boolean[] {false, true}) {
                Path out = tmp.resolve("o-" + allow);
                CaptureException e = assertThrows(PcapFileException.class, () -> QemuTraceImporter.run(
                        QemuImportOptions.of(trace, out).withPcap(file).withPhases(run.resolve("phases.txt"))
                                .withAllowUnalignedPcap(allow)));
                assertTrue(e.getMessage().startsWith(file + ": " + c[2]), e.getMessage());
                assertTrue(e.getMessage().endsWith("; not a pcap record (a damaged file?), nothing imported"),
                        e.getMessage());
                assertFalse(Files.exists(out), "no capture is left behind");
            }
        }
    }

    /**
     * Unlike a plain pcap cut short inside its last record (above: its frames are kept, with a warning), a compressed
     * one whose stream breaks off or does not decode is refused as a compressed trace is.
     */
    @Test
    void aTruncatedOrCorruptCompressedPcapIsRefusedNamingTheFileAndLeavesNoCapture() throws IOException {
        Path run = SharedCapturesImportTest.sharedRuns().resolve("e1000");
        byte[] pcap = Files.readAllBytes(run.resolve("packets.pcap"));
        Path trace = write("t.log", clean.subList(0, 5000));
        for (String name : List.of("packets.pcap.gz", "packets.pcap.xz")) {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (OutputStream out = name.endsWith(".gz") ? new GZIPOutputStream(compressed)
                    : new XZOutputStream(compressed, new LZMA2Options(1))) {
                out.write(pcap);
            }
            byte[] bytes = compressed.toByteArray();
            for (Cut cut : cuts(bytes, name)) {
                CaptureException e = assertThrows(CaptureException.class, () -> QemuTraceImporter.run(
                        QemuImportOptions.of(trace, cut.out()).withPcap(cut.file()).withStrict(cut.strict())));
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                String prefix = cut.file() + ": truncated " + kind(name) + " data: the stream breaks off after record ";
                assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
                assertTrue(e.getMessage().endsWith("; nothing imported"), e.getMessage());
                long lastWhole = Long.parseLong(e.getMessage().substring(prefix.length(), e.getMessage().indexOf(';')));
                assertTrue(lastWhole > 0, e.getMessage());
                assertFalse(Files.exists(cut.out()), "no capture is left behind: " + cut.out());
            }
            for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
                bytes[i] ^= 0x5a;
            }
            Path bad = tmp.resolve("bad-" + name);
            Files.write(bad, bytes);
            Path out = tmp.resolve("out-bad-" + name);
            CaptureException e = assertThrows(CaptureException.class, () -> QemuTraceImporter.run(
                    QemuImportOptions.of(trace, out).withPcap(bad)));
            assertTrue(e.getMessage().startsWith(bad + ": corrupt " + kind(name) + " data after record "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; nothing imported"), e.getMessage());
            assertFalse(Files.exists(out), "no capture is left behind: " + out);
        }
    }

    @Test
    void aMalformedPhasesFileIsRefusedNamingFileLineAndTheFormBeforeAnythingIsWritten() throws IOException {
        Path run = SharedCapturesImportTest.sharedRuns().resolve("e1000");
        Path trace = write("t.log", clean.subList(0, 5000));
        List<String> good = Files.readAllLines(run.resolve("phases.txt"));
        List<String[]> bad = List.of(
                new String[] {"idle_start not-a-time", "bad time 'not-a-time'"},
                new String[] {"idle_start", "'idle_start' is not 'name seconds'"},
                new String[] {"idle start 1795635744.6", "'idle start 1795635744.6' is not 'name seconds'"},
                new String[] {"idle_start -1795635744.6", "bad time '-1795635744.6'"},
                new String[] {"idle_start 1795635744,6", "bad time '1795635744,6'"});
        for (String[] b : bad) {
            Path phases = tmp.resolve("phases.txt");
            List<String> ph = new ArrayList<>(good);
            ph.add(2, "# a comment and a blank line are fine");
            ph.add(3, "");
            ph.add(4, b[0]);
            Files.write(phases, ph);
            Path out = tmp.resolve("o");
            PhasesFileException e = assertThrows(PhasesFileException.class, () ->
                    QemuTraceImporter.run(QemuImportOptions.of(trace, out).withPhases(phases)));
            assertTrue(e.getMessage().startsWith(phases + ":5: " + b[1] + " "), e.getMessage());
            assertTrue(e.getMessage().contains("'name seconds'") && e.getMessage().contains("e.g. 'work_start "),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertFalse(Files.exists(out), "refused before the capture is made");
        }
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9_start 1795635744.6\n".getBytes(StandardCharsets.ISO_8859_1));
        PhasesFileException e = assertThrows(PhasesFileException.class, () ->
                QemuTraceImporter.run(QemuImportOptions.of(trace, tmp.resolve("o")).withPhases(latin1)));
        assertEquals(latin1 + ": not UTF-8 text", e.getMessage());
    }
}
