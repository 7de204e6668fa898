package io.trapline.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code trapline import qemu}: imports a trace, reports malformed lines, --strict fails with file:line. */
class ImportQemuCommandTest {
    @TempDir
    Path tmp;

    private Path trace(String extra) throws Exception {
        Path t = tmp.resolve("trace.log");
        Files.writeString(t, String.join("\n",
                "9@10.000000:pci_update_mappings_add e1000 00:03.0 0,0xfebc0000+0x20000",
                "9@10.000010:memory_region_ops_read cpu 0 mr 0x1 addr 0xfebc0008 value 0x80080783 size 4 name 'e1000-mmio'",
                extra,
                "9@10.000020:memory_region_ops_write cpu 0 mr 0x1 addr 0xfebc3818 value 0x3 size 4 name 'e1000-mmio'") + "\n");
        return t;
    }

    @Test
    void importsATraceAndPrintsTheReport() throws Exception {
        Path out = tmp.resolve("cap");
        CliRun r = CliRun.of("import", "qemu", "--trace", trace("9@10.000015:apic_mem_writel 0xb0 = 0x0").toString(),
                "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mmio_read=1") && r.out().contains("mmio_write=1"), r.out());
        assertTrue(r.out().contains("malformed 0"), r.out());
        CliRun info = CliRun.of("info", out.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("qemu-trace"), info.out());
        CliRun replay = CliRun.of("replay", out.toString());
        assertEquals(0, replay.code(), replay.out() + replay.err());
        assertTrue(replay.out().endsWith("0 divergences in the 1 output that could be checked (see unverifiable, above)\n"),
                "the verdict says it covers only what the trace holds: " + replay.out());
    }

    @Test
    void malformedLinesAreListedAndStrictStopsAtTheFirst() throws Exception {
        Path t = trace("9@10.00001x:garbage");
        CliRun r = CliRun.of("import", "qemu", "--trace", t.toString(), "-o", tmp.resolve("a").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("malformed 1"), r.out());
        assertTrue(r.out().contains(t + ":3:"), r.out());

        CliRun s = CliRun.of("import", "qemu", "--strict", "--trace", t.toString(), "-o", tmp.resolve("b").toString());
        assertEquals(2, s.code());
        assertEquals(1, s.err().strip().lines().count(), s.err());
        assertTrue(s.err().contains(t + ":3:"), s.err());
        assertFalse(Files.exists(tmp.resolve("b")));
    }

    @Test
    void aMissingTraceIsOneErrorLine() {
        CliRun r = CliRun.of("import", "qemu", "--trace", tmp.resolve("nope.log").toString(), "-o", tmp.resolve("c").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nope.log"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("trapline import qemu: "), "the command's full name: " + r.err());
    }
}
