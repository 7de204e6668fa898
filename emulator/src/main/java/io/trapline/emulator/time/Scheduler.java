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
 */
public final class Scheduler {
    /** Events due at least this far ahead when armed go to the far heap. */
    static final long NEAR_NS = 1_000_000;

    private long now;
    private long nextSequence;
    private final Heap near = new Heap();
    private final Heap far = new Heap();

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
        at(deadline(now, delayNs), action);
    }

    /**
     * {@code delayNs} (at least 0) after {@code nowNs}, or {@link Long#MAX_VALUE} (never, in practice) when that is
     * past the last representable time: a plain sum wraps to a time long past, and the timer would fire at once.
     * Replayed time comes from a capture, and delays from options and guest registers.
     */
    public static long deadline(long nowNs, long delayNs) {
        long d = Math.max(delayNs, 0);
        return nowNs > Long.MAX_VALUE - d ? Long.MAX_VALUE : nowNs + d;
    }

    public int pending() {
        return near.count + far.count;
    }

    /** Time of the earliest pending event, or {@code Long.MAX_VALUE} when nothing is pending. */
    public long nextEventTime() {
        Heap h = first();
        return h == null ? Long.MAX_VALUE : h.entries[0].time;
    }

    /** The heap holding the earliest pending event, or null when nothing is pending. */
    private Heap first() {
        if (far.count == 0) {
            return near.count == 0 ? null : near;
        }
        if (near.count == 0) {
            return far;
        }
        return Heap.before(near.entries[0], far.entries[0]) ? near : far;
    }

    /** When the earliest pending event is due, or {@link Long#MAX_VALUE} when nothing is pending. */
    public long nextDue() {
        Heap h = first();
        return h == null ? Long.MAX_VALUE : h.entries[0].time;
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
        Entry e = h.entries[0];
        long time = e.time;
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
        while ((h = first()) != null && h.entries[0].time < timeNs) {
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
        while ((h = first()) != null && h.entries[0].time <= limitNs) {
            run(h);
            n++;
        }
        return n;
    }

    private final class Entry implements Timer {
        final Runnable callback;
        long time = Long.MIN_VALUE;
        long sequence;
        /** The heap and the slot in it while armed; null and -1 otherwise. */
        Heap heap;
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

    private void insert(Entry e) {
        e.heap = e.time - now < NEAR_NS ? near : far;
        e.heap.add(e);
    }

    private void remove(Entry e) {
        e.heap.remove(e);
        e.heap = null;
    }

    /** An indexed binary heap of timers, slot 0 the earliest. */
    private static final class Heap {
        Entry[] entries = new Entry[64];
        int count;

        static boolean before(Entry a, Entry b) {
            return a.time < b.time || (a.time == b.time && a.sequence < b.sequence);
        }

        void add(Entry e) {
            if (count == entries.length) {
                entries = Arrays.copyOf(entries, count * 2);
            }
            entries[count] = e;
            e.index = count;
            count++;
            siftUp(e.index);
        }

        void remove(Entry e) {
            int i = e.index;
            count--;
            Entry last = entries[count];
            entries[count] = null;
            e.index = -1;
            if (i != count) {
                entries[i] = last;
                last.index = i;
                siftDown(i);
                siftUp(last.index);
            }
        }

        private void siftUp(int i) {
            Entry e = entries[i];
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                Entry p = entries[parent];
                if (!before(e, p)) {
                    break;
                }
                entries[i] = p;
                p.index = i;
                i = parent;
            }
            entries[i] = e;
            e.index = i;
        }

        private void siftDown(int i) {
            Entry e = entries[i];
            while (true) {
                int child = 2 * i + 1;
                if (child >= count) {
                    break;
                }
                if (child + 1 < count && before(entries[child + 1], entries[child])) {
                    child++;
                }
                if (!before(entries[child], e)) {
                    break;
                }
                entries[i] = entries[child];
                entries[i].index = i;
                i = child;
            }
            entries[i] = e;
            e.index = i;
        }
    }
}
