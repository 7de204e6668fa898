package io.trapline.emulator.time;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SchedulerTest {

    @Test
    void eventsRunInTimeThenArmingOrder() {
        Scheduler s = new Scheduler();
        List<String> order = new ArrayList<>();
        s.at(200, () -> order.add("b@200"));
        s.at(100, () -> order.add("a@100"));
        s.at(200, () -> order.add("c@200"));
        s.at(50, () -> order.add("first@50"));
        s.runUntil(1000);
        assertEquals(List.of("first@50", "a@100", "b@200", "c@200"), order);
        assertEquals(1000, s.now());
    }

    @Test
    void aDelayPastTheLastRepresentableTimeIsNeverNotAtOnce() {
        Scheduler s = new Scheduler();
        s.runUntil(Long.MAX_VALUE - 10); // replayed time comes from a capture
        List<String> ran = new ArrayList<>();
        s.after(1_000, () -> ran.add("after"));
        Timer t = s.newTimer(() -> ran.add("timer"));
        t.arm(Scheduler.deadline(s.now(), Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, t.deadline());
        s.runUntil(Long.MAX_VALUE - 1);
        assertEquals(List.of(), ran, "a sum that wrapped would be a time long past, due at once");
        assertEquals(Long.MAX_VALUE, Scheduler.deadline(5, Long.MAX_VALUE));
        assertEquals(15, Scheduler.deadline(5, 10));
        assertEquals(5, Scheduler.deadline(5, -3));
    }

    @Test
    void timeAdvancesOnlyToEventsThatRun() {
        Scheduler s = new Scheduler();
        long[] seen = new long[1];
        s.at(500, () -> seen[0] = s.now());
        s.runUntil(499);
        assertEquals(0, seen[0]);
        assertEquals(499, s.now());
        assertTrue(s.runNext());
        assertEquals(500, seen[0]);
        assertFalse(s.runNext());
    }

    @Test
    void runBeforeLeavesEventsDueExactlyThenPending() {
        Scheduler s = new Scheduler();
        List<String> order = new ArrayList<>();
        s.at(99, () -> order.add("99"));
        s.at(100, () -> order.add("100"));
        s.runBefore(100);
        assertEquals(List.of("99"), order);
        assertEquals(100, s.now());
        assertEquals(1, s.pending());
        s.runUntil(100);
        assertEquals(List.of("99", "100"), order);
    }

    @Test
    void rearmingMovesATimerAndCancelRemovesIt() {
        Scheduler s = new Scheduler();
        int[] fired = new int[1];
        Timer t = s.newTimer(() -> fired[0]++);
        t.arm(100);
        t.arm(300);
        assertEquals(300, t.deadline());
        s.runUntil(200);
        assertEquals(0, fired[0]);
        s.runUntil(300);
        assertEquals(1, fired[0]);
        assertFalse(t.armed());
        t.arm(400);
        t.cancel();
        s.runUntil(1000);
        assertEquals(1, fired[0]);
        assertEquals(0, s.pending());
    }

    @Test
    void aTimerMayRearmItselfFromItsCallback() {
        Scheduler s = new Scheduler();
        List<Long> ticks = new ArrayList<>();
        Timer[] t = new Timer[1];
        t[0] = s.newTimer(() -> {
            ticks.add(s.now());
            if (ticks.size() < 3) {
                t[0].arm(s.now() + 10);
            }
        });
        t[0].arm(10);
        s.runUntil(100);
        assertEquals(List.of(10L, 20L, 30L), ticks);
    }

    @Test
    void deadlinesInThePastFireAtTheCurrentTime() {
        Scheduler s = new Scheduler();
        s.runUntil(1000);
        long[] at = new long[1];
        s.at(5, () -> at[0] = s.now());
        s.runUntil(1000);
        assertEquals(1000, at[0]);
    }

    @Test
    void manyInterleavedTimersKeepHeapOrder() {
        Scheduler s = new Scheduler();
        java.util.Random r = new java.util.Random(42);
        List<Long> fired = new ArrayList<>();
        Timer[] timers = new Timer[200];
        for (int i = 0; i < timers.length; i++) {
            timers[i] = s.newTimer(() -> fired.add(s.now()));
        }
        for (int round = 0; round < 5000; round++) {
            Timer t = timers[r.nextInt(timers.length)];
            if (r.nextInt(4) == 0) {
                t.cancel();
            } else {
                t.arm(r.nextInt(1_000_000));
            }
        }
        s.runUntil(Long.MAX_VALUE - 1);
        for (int i = 1; i < fired.size(); i++) {
            assertTrue(fired.get(i - 1) <= fired.get(i));
        }
        assertEquals(0, s.pending());
    }

    /**
     * Timers armed, re-armed and cancelled at random, some from inside callbacks, run exactly in the order a plain
     * (time, arming order) model gives.
     */
    @Test
    void reArmedAndCancelledTimersRunInTheModelsOrder() {
        runAgainstTheModel(1000);
    }

    /**
     * The same with deadlines on both sides of {@link Scheduler#NEAR_NS}: timers move between the near and the far
     * heap as they are re-armed, and ties at one time across the two still run in arming order.
     */
    @Test
    void timersNearAndFarRunInTheModelsOrder() {
        runAgainstTheModel(3 * Scheduler.NEAR_NS);
    }

    @Test
    void aFarEventRunsBeforeANearOneArmedLaterForTheSameTime() {
        Scheduler s = new Scheduler();
        List<String> order = new ArrayList<>();
        long due = 2 * Scheduler.NEAR_NS;
        s.at(due, () -> order.add("far"));
        s.runUntil(due - 10);
        s.at(due, () -> order.add("near"));
        s.at(due - 5, () -> order.add("nearer"));
        s.runUntil(due);
        assertEquals(List.of("nearer", "far", "near"), order);
    }

    private static void runAgainstTheModel(long maxDelay) {
        java.util.Random random = new java.util.Random(42);
        Scheduler s = new Scheduler();
        // the model: armed timers by (time, arming order)
        java.util.TreeMap<long[], Integer> model = new java.util.TreeMap<>((a, b) ->
                a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        long[][] armedKey = new long[50][];
        long[] armings = {0};
        List<Integer> ran = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        Timer[] timers = new Timer[50];
        for (int t = 0; t < timers.length; t++) {
            int id = t;
            timers[t] = s.newTimer(() -> {
                ran.add(id);
                if (id % 7 == 0) { // some callbacks re-arm another timer
                    int other = (id * 31 + ran.size()) % timers.length;
                    long at = s.now() + 1 + ran.size() % 50 * (maxDelay / 1000);
                    if (armedKey[other] != null) {
                        model.remove(armedKey[other]);
                    }
                    armedKey[other] = new long[] {Math.max(at, s.now()), armings[0]++};
                    model.put(armedKey[other], other);
                    timers[other].arm(at);
                }
            });
        }
        for (int step = 0; step < 200_000; step++) {
            int id = random.nextInt(timers.length);
            int op = random.nextInt(10);
            if (op < 6) {
                long at = s.now() + (long) (random.nextDouble() * maxDelay);
                if (armedKey[id] != null) {
                    model.remove(armedKey[id]);
                }
                armedKey[id] = new long[] {at, armings[0]++};
                model.put(armedKey[id], id);
                timers[id].arm(at);
            } else if (op < 8) {
                if (armedKey[id] != null) {
                    model.remove(armedKey[id]);
                    armedKey[id] = null;
                }
                timers[id].cancel();
            } else if (!model.isEmpty()) {
                var first = model.pollFirstEntry();
                armedKey[first.getValue()] = null;
                expected.add(first.getValue());
                assertEquals(first.getKey()[0], s.nextEventTime());
                assertTrue(s.runNext());
                assertEquals(expected.size(), ran.size(), "one callback per run");
            }
            assertEquals(model.size(), s.pending());
        }
        assertEquals(expected, ran);
    }

    @Test
    void drainingWithoutALimitStopsWhenNothingIsLeft() {
        Scheduler s = new Scheduler();
        Timer t = s.newTimer(() -> { });
        t.arm(10);
        t.arm(20);
        s.at(5, () -> { });
        assertEquals(2, s.drain(Long.MAX_VALUE));
        assertEquals(0, s.drain(Long.MAX_VALUE));
        s.runUntil(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, s.nextEventTime());
    }
}
