package io.trapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trapline.analysis.TestCaptures;
import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code trapline diff}: what it says about the inputs, and how it names registers and outputs. */
class DiffCommandTest {
    @TempDir
    Path tmp;

    /** Three STATUS reads (the same inputs) whose values are {@code values}. */
    private Path reads(String name, long... values) {
        Path dir = tmp.resolve(name);
        try (CaptureWriter w = CaptureWriter.create(dir, TestCaptures.e1000Metadata())) {
            for (int i = 0; i < values.length; i++) {
                w.append(1_000L * (i + 1), EventType.MMIO_READ, 0, 0, 0, 4, 0x8, values[i]);
            }
        }
        return dir;
    }

    @Test
    void aCaptureWithAWorkloadPhaseAndNoWindowIsCountedWhereAnalyzeCountsIt() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e1000")); // a workload phase, no window phase
        CliRun diff = CliRun.of("diff", e.toString(), e.toString(), "--format", "json");
        assertEquals(0, diff.code(), diff.err());
        JsonNode a = new ObjectMapper().readTree(diff.out()).get("a");
        JsonNode analyze = new ObjectMapper().readTree(CliRun.of("analyze", e.toString(), "--format", "json").out()).get(0);
        assertEquals("workload", a.get("phase").asText(), a.toString());
        long packets = a.get("rx_frames").asLong() + a.get("tx_frames").asLong();
        assertEquals(analyze.get("packets").asLong(), packets, "diff: " + a + "\nanalyze: " + analyze);
        assertEquals(2, packets);
        assertTrue(CliRun.of("diff", e.toString(), e.toString()).out().contains("workload phase (no window phase; as analyze)"));
    }

    @Test
    void theSameEventsAtOtherVirtualTimesAreADifference() throws Exception {
        Path a = tmp.resolve("bh30");
        Path b = tmp.resolve("bh29");
        assertEquals(0, CliRun.of("record", "--nic", "virtio-net", "--requests", "2x1024", "-o", a.toString()).code());
        assertEquals(0, CliRun.of("record", "--nic", "virtio-net", "--requests", "2x1024", "--device-option",
                "tx_bh_delay_ns=29000", "-o", b.toString()).code()); // the TX bottom half 1 µs sooner
        CliRun diff = CliRun.of("diff", a.toString(), b.toString());
        assertEquals(1, diff.code(), diff.out() + diff.err());
        assertTrue(diff.out().contains("0 output differences"), diff.out());
        assertTrue(diff.out().lines().anyMatch(l -> l.startsWith("times differ (A seq ") && l.contains(" after input notify ")
                && l.endsWith("s): the same events from there on come at other virtual times")), diff.out());
        JsonNode json = new ObjectMapper().readTree(CliRun.of("diff", a.toString(), b.toString(), "--format", "json").out());
        assertTrue(json.get("times_differ_at").asText().startsWith("A seq "), json.toString());
        CliRun same = CliRun.of("diff", a.toString(), a.toString());
        assertEquals(0, same.code(), same.out());
        assertFalse(same.out().contains("times differ"), same.out());
    }

    @Test
    void aDiffStoppedAtMaxDifferencesDoesNotClaimTheSameInputs() {
        Path a = reads("a", 1, 2, 3);
        Path b = reads("b", 1, 5, 6);
        CliRun stopped = CliRun.of("diff", a.toString(), b.toString(), "--max-differences", "1");
        assertEquals(1, stopped.code(), stopped.err());
        assertTrue(stopped.out().contains("same inputs as far as compared (2; stopped at --max-differences 1)"),
                stopped.out());
        assertFalse(stopped.out().contains("same inputs (2 compared)"), stopped.out());
        CliRun json = CliRun.of("diff", a.toString(), b.toString(), "--max-differences", "1", "--format", "json");
        assertTrue(json.out().contains("\"same_inputs\" : null"), json.out());
        assertTrue(json.out().contains("\"stopped_early\" : true"), json.out());

        CliRun all = CliRun.of("diff", a.toString(), b.toString(), "--max-differences", "100000");
        assertTrue(all.out().contains("same inputs (3 compared)"), all.out());
        assertTrue(all.out().contains("2 output differences:"), all.out());
        CliRun allJson = CliRun.of("diff", a.toString(), b.toString(), "--format", "json");
        assertTrue(allJson.out().contains("\"same_inputs\" : true"), allJson.out());
        assertTrue(allJson.out().contains("\"stopped_early\" : false"), allJson.out());
    }

    @Test
    void aLimitReachedAtTheLastInputComparedThemAll() {
        CliRun r = CliRun.of("diff", reads("a", 1, 2, 3).toString(), reads("b", 1, 2, 4).toString(),
                "--max-differences", "1", "--format", "json");
        assertTrue(r.out().contains("\"same_inputs\" : true"), r.out());
        assertTrue(r.out().contains("\"stopped_early\" : false"), r.out());
    }

    @Test
    void kicksTracedWithoutTheirWriteAreRowsOfTheNotifyRegisterAsInAnalyze() throws Exception {
        // one kick traced alone (ioeventfd on), one after its notify write: two notify writes, as analyze counts them
        Path v = TestCaptures.virtio(tmp.resolve("v"));
        CliRun r = CliRun.of("diff", v.toString(), v.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode a = new ObjectMapper().readTree(r.out()).get("a");
        JsonNode rows = a.get("by_register");
        assertEquals(2, rows.get("W notify").asLong(), rows.toString());
        long sum = 0;
        for (JsonNode n : rows) {
            sum += n.asLong();
        }
        assertEquals(a.get("accesses").asLong(), sum, "rows add up to the NIC accesses: " + rows);
        CliRun analyze = CliRun.of("sql", v.toString(), "--format", "csv", "-e",
                "select count(*) from exits where profile = 'tcg' and register = 'notify'");
        assertTrue(analyze.out().contains("\n2"), analyze.out());
    }

    @Test
    void differencesReadLikeReplaysAndJsonKeysAreSnakeCase() {
        Path a = reads("a", 1, 2, 3);
        Path b = reads("b", 1, 5, 3);
        CliRun text = CliRun.of("diff", a.toString(), b.toString());
        assertTrue(text.out().contains("read value of STATUS (BAR0+0x8) read"), text.out());
        assertTrue(text.out().startsWith("counts cover each capture's whole capture (no window or workload phase)"), text.out());
        CliRun json = CliRun.of("diff", a.toString(), b.toString(), "--format", "json");
        for (String key : new String[] {"\"rx_frames\"", "\"interval_ns\"", "\"by_register\"", "\"sequence_a\"",
                "\"time_ns\"", "\"phase\" : null"}) {
            assertTrue(json.out().contains(key), key + " in " + json.out());
        }
        assertFalse(json.out().matches("(?s).*\"[a-z]+[A-Z][A-Za-z]*\" :.*"), "no camelCase key: " + json.out());
    }
}
