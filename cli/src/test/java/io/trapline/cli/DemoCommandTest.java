package io.trapline.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The README's main job, as a newcomer runs it: record both NICs, replay both, import the real runs, compare. */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theDemoRecordsReplaysImportsAndComparesTheFourRuns() throws Exception {
        CliRun demo = CliRun.of("demo", "--dir", tmp.toString());
        String out = demo.out();
        assertEquals(0, demo.code(), out + demo.err());
        for (String nic : new String[]{"e1000", "virtio-net"}) {
            assertTrue(Pattern.compile("recorded " + nic + " .*: [0-9,]+ events, 220 requests in [0-9.]+ m?s of virtual time "
                    + "\\([0-9.]+ m?s of host time\\)").matcher(out).find(), out);
            assertTrue(Pattern.compile("replayed " + nic + " +[0-9,]+ outputs checked: 0 divergences").matcher(out).find(), out);
            assertTrue(Files.isRegularFile(tmp.resolve(nic).resolve("capture.json")), nic);
        }
        assertTrue(out.contains("imported real-e1000") && out.contains("imported real-virtio"), out);
        assertTrue(Files.isRegularFile(tmp.resolve(DemoCommand.MARKER)), "the demo marks the directory it made");
        // The comparison the tool exists for: every e1000 register access traps, virtio-net's rarely do; and the
        // embedded models stay near the real QEMU runs (docs/fidelity.md holds them to ±15% per request size).
        double[] perPacket = row(out, "NIC accesses per packet");
        assertEquals(4, perPacket.length, out);
        assertTrue(perPacket[0] > 5 * perPacket[1], Arrays.toString(perPacket));
        assertEquals(perPacket[2], perPacket[0], 0.15 * perPacket[2], "e1000 against the real run");
        assertEquals(perPacket[3], perPacket[1], 0.15 * perPacket[3], "virtio-net against the real run");

        // a demo directory from before the marker (its four captures, nothing else) is still the demo's to replace
        Files.delete(tmp.resolve(DemoCommand.MARKER));
        CliRun again = CliRun.of("demo", "--dir", tmp.toString(), "--requests", "2x1024");
        assertEquals(0, again.code(), again.err());
        assertTrue(Files.isRegularFile(tmp.resolve(DemoCommand.MARKER)));
    }

    /** The numbers of one row of the side-by-side table. */
    private static double[] row(String out, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + " +(.*)$").matcher(out);
        assertTrue(m.find(), "no row '" + label + "' in:\n" + out);
        return Arrays.stream(m.group(1).trim().split(" +")).mapToDouble(Double::parseDouble).toArray();
    }
}
