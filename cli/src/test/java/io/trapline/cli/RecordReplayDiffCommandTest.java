package io.trapline.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RecordReplayDiffCommandTest {
    @TempDir
    Path tmp;

    @Test
    void recordThenReplayThenDiffAnEmbeddedCapture() {
        Path cap = tmp.resolve("e1000");
        CliRun rec = CliRun.of("record", "--nic", "e1000", "--requests", "3x1024", "-o", cap.toString());
        assertEquals(0, rec.code(), rec.err());
        assertTrue(rec.out().contains("requests   3 ok, 0 failed"), rec.out());
        assertTrue(rec.out().contains("NIC accesses"), rec.out());
        assertTrue(rec.out().matches("(?s).*\nhost +[0-9.]+ (ms|s) to a complete capture: [0-9,]+ packets/s; [0-9.]+ KiB of events, "
                + "[0-9.]+ (B|KiB) per packet\n.*"), rec.out());
        CliRun replay = CliRun.of("replay", cap.toString());
        assertEquals(0, replay.code(), replay.out() + replay.err());
        assertTrue(replay.out().contains("0 divergences"), replay.out());
        assertTrue(replay.out().contains("device 0 (e1000), what the replay exercised:\n"), replay.out());
        assertTrue(replay.out().lines().anyMatch(l -> l.matches("  TX frames +[0-9,]+")), replay.out());
        assertTrue(replay.out().lines().anyMatch(l -> l.startsWith("  never: ") && l.contains("RX VLAN tags stripped")),
                "a web run tags no frames: " + replay.out());
        CliRun json = CliRun.of("replay", cap.toString(), "--format", "json");
        assertTrue(json.out().contains("\"identical\" : true"), json.out());
        CliRun diff = CliRun.of("diff", cap.toString(), cap.toString());
        assertEquals(0, diff.code(), diff.err());
        assertTrue(diff.out().contains("0 output differences"), diff.out());
        CliRun requests = CliRun.of("sql", cap.toString(), "--format", "csv", "-e",
                "select count(*) as n, count(end_seq) as ended, max(end_ns - start_ns) < 1e9 as short from phases"
                        + " where kind = 'request'");
        assertEquals(0, requests.code(), requests.err());
        assertTrue(requests.out().contains("3,3,true"), "each request is one closed row: " + requests.out());
        // analyze measures an embedded capture in the same window record summed up (work_start .. work_end + 0.25 s)
        CliRun analyze = CliRun.of("analyze", cap.toString(), "--format", "csv");
        assertEquals(0, analyze.code(), analyze.err());
        assertTrue(analyze.out().contains("phase,window"), analyze.out());
        String recorded = rec.out().lines().filter(l -> l.trim().startsWith("NIC accesses")).findFirst().orElseThrow()
                .trim().split(" +")[2].replace(",", "");
        assertTrue(analyze.out().lines().anyMatch(l -> l.equals("nic_accesses," + recorded)),
                "record's window total " + recorded + " in: " + analyze.out());
    }

    @Test
    void aVirtioRecordingWithEveryTransportOptionReplays() {
        Path cap = tmp.resolve("v");
        CliRun rec = CliRun.of("record", "--nic", "virtio-net", "--virtio-transport", "legacy", "--msix", "off",
                "--event-idx", "off", "--workload", "rr", "--count", "5", "--size", "64", "-o", cap.toString());
        assertEquals(0, rec.code(), rec.err());
        assertEquals(0, CliRun.of("replay", cap.toString()).code());
    }

    @Test
    void badRecordAndReplayInputsAreOneLineErrors() {
        for (String[] args : new String[][] {
                {"record", "--nic", "rtl8139", "-o", tmp.resolve("a").toString()},
                {"record", "--nic", "e1000", "--msix", "off", "-o", tmp.resolve("b").toString()},
                {"record", "--nic", "e1000", "--profile", "xen", "-o", tmp.resolve("c").toString()},
                {"record", "--nic", "e1000", "--workload", "ftp", "-o", tmp.resolve("d").toString()},
                {"record", "--nic", "e1000", "--requests", "lots", "-o", tmp.resolve("e").toString()},
                {"record", "--nic", "e1000", "--requests", "1x99999999999999m", "-o", tmp.resolve("f").toString()},
                {"record", "--nic", "e1000", "--workload", "rr", "--count", "abc", "-o", tmp.resolve("g").toString()},
                {"replay", tmp.resolve("missing").toString()},
                {"replay", tmp.toString(), "--max-divergences", "0"},
                {"diff", tmp.resolve("x").toString(), tmp.resolve("y").toString()}}) {
            CliRun r = CliRun.of(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertFalse(Files.exists(tmp.resolve("d")), "a run that could not start leaves no capture behind");
        assertFalse(Files.exists(tmp.resolve("e")));
        assertFalse(Files.exists(tmp.resolve("f")), "an overflowing size is an option error, not a crash");
        assertFalse(Files.exists(tmp.resolve("g")));
    }

    @Test
    void badWorkloadCountsAndSizesNameTheirFlag() {
        CliRun count = CliRun.of("record", "--nic", "e1000", "--workload", "bulk", "--count", "0", "-o", tmp.resolve("c").toString());
        assertEquals(2, count.code());
        assertEquals("trapline record: --count: expected a whole number from 1 to 2147483647, got '0'", count.err().strip());
        CliRun size = CliRun.of("record", "--nic", "e1000", "--workload", "rr", "--size", "-5", "-o", tmp.resolve("s").toString());
        assertEquals(2, size.code());
        assertTrue(size.err().strip().startsWith("trapline record: --size: expected 0 to "), size.err());
        assertTrue(size.err().strip().endsWith(", got '-5'"), size.err());
        assertFalse(Files.exists(tmp.resolve("c")));
        assertFalse(Files.exists(tmp.resolve("s")));
    }

    @Test
    void aDivergenceNamesWhatCausedItAndListsTheEventsAskedFor() throws Exception {
        Path cap = tmp.resolve("v");
        assertEquals(0, CliRun.of("record", "--nic", "virtio-net", "--requests", "2x1024", "-o", cap.toString()).code());
        CliRun r = CliRun.of("replay", cap.toString(), "--model", "tx_bh_delay_ns=29000", "--max-divergences", "1",
                "--context", "2");
        assertEquals(1, r.code(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("#1 ")).findFirst().orElseThrow());
        assertTrue(lines.get(at).contains("output_time") && lines.get(at).endsWith(", 1.0 µs early"), lines.get(at));
        assertTrue(lines.get(at + 3).startsWith("      device then: device status 0xf, ISR "), lines.get(at + 3));
        assertTrue(lines.get(at + 3).contains("queue 1 (transmitq) size 256, last_avail_idx "), lines.get(at + 3));
        assertEquals("      caused by:  a device timer (no input was being replayed)", lines.get(at + 4));
        assertEquals("      events before it:", lines.get(at + 5));
        assertTrue(lines.get(at + 6).contains("notify") && lines.get(at + 7).contains("kick"), r.out());
        assertTrue(lines.get(at + 8).startsWith("device 0 (virtio-net), what the replay exercised"),
                "exactly the two events asked for, then what the replay exercised: " + r.out());
        assertEquals(2, CliRun.of("replay", cap.toString(), "--context", "-1").code());
    }

    @Test
    void replayAgainstAnotherModelOptionThatDoesNotExistIsAnError() {
        Path cap = tmp.resolve("e");
        assertEquals(0, CliRun.of("record", "--nic", "e1000", "--requests", "1x1024", "-o", cap.toString()).code());
        CliRun r = CliRun.of("replay", cap.toString(), "--model", "e1000,mitigaton=off");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("mitigaton"), r.err());
    }
}
