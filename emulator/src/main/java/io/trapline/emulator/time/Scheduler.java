package io.trapline.emulator.time;

import java.util.Arrays;

/**
 * The virtual clock and discrete-event scheduler of an embedded machine. Events run in (time, sequence)
 * order, where the sequence is the order in which they were armed, so runs are deterministic. Time only
 * moves when the scheduler runs an event or is told to advance; nothing here reads a wall clock.
 *
 * <p>Single-threaded by design, like the device models it drives. Pending events live in two indexed binary heaps,
 * so re-arming a timer is O(log n) and never allocates: one for events due within {@link #NEAR_NS} of the time they
 * were armed, one for the rest, and the next event is the earlier of the two heaps' first. A web workload leaves
 * about 1,300 timers pending far ahead (each closed connection's TIME_WAIT, its retransmission timers), while the
 * events that make up its traffic are due microseconds ahead: kept apart, those sift through a few levels of a small
 * heap instead of about ten levels of a large one (docs/benchmarks.md, seventeenth round). Any split gives the
 * same order; the split only decides what each operation costs.
 *
 * <p>A heap is arrays only: a slot holds its event's time, sequence and a small id, and the id leads to the timer
 * and to its slot, so a sift reads and writes nothing else (the timers lie spread over the Java heap).
 */
public final class Scheduler {
    /** Events due at least this far ahead when armed go to the far heap. */
    static final long NEAR_NS = 1_000_000;

