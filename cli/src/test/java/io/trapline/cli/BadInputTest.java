package io.trapline.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Each bad input: exit code 2, exactly one line on stderr naming the file or flag, no stack trace. */
class BadInputTest {
    @TempDir
    Path tmp;

    private static void assertOneErrorLine(CliRun r, String... mentions) {
        assertEquals(2, r.code(), "exit code; stderr: " + r.err());
        String err = r.err().strip();
        assertFalse(err.isEmpty());
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        for (String m : mentions) {
            assertTrue(err.contains(m), "'" + err + "' should mention '" + m + "'");
        }
    }

    @Test
    void fidelityWithoutRealRunsOrWithAnUnknownRun() throws Exception {
        assertOneErrorLine(CliRun.of("fidelity", "--captures", tmp.resolve("missing").toString()), "--captures", "missing");
        assertOneErrorLine(CliRun.of("fidelity", "--captures", tmp.toString()), "--captures", "no runs");
        Path run = Files.createDirectories(tmp.resolve("virtio"));
        for (String f : new String[] {"trace.log.xz", "phases.txt", "packets.pcap"}) {
            Files.writeString(run.resolve(f), "");
        }
        assertOneErrorLine(CliRun.of("fidelity", "--captures", tmp.toString(), "--runs", "virtio,e1000"), "--runs", "'e1000'",
                "runs there: virtio");
        // a trace with no NIC in it, beside a real pcap and phases: one line naming the trace
        Path shared = Path.of(System.getProperty("trapline.shared.dir", "../shared"), "captures", "qemu-7.2-tcg", "virtio");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shared), "shared captures not present");
        Files.copy(shared.resolve("packets.pcap"), run.resolve("packets.pcap"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(shared.resolve("phases.txt"), run.resolve("phases.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (var out = new org.tukaani.xz.XZOutputStream(Files.newOutputStream(run.resolve("trace.log.xz")),
                new org.tukaani.xz.LZMA2Options())) {
            out.write("not a trace line\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertOneErrorLine(CliRun.of("fidelity", "--captures", tmp.toString()), run.resolve("trace.log.xz").toString(),
                "no e1000 or virtio-net NIC");
    }

    @Test
    void missingPath() {
        assertOneErrorLine(CliRun.of("info", tmp.resolve("missing").toString()), "missing", "does not exist");
        assertOneErrorLine(CliRun.of("inspect", tmp.resolve("missing").toString()), "missing");
    }

    @Test
    void directoryThatIsNotACapture() {
        assertOneErrorLine(CliRun.of("info", tmp.toString()), tmp.toString(), "capture.json");
    }

    @Test
    void malformedCaptureJson() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Files.writeString(cap.resolve("capture.json"), "{ not json");
        assertOneErrorLine(CliRun.of("info", cap.toString()), "capture.json", "malformed JSON");
    }

    @Test
    void unknownFormatVersion() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path json = cap.resolve("capture.json");
        Files.writeString(json, Files.readString(json).replace("\"major\" : " + io.trapline.recorder.CaptureMetadata.FORMAT_MAJOR, "\"major\" : 9"));
        assertOneErrorLine(CliRun.of("inspect", cap.toString()), "capture.json",
                "version 9." + io.trapline.recorder.CaptureMetadata.FORMAT_MINOR);
    }

    @Test
    void truncatedQueueFile() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path file = queueFile(cap);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() / 1000);
        }
        assertOneErrorLine(CliRun.of("info", cap.toString()), file.getFileName().toString());
    }

    @Test
    void emptyQueueFileIsReportedAtOnce() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path file = queueFile(cap);
        Files.write(file, new byte[0]);
        assertOneErrorLine(CliRun.of("info", cap.toString()), file.getFileName().toString(), "the queue file is empty");
    }

    @Test
    void bitFlippedQueueFile() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path file = queueFile(cap);
        byte[] all = Files.readAllBytes(file);
        int at = -1;
        for (int i = 0; i + 4 <= all.length; i++) { // the STATUS read value 0x80080783, little-endian
            if ((all[i] & 0xFF) == 0x83 && (all[i + 1] & 0xFF) == 0x07 && (all[i + 2] & 0xFF) == 0x08 && (all[i + 3] & 0xFF) == 0x80) {
                at = i;
                break;
            }
        }
        assertTrue(at > 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(0x82);
        }
        assertOneErrorLine(CliRun.of("inspect", cap.toString()), file.getFileName().toString(), "sequence 1", "checksum");
    }

    @Test
    void badFlags() {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        assertOneErrorLine(CliRun.of("inspect", cap.toString(), "--type", "mmio_reed"), "--type", "mmio_reed");
        assertOneErrorLine(CliRun.of("inspect", cap.toString(), "--limit", "lots"), "--limit");
        assertOneErrorLine(CliRun.of("inspect", cap.toString(), "--from", "-3"), "--from");
        assertOneErrorLine(CliRun.of("info", cap.toString(), "--format", "xml"), "--format");
        assertOneErrorLine(CliRun.of("info"), "CAPTURE");
        assertOneErrorLine(CliRun.of("frobnicate"), "frobnicate");
    }

    @Test
    void anEmptyPathIsNotTheCurrentDirectory() {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        assertOneErrorLine(CliRun.of("info", ""), "CAPTURE", "empty path");
        assertOneErrorLine(CliRun.of("record", "--nic", "e1000", "--requests", "1x1", "-o", ""), "--output", "empty path");
        assertOneErrorLine(CliRun.of("export", cap.toString(), "--format", "csv", "-o", ""), "--output", "empty path");
        assertOneErrorLine(CliRun.of("import", "qemu", "--trace", cap.resolve("capture.json").toString(), "-o", ""),
                "--output", "empty path");
        assertOneErrorLine(CliRun.of("analyze", ""), "CAPTURE", "empty path");
        assertOneErrorLine(CliRun.of("sql", cap.toString(), "-f", ""), "--file", "empty path");
    }

    @Test
    void aStrayCommaInRequestsIsAnError() {
        assertOneErrorLine(CliRun.of("record", "--nic", "e1000", "--requests", "5x1024,", "-o", tmp.resolve("r").toString()),
                "--requests", "'5x1024,'", "empty request group");
        assertOneErrorLine(CliRun.of("record", "--nic", "e1000", "--requests", "5x1024,,1x1", "-o", tmp.resolve("r").toString()),
                "--requests");
        assertFalse(Files.exists(tmp.resolve("r")));
    }

    @Test
    void noSubcommandIsAUsageError() {
        CliRun top = CliRun.of();
        assertEquals(2, top.code());
        assertEquals("", top.out(), "usage goes to stderr, not into a pipe");
        assertTrue(top.err().startsWith("Usage: trapline"), top.err());
        CliRun imp = CliRun.of("import");
        assertEquals(2, imp.code());
        assertEquals("", imp.out());
        assertTrue(imp.err().startsWith("Usage: trapline import") && imp.err().contains("qemu"), imp.err());
        assertEquals(0, CliRun.of("--help").code(), "asking for help is not an error");
    }

    @Test
    void everyHelpTextFormats() {
        // picocli formats descriptions with String.format: a bare '%' makes it print a warning instead of the help
        java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(List.of(new picocli.CommandLine(new Trapline())));
        while (!todo.isEmpty()) {
            picocli.CommandLine cl = todo.pop();
            todo.addAll(cl.getSubcommands().values());
            var spec = cl.getCommandSpec();
            List<String> lines = new java.util.ArrayList<>(List.of(spec.usageMessage().description()));
            spec.options().forEach(o -> lines.addAll(List.of(o.description())));
            spec.positionalParameters().forEach(p -> lines.addAll(List.of(p.description())));
            for (String line : lines) {
                assertDoesNotThrow(() -> String.format(line), spec.qualifiedName() + ": " + line);
            }
        }
    }

    @Test
    void aPcapUnderAFileSaysTheFileIsNotADirectory() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Files.writeString(tmp.resolve("t.sh"), "#!/bin/sh\n");
        CliRun r = CliRun.of("export", cap.toString(), "--format", "pcap", "-o", tmp.resolve("t.sh/x.pcap").toString());
        assertOneErrorLine(r, "t.sh/x.pcap", tmp.resolve("t.sh") + " is not a directory");
    }

    /** A copy of a small capture whose STATUS read value has one bit flipped: its checksum no longer matches. */
    private Path corruptCapture() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("bad"));
        Path file = queueFile(cap);
        byte[] all = Files.readAllBytes(file);
        for (int i = 0; i + 4 <= all.length; i++) {
            if ((all[i] & 0xFF) == 0x83 && (all[i + 1] & 0xFF) == 0x07 && (all[i + 2] & 0xFF) == 0x08 && (all[i + 3] & 0xFF) == 0x80) {
                all[i] = (byte) 0x82;
                Files.write(file, all);
                return cap;
            }
        }
        throw new AssertionError("fixture value not found");
    }

    @Test
    void aPcapExportNeverOverwritesAFileAndAFailedOneLeavesNothing() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path kept = tmp.resolve("kept.pcap");
        Files.writeString(kept, "an earlier export");
        assertOneErrorLine(CliRun.of("export", cap.toString(), "--format", "pcap", "-o", kept.toString()),
                "kept.pcap", "refusing to overwrite");
        assertEquals("an earlier export", Files.readString(kept));
        Path empty = Files.createFile(tmp.resolve("empty.pcap")); // an empty file is a file too
        assertOneErrorLine(CliRun.of("export", cap.toString(), "--format", "pcap", "-o", empty.toString()),
                "empty.pcap", "refusing to overwrite");
        assertEquals(0, Files.size(empty));
        Path link = Files.createSymbolicLink(tmp.resolve("link.pcap"), tmp.resolve("nowhere")); // so is a link
        assertOneErrorLine(CliRun.of("export", cap.toString(), "--format", "pcap", "-o", link.toString()),
                "link.pcap", "refusing to overwrite");
        assertFalse(Files.exists(tmp.resolve("nowhere")));
        Path bad = corruptCapture();
        Path pcap = tmp.resolve("out").resolve("frames.pcap");
        assertOneErrorLine(CliRun.of("export", cap.toString(), bad.toString(), "--format", "pcap", "-o", pcap.toString()),
                "checksum");
        try (Stream<Path> left = Files.list(pcap.getParent())) {
            assertEquals(0, left.count(), "no partial pcap, no temporary file");
        }
        Path arrow = tmp.resolve("arrow");
        assertOneErrorLine(CliRun.of("export", cap.toString(), bad.toString(), "--format", "arrow", "-o", arrow.toString()),
                "checksum");
        assertFalse(Files.exists(arrow), "no half-written table files");
    }

    /** Writes {@code bytes} over the start of the capture's queue file, where Chronicle's store header is. */
    private static Path overwriteHeader(Path cap, byte[] bytes) throws Exception {
        Path file = queueFile(cap);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(bytes);
        }
        return file;
    }

    @Test
    void aGarbageQueueHeaderIsOneLineFromEveryCommandAndAFailedExportLeavesNothing() throws Exception {
        Path good = SmallCapture.write(tmp.resolve("good"));
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        byte[] garbage = new byte[100_000];
        new java.util.SplittableRandom(0).nextBytes(garbage); // its first word reads as a complete metadata document, longer than the file
        Path file = overwriteHeader(cap, garbage);
        Path out = Files.createDirectories(tmp.resolve("out"));
        String c = cap.toString();
        String[][] commands = {
                {"info", c}, {"inspect", c}, {"replay", c}, {"diff", good.toString(), c}, {"analyze", c},
                {"sql", "-e", "select count(*) from events", c},
                {"export", c, "--format", "csv", "-o", out.resolve("csv").toString()},
                {"export", c, "--format", "parquet", "-o", out.resolve("parquet").toString()},
                {"export", c, "--format", "arrow", "-o", out.resolve("arrow").toString()},
                {"export", c, "--format", "pcap", "-o", out.resolve("frames.pcap").toString()}};
        for (String[] args : commands) {
            // the bound only guards against a hang (analyze, sql and export waited forever for the table scans)
            CliRun r = assertTimeoutPreemptively(java.time.Duration.ofMinutes(2), () -> CliRun.of(args),
                    String.join(" ", args));
            assertOneErrorLine(r, "trapline " + args[0] + ": " + file + ": not a readable event queue (damaged header: ");
        }
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(), left.toList(), "no partial export, no temporary file");
        }
    }

    /** Makes a FIFO with mkfifo(1); the test is skipped where there is none. */
    private static Path fifo(Path at) throws Exception {
        boolean made;
        try {
            made = new ProcessBuilder("mkfifo", at.toString()).redirectErrorStream(true).start().waitFor() == 0;
        } catch (java.io.IOException e) {
            made = false;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(made && Files.exists(at), "mkfifo not available");
        return at;
    }

    @Test
    void aCaptureJsonThatIsAFifoIsOneLineFromEveryCommandNotAHang() throws Exception {
        Path good = SmallCapture.write(tmp.resolve("good"));
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path json = cap.resolve("capture.json");
        Files.delete(json);
        fifo(json);
        Path out = Files.createDirectories(tmp.resolve("out"));
        String c = cap.toString();
        String[][] commands = {
                {"info", c}, {"inspect", c}, {"replay", c}, {"diff", good.toString(), c}, {"analyze", c},
                {"sql", "-e", "select count(*) from events", c},
                {"export", c, "--format", "csv", "-o", out.resolve("csv").toString()},
                {"export", c, "--format", "pcap", "-o", out.resolve("frames.pcap").toString()}};
        for (String[] args : commands) {
            // without a writer, opening a FIFO waits forever
            CliRun r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> CliRun.of(args),
                    String.join(" ", args));
            assertOneErrorLine(r, "trapline " + args[0] + ": " + json + ": not a regular file");
        }
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(), left.toList(), "no partial export, no temporary file");
        }
    }

    @Test
    void sideFilesThatAreNotRegularOrFarTooLargeAreRefusedUnread() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        String c = cap.toString();
        Path huge = tmp.resolve("huge.txt");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(1L << 30); // sparse: read whole, it would fill the heap
        }
        Path pipe = fifo(tmp.resolve("pipe"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        for (Path bad : new Path[] {huge, pipe, Path.of("/dev/zero")}) {
            String why = bad == huge ? "larger than" : "not a regular file";
            CliRun r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> CliRun.of("sql", c, "-f", bad.toString()));
            assertOneErrorLine(r, "--file", bad.toString(), why);
            r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> CliRun.of("analyze", c, "--costs", bad.toString()));
            assertOneErrorLine(r, "--costs", bad.toString(), why);
            r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> CliRun.of("sql", c, "--costs", bad.toString(),
                    "-e", "select 1"));
            assertOneErrorLine(r, "--costs", bad.toString(), why);
            r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> CliRun.of("export", c, "--costs",
                    bad.toString(), "--format", "csv", "-o", out.resolve("csv").toString()));
            assertOneErrorLine(r, "--costs", bad.toString(), why);
        }
        assertOneErrorLine(CliRun.of("sql", c, "-f", huge.toString()), "larger than 16 MiB, too large for a SQL script");
        assertOneErrorLine(CliRun.of("analyze", c, "--costs", huge.toString()), "larger than 1 MiB, too large for a cost file");
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(), left.toList(), "no partial export, no temporary file");
        }
    }

    @Test
    void aDamagedFirstWordOfTheQueueFileIsADamagedHeaderNotATruncation() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path file = overwriteHeader(cap, new byte[] {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF});
        CliRun r = CliRun.of("info", cap.toString());
        assertOneErrorLine(r, file + ": not a readable event queue (damaged header: file offset 0 holds 0xefbeadde");
        assertFalse(r.err().contains("truncated"), r.err());
    }

    @Test
    void infoRefusesADmaReadWhosePayloadIsNotItsLength() {
        for (int payload : new int[] {20, 10}) {
            Path cap = SmallCapture.write(tmp.resolve("dma" + payload), payload);
            assertOneErrorLine(CliRun.of("info", cap.toString()), "corrupt event at sequence 3 ",
                    "a dma_read of 16 bytes holds a payload of " + payload + " bytes");
        }
    }

    @Test
    void fromPastTheEndOfACaptureIsAnError() {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        assertOneErrorLine(CliRun.of("inspect", cap.toString(), "--from", "9"), "--from 9", "9 events (sequence 0..8)");
        assertOneErrorLine(CliRun.of("replay", cap.toString(), "--from", "100"), "--from 100", "9 events");
    }

    @Test
    void aFileThatIsNotAQemuTraceIsNotImported() throws Exception {
        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "shopping list\nmilk\n");
        Path out = tmp.resolve("imported");
        assertOneErrorLine(CliRun.of("import", "qemu", "--trace", text.toString(), "-o", out.toString()),
                "notes.txt", "no QEMU trace events");
        assertFalse(Files.exists(out));
    }

    /** A small e1000 trace of {@code n} register writes, as QEMU writes one. */
    private static String traceText(int n) {
        StringBuilder sb = new StringBuilder("9@10.000000:pci_update_mappings_add e1000 00:03.0 0,0xfebc0000+0x20000\n");
        for (int i = 0; i < n; i++) {
            sb.append(String.format("9@%d.%06d:memory_region_ops_write cpu 0 mr 0x1 addr 0xfebc3818 value 0x%x size 4"
                    + " name 'e1000-mmio'%n", 11 + i / 1_000_000, i % 1_000_000, i));
        }
        return sb.toString();
    }

    @Test
    void aTruncatedCompressedTraceIsNotImported() throws Exception {
        byte[] text = traceText(20_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (String name : new String[] {"trace.log.gz", "trace.log.xz"}) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.OutputStream out = name.endsWith(".gz") ? new java.util.zip.GZIPOutputStream(bytes)
                    : new org.tukaani.xz.XZOutputStream(bytes, new org.tukaani.xz.LZMA2Options(1))) {
                out.write(text);
            }
            byte[] whole = bytes.toByteArray();
            Path trace = tmp.resolve(name);
            Files.write(trace, java.util.Arrays.copyOf(whole, whole.length / 2));
            Path out = tmp.resolve("imported-" + name);
            assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "-o", out.toString()),
                    trace.toString(), "truncated", "nothing imported");
            assertFalse(Files.exists(out), "no capture is left behind");
        }
    }

    /** A classic pcap of {@code n} frames of 100 random bytes, one every millisecond from second 11. */
    private static byte[] pcapBytes(int n) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + n * 116).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65536).putInt(1);
        java.util.Random rnd = new java.util.Random(7);
        byte[] frame = new byte[100];
        for (int i = 0; i < n; i++) {
            rnd.nextBytes(frame);
            b.putInt(11).putInt(i * 1000).putInt(frame.length).putInt(frame.length).put(frame);
        }
        return b.array();
    }

    @Test
    void aTruncatedOrCorruptCompressedPcapIsNotImported() throws Exception {
        Path trace = tmp.resolve("trace.log");
        Files.writeString(trace, traceText(10));
        byte[] pcap = pcapBytes(2000);
        for (String name : new String[] {"packets.pcap.gz", "packets.pcap.xz"}) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.OutputStream out = name.endsWith(".gz") ? new java.util.zip.GZIPOutputStream(bytes)
                    : new org.tukaani.xz.XZOutputStream(bytes, new org.tukaani.xz.LZMA2Options(1))) {
                out.write(pcap);
            }
            byte[] whole = bytes.toByteArray();
            Path cut = tmp.resolve("cut-" + name);
            Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * 3 / 4));
            Path out = tmp.resolve("imported-" + name);
            assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--pcap", cut.toString(),
                    "-o", out.toString()), cut + ": truncated", "the stream breaks off", "nothing imported");
            assertFalse(Files.exists(out), "no capture is left behind");

            whole[whole.length - 5] ^= 0x5a; // the stream's check
            Path corrupt = tmp.resolve("corrupt-" + name);
            Files.write(corrupt, whole);
            assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--pcap", corrupt.toString(),
                    "-o", out.toString()), corrupt + ": corrupt", "nothing imported");
            assertFalse(Files.exists(out), "no capture is left behind");
        }
    }

    @Test
    void aMalformedPhasesFileIsAnErrorNamingTheFlagTheLineAndTheForm() throws Exception {
        Path trace = tmp.resolve("trace.log");
        Files.writeString(trace, traceText(10));
        Path phases = tmp.resolve("phases.txt");
        Files.writeString(phases, "work_start 11.000002\nwork_end at 11.5\n");
        Path out = tmp.resolve("imported");
        assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--phases", phases.toString(),
                "-o", out.toString()), "--phases", phases + ":2:", "'name seconds'");
        assertFalse(Files.exists(out), "no capture is left behind");
        assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--phases",
                tmp.resolve("none.txt").toString(), "-o", out.toString()), "--phases", "none.txt", "no such file");
        assertFalse(Files.exists(out));
    }

    /** work_end before work_start would leave the workload out, and analyze would measure the whole capture instead. */
    @Test
    void aPhasesFileWhosePhaseEndsBeforeItStartsIsAnErrorNamingTheLine() throws Exception {
        Path trace = tmp.resolve("trace.log");
        Files.writeString(trace, traceText(10));
        Path phases = tmp.resolve("phases.txt");
        Files.writeString(phases, "# marks\nwork_start 11.000008\nwork_end 11.000002\n");
        Path out = tmp.resolve("imported");
        assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--phases", phases.toString(),
                "-o", out.toString()), "--phases: " + phases + ":3: 'work_end' at 11.000002 s is before 'work_start'",
                "(line 2)", "'workload' phase would end before it starts");
        assertFalse(Files.exists(out), "no capture is left behind");
    }

    @Test
    void aQemuVersionThatIsNotOneIsAnErrorAndOneTheImporterWasNotWrittenForAWarning() throws Exception {
        Path trace = tmp.resolve("trace.log");
        Files.writeString(trace, traceText(10));
        Path out = tmp.resolve("imported");
        for (String v : new String[] {"7", "seven", "7.2-rc1", "7.2.", ""}) {
            assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--qemu-version", v,
                    "-o", out.toString()), "--qemu-version", "'" + v + "'", "X.Y or X.Y.Z");
            assertFalse(Files.exists(out));
        }
        for (String v : new String[] {"8.2", "7.1"}) {
            assertOneErrorLine(CliRun.of("import", "qemu", "--strict", "--trace", trace.toString(), "--qemu-version", v,
                    "-o", out.toString()), "--qemu-version", v, "QEMU 7.2", "--strict");
            assertFalse(Files.exists(out));
            Path other = tmp.resolve("other-" + v);
            CliRun r = CliRun.of("import", "qemu", "--trace", trace.toString(), "--qemu-version", v, "-o", other.toString());
            assertEquals(0, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains("warning: --qemu-version") && r.err().contains("QEMU 7.2"), r.err());
            assertTrue(Files.readString(other.resolve("capture.json")).contains("\"qemuVersion\" : \"" + v + "\""));
        }
        for (String v : new String[] {"7.2", "7.2.9"}) {
            Path ok = tmp.resolve("ok-" + v);
            CliRun r = CliRun.of("import", "qemu", "--trace", trace.toString(), "--qemu-version", v, "-o", ok.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.readString(ok.resolve("capture.json")).contains("\"qemuVersion\" : \"" + v + "\""));
        }
    }

    @Test
    void aQemuVersionFromTheTracesPathTheImporterWasNotWrittenForIsAWarningNamingThePathAndRefusedWithStrict()
            throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("qemu-8.2-kvm"));
        Path trace = dir.resolve("trace.log");
        Files.writeString(trace, traceText(10));
        Path out = tmp.resolve("imported");
        assertOneErrorLine(CliRun.of("import", "qemu", "--strict", "--trace", trace.toString(), "-o", out.toString()),
                "QEMU 8.2 from the trace's path (" + dir + ")", "QEMU 7.2", "--strict", "--qemu-version");
        assertFalse(Files.exists(out));

        CliRun r = CliRun.of("import", "qemu", "--trace", trace.toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("trapline import qemu: warning: QEMU 8.2 from the trace's path (" + dir + "): "),
                r.err());
        assertTrue(r.err().contains("QEMU 7.2") && r.err().contains("importing anyway"), r.err());
        assertTrue(Files.readString(out.resolve("capture.json")).contains("\"qemuVersion\" : \"8.2\""));

        // a version given overrides the path's, without a word about it
        Path given = tmp.resolve("given");
        r = CliRun.of("import", "qemu", "--strict", "--trace", trace.toString(), "--qemu-version", "7.2", "-o",
                given.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(Files.readString(given.resolve("capture.json")).contains("\"qemuVersion\" : \"7.2\""));

        Path supported = Files.createDirectories(tmp.resolve("qemu-7.2.1")).resolve("trace.log");
        Files.writeString(supported, traceText(10));
        r = CliRun.of("import", "qemu", "--strict", "--trace", supported.toString(), "-o", tmp.resolve("ok").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void demoOptionsNamingUnusablePathsAreErrors() {
        assertOneErrorLine(CliRun.of("demo", "--dir", "/proc/trapline-demo"), "--dir", "cannot create");
        assertOneErrorLine(CliRun.of("demo", "--samples", tmp.resolve("none").toString(), "--dir", tmp.resolve("d").toString()),
                "--samples", "not a directory");
        assertOneErrorLine(CliRun.of("demo", "--requests", "0x1", "--dir", tmp.resolve("d").toString()), "--requests");
        assertFalse(Files.exists(tmp.resolve("d")), "a refused demo makes nothing on disk");
    }

    @Test
    void aWorkloadWhoseCaptureCannotFitIsRefusedBeforeAnythingIsWritten() {
        // 2 billion responses of 1 GiB: no file system has room for their capture
        assertOneErrorLine(CliRun.of("record", "--nic", "e1000", "--requests", "2000000000x1024m", "-o",
                tmp.resolve("r").toString()), "--requests: the workload's 2,000,000,000 requests ask for", "free");
        assertOneErrorLine(CliRun.of("record", "--nic", "e1000", "--workload", "bulk", "--count", "2000000000",
                "--size", "1024m", "-o", tmp.resolve("r").toString()), "--count, --size: ", "free");
        assertFalse(Files.exists(tmp.resolve("r")), "nothing made on disk");
    }

    @Test
    void nothingIsWrittenIntoACapture() throws Exception {
        Path nest = SmallCapture.write(tmp.resolve("nest"));
        Path src = SmallCapture.write(tmp.resolve("src"));
        String before = listing(nest);
        Path x = nest.resolve("events").resolve("x.cq4");
        assertOneErrorLine(CliRun.of("export", src.toString(), "--format", "pcap", "-o", x.toString()),
                x.toString(), "inside capture " + nest);
        assertOneErrorLine(CliRun.of("export", src.toString(), "--format", "csv", "-o", nest.resolve("csv").toString()),
                "inside capture " + nest);
        assertOneErrorLine(CliRun.of("record", "--nic", "e1000", "--requests", "1x64", "-o",
                nest.resolve("events").resolve("sub").toString()), "events/sub", "inside capture " + nest);
        Path trace = tmp.resolve("trace.log");
        Files.writeString(trace, traceText(10));
        assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "-o", nest.resolve("imported").toString()),
                "imported", "inside capture " + nest);
        assertOneErrorLine(CliRun.of("demo", "--dir", nest.resolve("demo").toString()), "--dir", "inside capture " + nest);
        assertOneErrorLine(CliRun.of("demo", "--dir", nest.toString()), "--dir", nest + " is a capture");
        assertEquals(before, listing(nest), "the capture is as it was");
        CliRun info = CliRun.of("info", nest.toString());
        assertEquals(0, info.code(), info.err());
    }

    @Test
    void theDemoWritesOnlyIntoADirectoryItMade() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mine"));
        Path recorded = SmallCapture.write(dir.resolve("e1000")); // as 'record -o mine/e1000' would have
        String before = listing(recorded);
        assertOneErrorLine(CliRun.of("demo", "--dir", dir.toString()), "--dir", dir.toString(), "not made by trapline demo",
                DemoCommand.MARKER);
        assertEquals(before, listing(recorded), "the user's capture is untouched");
        assertFalse(Files.exists(dir.resolve(DemoCommand.MARKER)));
    }

    @Test
    void aPcapThatCannotBeAlignedToTheTraceIsAnErrorUnlessAllowed() throws Exception {
        Path trace = tmp.resolve("trace.log");
        Files.writeString(trace, traceText(10));
        Path pcap = tmp.resolve("packets.pcap");
        Files.write(pcap, pcapBytes(20)); // random frames: no TCP SYN to align on
        Path out = tmp.resolve("imported");
        assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--pcap", pcap.toString(),
                "-o", out.toString()), "--pcap", pcap.toString(), "cannot be aligned", "--allow-unaligned-pcap");
        assertFalse(Files.exists(out), "no capture is left behind");
        CliRun r = CliRun.of("import", "qemu", "--trace", trace.toString(), "--pcap", pcap.toString(),
                "--allow-unaligned-pcap", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("trapline import qemu: warning: --pcap: " + pcap + ": cannot be aligned"), r.err());
        assertTrue(r.out().contains("20 frames"), r.out());
    }

    /**
     * A record that is not one is named (record, byte offset, what) even where the pcap could not be aligned, and with
     * --allow-unaligned-pcap too; a pcap that ends inside its last record is a warning naming where, its frames kept.
     */
    @Test
    void aDamagedPcapRecordIsAnErrorNamingItAndACutLastRecordAWarning() throws Exception {
        Path trace = tmp.resolve("trace.log");
        Files.writeString(trace, traceText(10));
        byte[] good = pcapBytes(20);
        Path pcap = tmp.resolve("packets.pcap");
        Path out = tmp.resolve("imported");
        for (int[] field : new int[][] {{32, 0x7fffffff}, {32, 0}, {28, 0xffffffff}}) {
            byte[] bad = good.clone();
            java.nio.ByteBuffer.wrap(bad).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(field[0], field[1]);
            Files.write(pcap, bad);
            for (String allow : new String[] {"--strict", "--allow-unaligned-pcap"}) {
                assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--pcap", pcap.toString(),
                        allow, "-o", out.toString()), "--pcap: " + pcap + ": record 1 at byte offset 24: ",
                        field[0] == 28 ? "time stamp fraction 4294967295" : "frame length " + field[1]);
                assertFalse(Files.exists(out), "no capture is left behind");
            }
        }

        Files.write(pcap, java.util.Arrays.copyOf(good, good.length - 30));
        CliRun r = CliRun.of("import", "qemu", "--trace", trace.toString(), "--pcap", pcap.toString(),
                "--allow-unaligned-pcap", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("trapline import qemu: warning: --pcap: " + pcap + ": the pcap ends inside record 20"
                + " at byte offset 2228 (after 70 of its 100 frame bytes)"), r.err());
        assertTrue(r.out().contains("19 frames"), r.out());
        assertFalse(r.out().contains("malformed " + pcap), "a warning, not a malformed line: " + r.out());
        assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--pcap", pcap.toString(),
                "--allow-unaligned-pcap", "--strict", "-o", tmp.resolve("strict").toString()),
                "--pcap: " + pcap + ": the pcap ends inside record 20", "(--strict)");
    }

    /**
     * A device or a FIFO named as the trace or pcap is refused at once, saying what it is (not "no such file"; a FIFO
     * without a writer must not block the import); a command-line file that never ends stops at the side-file limit.
     */
    @Test
    void aTraceOrPcapThatIsNotARegularFileAndACmdlineThatNeverEndsAreErrors() throws Exception {
        Path trace = tmp.resolve("trace.log");
        Files.writeString(trace, traceText(10));
        Path fifo = fifo(tmp.resolve("fifo"));
        Path zero = Files.createSymbolicLink(tmp.resolve("zero"), Path.of("/dev/zero"));
        Path out = tmp.resolve("imported");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            assertOneErrorLine(CliRun.of("import", "qemu", "--trace", zero.toString(), "-o", out.toString()),
                    zero + ": is a character device, not a regular file");
            assertOneErrorLine(CliRun.of("import", "qemu", "--trace", fifo.toString(), "-o", out.toString()),
                    fifo + ": is a FIFO (named pipe), not a regular file");
            assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--pcap", fifo.toString(),
                    "-o", out.toString()), "--pcap: " + fifo + ": is a FIFO (named pipe), not a regular file");
            assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--pcap", zero.toString(),
                    "-o", out.toString()), "--pcap: " + zero + ": is a character device, not a regular file");
            assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--pcap",
                    tmp.resolve("none.pcap").toString(), "-o", out.toString()), "--pcap: ", "none.pcap: no such pcap file");
            assertOneErrorLine(CliRun.of("import", "qemu", "--trace", trace.toString(), "--cmdline", zero.toString(),
                    "-o", out.toString()), zero + ": command-line file larger than 4194304 bytes");
        });
        assertFalse(Files.exists(out), "no capture is left behind");
    }

    @Test
    void aPcapOfAnotherRunIsAnError() {
        Path shared = Path.of(System.getProperty("trapline.shared.dir", "../shared"), "captures", "qemu-7.2-tcg");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shared), "shared captures not present");
        Path pcap = shared.resolve("virtio").resolve("packets.pcap");
        Path out = tmp.resolve("imported");
        assertOneErrorLine(CliRun.of("import", "qemu", "--trace", shared.resolve("e1000").resolve("trace.log.xz").toString(),
                "--pcap", pcap.toString(), "-o", out.toString()), "--pcap", pcap.toString(), "cannot be aligned");
        assertFalse(Files.exists(out));
    }

    @Test
    void aPhasesLineOutsideTheTraceIsAWarningNamingItAndAnErrorWithStrict() throws Exception {
        Path trace = tmp.resolve("trace.log");
        Files.writeString(trace, traceText(10)); // 10.000000 .. 11.000009 s
        Path phases = tmp.resolve("phases.txt");
        Files.writeString(phases, "# marks\nwork_start 11.000002\nwork_end 99999\n");
        Path out = tmp.resolve("imported");
        CliRun r = CliRun.of("import", "qemu", "--trace", trace.toString(), "--phases", phases.toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("trapline import qemu: warning: --phases: " + phases + ":3: 'work_end'"), r.err());
        assertTrue(r.err().contains("outside the trace"), r.err());
        Path strict = tmp.resolve("strict");
        assertOneErrorLine(CliRun.of("import", "qemu", "--strict", "--trace", trace.toString(), "--phases",
                phases.toString(), "-o", strict.toString()), "--phases", phases + ":3:", "outside the trace", "--strict");
        assertFalse(Files.exists(strict), "no capture is left behind");
    }

    @Test
    void aCaptureJsonThatDisagreesWithItsEventsIsAnError() throws Exception {
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path json = cap.resolve("capture.json");
        String good = Files.readString(json);
        assertTrue(good.contains("\"count\" : 9"), good);
        Files.writeString(json, good.replace("\"count\" : 9", "\"count\" : 5"));
        assertOneErrorLine(CliRun.of("info", cap.toString()), json.toString(), "declares 5 events");
        Files.writeString(json, good.replace("\"count\" : 9", "\"count\" : -1"));
        assertOneErrorLine(CliRun.of("analyze", cap.toString()), json.toString(), "events.count");
        Files.writeString(json, good.replaceFirst("\"index\" : 0,", "\"index\" : 3,"));
        assertOneErrorLine(CliRun.of("inspect", cap.toString()), json.toString(), "names device 0", "does not declare");
    }

    private static String listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p) + (Files.isRegularFile(p) ? " " + p.toFile().length() : ""))
                    .sorted().reduce("", (a, b) -> a + "\n" + b);
        }
    }

    @Test
    void errorLinesSpeakOfTheInputNotOfTheCode() throws Exception {
        assertOneErrorLine(CliRun.of("record", "--nic", "e1000", "--requests", "99999999999x1024", "-o", tmp.resolve("r").toString()),
                "--requests", "larger than");
        assertOneErrorLine(CliRun.of("record", "--nic", "virtio-net", "--device-option", "tx_burst=0", "-o",
                tmp.resolve("r").toString()), "tx_burst must be at least 1");
        assertOneErrorLine(CliRun.of("import", "qemu", "--trace", tmp.toString(), "-o", tmp.resolve("i").toString()),
                "is a directory");
        assertOneErrorLine(CliRun.of("replay", SmallCapture.write(tmp.resolve("m")).toString(), "--model", ","), "--model: empty");
        Path cap = SmallCapture.write(tmp.resolve("cap"));
        Path json = cap.resolve("capture.json");
        Files.writeString(json, Files.readString(json).replaceFirst("\"devices\" : \\[", "\"devices\" : \"e1000\", \"x\" : ["));
        CliRun r = CliRun.of("info", cap.toString());
        assertOneErrorLine(r, "capture.json", "'devices'", "a list");
        assertFalse(r.err().contains("java.") || r.err().contains("io.trapline") || r.err().contains("Source:"), r.err());
    }

    private static Path queueFile(Path cap) throws Exception {
        try (Stream<Path> s = Files.list(cap.resolve("events"))) {
            return s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }
}
