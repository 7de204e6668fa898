package io.trapline.emulator.time;

import java.util.Arrays;

/**
 * The virtual clock and discrete-event scheduler of an embedded machine. Events run in (time, sequence)
 * order, where the sequence is the order in which they were armed, so runs are deterministic. Time only
 * moves when the scheduler runs an event or is told to advance; nothing here reads a wall clock.
 *
 * <p>Single-threaded by design, like the device models it drives. Pending events live in an indexed
 * binary heap, so re-arming a timer is O(log n) and never allocates.
 */
public final class Scheduler {
    private long now;
    private long nextSequence;
    private Entry[] heap = new Entry[64];
    private int count;

    /** Current virtual time in nanoseconds. */
    public long now() {
        return now;
    }

    /** A timer whose callback this scheduler runs; the timer is reusable. */
    public Timer newTimer(Runnable callback) {
        return new Entry(callback);
    }

    /** Runs {@code action} once at {@code timeNs} (or at the current time if that is in the past). */
    public void at(long timeNs, Runnable action) {
        new Entry(action).arm(timeNs);
    }

    /** Runs {@code action} once, {@code delayNs} after now. */
    public void after(long delayNs, Runnable action) {
        at(now + delayNs, action);
    }

    public int pending() {
        return count;
    }

    /** Time of the earliest pending event, or {@code Long.MAX_VALUE} when nothing is pending. */
    public long nextEventTime() {
        return count == 0 ? Long.MAX_VALUE : heap[0].time;
    }

    /** Runs the earliest pending event, advancing time to it; false when nothing is pending. */
    public boolean runNext() {
        if (count == 0) {
            return false;
        }
        Entry e = heap[0];
        remove(e);
        if (e.time > now) {
            now = e.time;
        }
        e.callback.run();
        return true;
    }

    /**
     * Runs every event due at or before {@code timeNs}, in order, then sets the clock to {@code timeNs}.
     * Events armed by those events are run too if they fall in the window. Time never goes backwards.
     */
    public void runUntil(long timeNs) {
        while (count > 0 && heap[0].time <= timeNs) {
            runNext();
        }
        if (timeNs > now) {
            now = timeNs;
        }
    }

    /**
     * Runs every event due strictly before {@code timeNs}, then sets the clock to {@code timeNs}: events due
     * exactly then stay pending. Replay uses it to deliver a recorded input at its time before that time's timers.
     */
    public void runBefore(long timeNs) {
        while (count > 0 && heap[0].time < timeNs) {
            runNext();
        }
        if (timeNs > now) {
            now = timeNs;
        }
    }

    /** Runs events until none are pending or the next one lies after {@code limitNs}; returns events run. */
    public long drain(long limitNs) {
        long n = 0;
        while (count > 0 && heap[0].time <= limitNs) {
            runNext();
            n++;
        }
        return n;
    }

    private final class Entry implements Timer {
        final Runnable callback;
        long time = Long.MIN_VALUE;
        long sequence;
        int index = -1;

        Entry(Runnable callback) {
            this.callback = callback;
        }

        @Override
        public void arm(long deadlineNs) {
            if (index >= 0) {
                remove(this);
            }
            time = Math.max(deadlineNs, now);
            sequence = nextSequence++;
            insert(this);
        }

        @Override
        public void cancel() {
            if (index >= 0) {
                remove(this);
            }
        }

        @Override
        public boolean armed() {
            return index >= 0;
        }

        @Override
        public long deadline() {
            return index >= 0 ? time : Long.MIN_VALUE;
        }
    }

    private static boolean before(Entry a, Entry b) {
        return a.time < b.time || (a.time == b.time && a.sequence < b.sequence);
    }

    private void insert(Entry e) {
        if (count == heap.length) {
            heap = Arrays.copyOf(heap, count * 2);
        }
        heap[count] = e;
        e.index = count;
        count++;
        siftUp(e.index);
    }

    private void remove(Entry e) {
        int i = e.index;
        count--;
        Entry last = heap[count];
        heap[count] = null;
        e.index = -1;
        if (i != count) {
            heap[i] = last;
            last.index = i;
            siftDown(i);
            siftUp(last.index);
        }
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (!before(e, p)) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = e;
        e.index = i;
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= count) {
                break;
            }
            if (child + 1 < count && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], e)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].index = i;
            i = child;
        }
        heap[i] = e;
        e.index = i;
    }
}