    private long now;
    private long nextSequence;
    private final Heap near = new Heap();
    private final Heap far = new Heap();
    /** By id, for armed timers only: an id is handed out when a timer is armed and taken back when it is not. */
    private int[] slots = new int[64];
    private Entry[] timers = new Entry[64];
    /** Ids taken back, reused last-in first-out so that the arrays by id stay as small as the heaps. */
    private int[] freeIds = new int[64];
    private int freeCount;
    private int idsHandedOut;

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
        return near.count + far.count;
    }

    /** Time of the earliest pending event, or {@code Long.MAX_VALUE} when nothing is pending. */
    public long nextEventTime() {
        Heap h = first();
        return h == null ? Long.MAX_VALUE : h.times[0];
    }

    /** The heap holding the earliest pending event, or null when nothing is pending. */
    private Heap first() {
        if (far.count == 0) {
            return near.count == 0 ? null : near;
        }
        if (near.count == 0) {
            return far;
        }
        return near.before(0, far.times[0], far.sequences[0]) ? near : far;
    }

    /** Runs the earliest pending event, advancing time to it; false when nothing is pending. */
    public boolean runNext() {
        Heap h = first();
        if (h == null) {
            return false;
        }
        run(h);
        return true;
    }

    private void run(Heap h) {
        Entry e = timers[h.ids[0]];
        long time = h.times[0];
        remove(e);
        if (time > now) {
            now = time;
        }
        e.callback.run();
    }

    /**
     * Runs every event due at or before {@code timeNs}, in order, then sets the clock to {@code timeNs}.
     * Events armed by those events are run too if they fall in the window. Time never goes backwards.
     */
    public void runUntil(long timeNs) {
        drain(timeNs);
        if (timeNs > now) {
            now = timeNs;
        }
    }

    /**
     * Runs every event due strictly before {@code timeNs}, then sets the clock to {@code timeNs}: events due
     * exactly then stay pending. Replay uses it to deliver a recorded input at its time before that time's timers.
     */
    public void runBefore(long timeNs) {
        Heap h;
        while ((h = first()) != null && h.times[0] < timeNs) {
            run(h);
        }
        if (timeNs > now) {
            now = timeNs;
        }
    }

    /** Runs events until none are pending or the next one lies after {@code limitNs}; returns events run. */
    public long drain(long limitNs) {
        long n = 0;
        Heap h;
        while ((h = first()) != null && h.times[0] <= limitNs) {
            run(h);
            n++;
        }
        return n;
    }

    private final class Entry implements Timer {
        final Runnable callback;
        long time = Long.MIN_VALUE;
        long sequence;
        /** The id and the heap while armed; -1 and null otherwise. */
        int id = -1;
        Heap heap;

        Entry(Runnable callback) {
            this.callback = callback;
        }

        @Override
        public void arm(long deadlineNs) {
            if (id >= 0) {
                remove(this);
            }
            time = Math.max(deadlineNs, now);
            sequence = nextSequence++;
            insert(this);
        }

        @Override
        public void cancel() {
            if (id >= 0) {
                remove(this);
            }
        }

        @Override
        public boolean armed() {
            return id >= 0;
        }

        @Override
        public long deadline() {
            return id >= 0 ? time : Long.MIN_VALUE;
        }
    }

    private void insert(Entry e) {
        if (idsHandedOut == slots.length && freeCount == 0) {
            int n = slots.length * 2;
            slots = Arrays.copyOf(slots, n);
            timers = Arrays.copyOf(timers, n);
            freeIds = Arrays.copyOf(freeIds, n);
        }
        int id = freeCount > 0 ? freeIds[--freeCount] : idsHandedOut++;
        timers[id] = e;
        e.id = id;
        e.heap = e.time - now < NEAR_NS ? near : far;
        e.heap.add(id, e.time, e.sequence);
    }

    private void remove(Entry e) {
        int id = e.id;
        e.heap.removeAt(slots[id]);
        timers[id] = null;
        freeIds[freeCount++] = id;
        e.id = -1;
        e.heap = null;
    }

    /** A binary heap of (time, sequence, id), slot 0 the earliest; {@link #slots} says where each id is. */
    private final class Heap {
        long[] times = new long[64];
        long[] sequences = new long[64];
        int[] ids = new int[64];
        int count;

        void add(int id, long time, long sequence) {
            if (count == times.length) {
                int n = count * 2;
                times = Arrays.copyOf(times, n);
                sequences = Arrays.copyOf(sequences, n);
                ids = Arrays.copyOf(ids, n);
            }
            count++;
            siftUp(count - 1, id, time, sequence);
        }

        void removeAt(int i) {
            count--;
            if (i != count) {
                int last = ids[count];
                long time = times[count];
                long sequence = sequences[count];
                siftDown(i, last, time, sequence);
                if (slots[last] == i) {
                    siftUp(i, last, time, sequence);
                }
            }
        }

        /** Places the event (id, time, sequence) at slot i or above it, moving the slots it goes before down. */
        private void siftUp(int i, int id, long time, long sequence) {
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!(time < times[parent] || (time == times[parent] && sequence < sequences[parent]))) {
                    break;
                }
                move(parent, i);
                i = parent;
            }
            put(i, id, time, sequence);
        }

        /** Places the event (id, time, sequence) at slot i or below it, moving the slots that go before it up. */
        private void siftDown(int i, int id, long time, long sequence) {
            while (true) {
                int child = 2 * i + 1;
                if (child >= count) {
                    break;
                }
                if (child + 1 < count && before(child + 1, times[child], sequences[child])) {
                    child++;
                }
                if (!before(child, time, sequence)) {
                    break;
                }
                move(child, i);
                i = child;
            }
            put(i, id, time, sequence);
        }

        /** Whether slot i's event runs before an event at (time, sequence). */
        boolean before(int i, long time, long sequence) {
            return times[i] < time || (times[i] == time && sequences[i] < sequence);
        }

        private void move(int from, int to) {
            times[to] = times[from];
            sequences[to] = sequences[from];
            int id = ids[from];
            ids[to] = id;
            slots[id] = to;
        }

        private void put(int i, int id, long time, long sequence) {
            times[i] = time;
            sequences[i] = sequence;
            ids[i] = id;
            slots[id] = i;
        }
    }
}
