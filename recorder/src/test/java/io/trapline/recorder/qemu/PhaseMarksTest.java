package io.trapline.recorder.qemu;

import io.trapline.recorder.MarkKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PhaseMarksTest {
    private static List<PhaseMarks.Mark> parse(String... lines) {
        List<PhaseMarks.Mark> out = new ArrayList<>();
        String[] why = new String[1];
        for (int i = 0; i < lines.length; i++) {
            PhaseMarks.Mark m = PhaseMarks.parseLine(lines[i], i, why);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void secondsWithNanosecondFractions() {
        assertEquals(1795635747_616137586L, PhaseMarks.parseSeconds("1795635747.616137586"));
        assertEquals(5_000_000_000L, PhaseMarks.parseSeconds("5"));
        assertEquals(5_100_000_000L, PhaseMarks.parseSeconds("5.1"));
        assertEquals(-1, PhaseMarks.parseSeconds("5.1234567891"));
        assertEquals(-1, PhaseMarks.parseSeconds("-5"));
        assertEquals(-1, PhaseMarks.parseSeconds("x"));
    }

    @Test
    void badLinesSayWhyAndBlankLinesAreSkipped() {
        String[] why = new String[1];
        assertNull(PhaseMarks.parseLine("   ", 0, why));
        assertNull(why[0]);
        assertNull(PhaseMarks.parseLine("ready", 0, why));
        assertEquals("'ready' is not 'name seconds'", why[0]);
        why[0] = null;
        assertNull(PhaseMarks.parseLine("ready soon", 0, why));
        assertEquals("bad time 'soon'", why[0]);
    }

    @Test
    void derivedPhasesBracketTheirInstantsInTimeOrder() {
        List<PhaseMarks.Mark> all = PhaseMarks.withDerivedPhases(parse(
                "qemu_start 1.0", "ready 2.0", "work_start 3.0", "small_end 4.0", "work_end 5.0", "warm_start 3.5",
                "warm_end 3.7"));
        List<String> seen = all.stream().map(m -> m.kind() + " " + m.name() + " " + m.epochNs() / 100_000_000).toList();
        assertEquals(List.of(
                "INSTANT qemu_start 10", "PHASE_START boot 10",
                "PHASE_END boot 20", "INSTANT ready 20",
                "INSTANT work_start 30", "PHASE_START workload 30", "PHASE_START small 30", "PHASE_START window 30",
                "INSTANT warm_start 35", "PHASE_START warm 35",
                "PHASE_END warm 37", "INSTANT warm_end 37",
                "PHASE_END small 40", "INSTANT small_end 40", "PHASE_START large 40",
                "PHASE_END workload 50", "PHASE_END large 50", "INSTANT work_end 50",
                "PHASE_END window 52"), seen);
        PhaseMarks.Mark windowEnd = all.get(all.size() - 1);
        assertEquals(MarkKind.PHASE_END, windowEnd.kind());
        assertEquals(5_250_000_000L, windowEnd.epochNs());
    }

    @Test
    void aPhaseThatEndsBeforeItStartsIsNamedByItsEndLine() {
        assertNull(PhaseMarks.misordered(parse("qemu_start 1", "ready 2", "work_start 3", "small_end 4", "work_end 5")));
        assertNull(PhaseMarks.misordered(parse("work_start 3", "work_end 3")), "an empty phase is one");
        assertNull(PhaseMarks.misordered(parse("work_end 1", "ready 2")), "no start: no phase");
        assertEquals("3: 'work_end' at 1795635751.465250782 s is before 'work_start' at 1795635752 s (line 2): the"
                + " 'workload' phase would end before it starts",
                PhaseMarks.misordered(parse("# marks", "work_start 1795635752", "work_end 1795635751.465250782")));
        assertEquals("2: 'small_end' at 2.5 s is before 'work_start' at 3 s (line 1): the 'small' phase would end before"
                + " it starts", PhaseMarks.misordered(parse("work_start 3", "small_end 2.5", "work_end 5")));
        assertEquals("3: 'work_end' at 5 s is before 'small_end' at 6 s (line 2): the 'large' phase would end before it"
                + " starts", PhaseMarks.misordered(parse("work_start 3", "small_end 6", "work_end 5")));
        assertEquals("1: 'warm_end' at 1 s is before 'warm_start' at 2 s (line 2): the 'warm' phase would end before it"
                + " starts", PhaseMarks.misordered(parse("warm_end 1", "warm_start 2")));
        assertEquals("2: 'ready' at 1 s is before 'qemu_start' at 2 s (line 1): the 'boot' phase would end before it"
                + " starts", PhaseMarks.misordered(parse("qemu_start 2", "ready 1", "idle_start 3", "idle_end 0.5")),
                "the earliest end line is named");
    }
}
