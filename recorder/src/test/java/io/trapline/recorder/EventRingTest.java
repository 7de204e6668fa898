package io.trapline.recorder;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The ring's laps: cut short after the hot window while the consumer keeps up, on into the array while it does not. */
class EventRingTest {
    private static final int CAPACITY = 8 << 20;
    private static final int HOT = 1 << 20;
    private static final int RECORD = EventRing.recordSize(64 << 10);

    /** Claims and publishes one record holding {@code value}; returns its offset. */
    private static int put(EventRing ring, long value, boolean mayWrapEarly) {
        int at = ring.claim(RECORD, mayWrapEarly);
        assertTrue(at >= 0, "room for the record");
        ring.putInt(at + EventRing.LENGTH, 0);
        ring.putLong(at + EventRing.VALUE, value);
        ring.publish();
        return at;
    }

    /** Takes every published record, as the writer thread does; returns their values. */
    private static List<Long> drain(EventRing ring, long[] position) {
        List<Long> values = new ArrayList<>();
        long limit = ring.readLimit();
        while (position[0] < limit) {
            position[0] = ring.recordStart(position[0]);
            int at = ring.offsetOf(position[0]);
            values.add(ring.getLong(at + EventRing.VALUE));
            position[0] += ring.sizeAt(at);
            ring.release(position[0]);
        }
        return values;
    }

    @Test
    void whileTheConsumerKeepsUpTheProducerStaysInTheHotWindow() {
        EventRing ring = new EventRing(CAPACITY, HOT);
        long[] position = {0};
        long value = 0;
        int highest = 0;
        for (int i = 0; i < 1000; i++) { // 64 MiB: eight times the array
            int at = put(ring, value, true);
            highest = Math.max(highest, at + RECORD);
            assertEquals(List.of(value), drain(ring, position), "records come out in order, across the cut laps");
            value++;
        }
        assertTrue(highest <= HOT + RECORD, "never further than one record past the hot window: " + highest);
    }

    @Test
    void whenTheConsumerFallsBehindTheLapGoesOnIntoTheArray() {
        EventRing ring = new EventRing(CAPACITY, HOT);
        long[] position = {0};
        List<Long> written = new ArrayList<>();
        int highest = 0;
        for (long v = 0; v < 48; v++) { // 3 MiB unread: more than the hot window
            highest = Math.max(highest, put(ring, v, true) + RECORD);
            written.add(v);
        }
        assertTrue(highest > 2 * HOT, "the lap went on past the hot window instead of waiting: " + highest);
        assertEquals(written, drain(ring, position));
        // caught up again: the next lap is cut short at the hot window
        int at = 0;
        for (long v = 48; v < 200; v++) {
            at = put(ring, v, true);
            drain(ring, position);
        }
        assertTrue(at < HOT, "back in the hot window: " + at);
    }

    @Test
    void recordsEndingExactlyAtTheArraysEndAreReadAndTheNextLapStartsAtItsStart() {
        int record = 64 << 10;
        int payload = record - EventRing.TIMED_PAYLOAD;
        assertEquals(record, EventRing.recordSize(payload));
        EventRing ring = new EventRing(CAPACITY, CAPACITY); // no lap cut short
        long[] position = {0};
        List<Long> read = new ArrayList<>();
        long value = 0;
        for (int lap = 0; lap < 3; lap++) {
            for (int i = 0; i < CAPACITY / record; i++) {
                int at = ring.claim(record, true);
                assertEquals(i * record, at, "back to back, the last one ending at the array's end, no skip marker");
                ring.putInt(at + EventRing.LENGTH, payload);
                ring.putLong(at + EventRing.VALUE, value++);
                ring.publish();
                if (i % 16 == 15) {
                    read.addAll(drain(ring, position));
                }
            }
        }
        assertEquals(value, read.size());
        for (int i = 0; i < read.size(); i++) {
            assertEquals(i, read.get(i));
        }
    }

    @Test
    void aFullArrayStillRefusesAClaim() {
        EventRing ring = new EventRing(CAPACITY, HOT);
        int claimed = 0;
        while (ring.claim(RECORD, true) >= 0) {
            claimed++;
            ring.publish();
        }
        assertEquals(CAPACITY / RECORD, claimed, "the whole array, not just the hot window, before the producer waits");
    }

    @Test
    void recordsHeldTogetherAreNeverCutOffFromEachOther() {
        EventRing ring = new EventRing(CAPACITY, HOT);
        long[] position = {0};
        int at = 0;
        for (long v = 0; v < 15; v++) { // up to just short of the hot window
            at = put(ring, v, true);
            drain(ring, position);
        }
        int previousEnd = at + RECORD;
        for (long v = 15; v < 40; v++) { // held outputs: right behind each other, past the hot window
            int next = ring.claim(RECORD, false);
            assertEquals(previousEnd, next);
            previousEnd = next + RECORD;
        }
    }

    @Test
    void aHotWindowLargerThanTheRingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EventRing(CAPACITY, 2 * CAPACITY));
        assertThrows(IllegalArgumentException.class, () -> new EventRing(CAPACITY, 0));
    }

    @Test
    void aRecordSizeNoClaimMakesIsReportedInsteadOfWalkedOn() {
        EventRing ring = new EventRing(CAPACITY, HOT);
        int at = put(ring, 7, true);
        assertEquals(RECORD, ring.sizeAt(at));
        ring.putInt(at + EventRing.SIZE, 0); // a reader adding 0 would stay on this record for ever
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ring.sizeAt(at));
        assertTrue(e.getMessage().contains("size of 0 bytes"), e.getMessage());
        ring.putInt(at + EventRing.SIZE, CAPACITY - at + 8); // past the array's end
        assertThrows(IllegalStateException.class, () -> ring.sizeAt(at));
    }
}
