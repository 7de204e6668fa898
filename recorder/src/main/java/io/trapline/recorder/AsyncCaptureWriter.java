package io.trapline.recorder;

import net.openhft.chronicle.core.io.BackgroundResourceReleaser;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A capture writer that keeps Chronicle off the recording thread: {@link #append} copies the event into a bounded
 * {@link EventRing} and returns; a writer thread takes events out in order and appends them to a
 * {@link CaptureWriter} (and to an optional observer). The capture's bytes are the same as with a
 * {@link CaptureWriter} used directly.
 *
 * <ul>
 * <li>Bounded memory: when the ring is full, {@code append} waits for the writer thread (back-pressure).</li>
 * <li>{@link #close()} drains the ring before closing the capture, so nothing appended is lost on a normal close.
 *     A process killed mid-run loses what was still in the ring; every event already appended to the queue stays
 *     readable, as with {@link CaptureWriter}.</li>
 * <li>A failure of the writer thread (disk full, a queue that cannot be created, a metadata update that throws at
 *     close) is reported as one {@link CaptureException} naming the capture, thrown by the next call (and the same one
 *     by every call after it but {@code close}); the capture keeps every event the writer thread had taken and is
 *     left at status "recording".</li>
 * </ul>
 * One producer thread only, like {@link CaptureWriter}.
 */
public final class AsyncCaptureWriter implements EventSink, AutoCloseable {
    /**
     * Default ring size, about 28 ms of a fast recording: room for the writer thread to fall behind (its page faults
     * in a new queue file sometimes cost it twice as long as usual, and the queue takes 2–16 ms to create) without
     * making the recording wait. While the writer keeps up, the recording stays in the first {@link #HOT_BYTES}
     * (docs/benchmarks.md, thirteenth round).
     */
    public static final int DEFAULT_RING_BYTES = 16 << 20;
    /**
     * The ring's hot window ({@link EventRing}). The fewer bytes the recording thread's stores stream through its
     * core's L2 (2 MiB on the benchmark machine), the less of the simulation's data they push out: 1 MiB measured
     * about a point cheaper than 4 MiB for both NICs once the writer thread slept 30 µs and so kept within half a
     * window (docs/benchmarks.md, sixteenth round; the thirteenth, with 100 µs sleeps, found 1–2 MiB no cheaper).
     * 512 KiB was no cheaper again.
     */
    static final int HOT_BYTES = 1 << 20;
    /**
     * How long the writer thread sleeps when it has caught up, while the recording thread keeps it busy: appends
     * never wake it (a wake-up per event would cost more than the append), so events wait about this long in the
     * ring. Short, because what the ring holds when the guest is done is what closing waits for, and because the
     * recording thread ran faster beside a writer that sleeps 30 µs than beside one that sleeps 100 µs: virtio-net
     * +18.4% against +20.5% over eleven alternated pairs (a sleep of 1 ms was worse again; docs/benchmarks.md, twelfth
     * and fifteenth rounds).
     */
    static final long MIN_NAP_NS = 30_000;
    /** The longest sleep, reached when the ring stays empty (a guest that is quiet in host time): little CPU then. */
    static final long MAX_NAP_NS = 1_000_000;
    /**
     * While catching up, the writer thread stays at least this far behind the recording thread (and writes the rest
     * after its next sleep): reading the records just written, right next to the ones being written, would move
     * their cache lines and the published position between the two cores for every event.
     */
    private static final long CHASE_GAP = 8 << 10;
    /** A producer waiting for room sleeps at most this long; the writer wakes it once a quarter of the ring is free. */
    private static final long FULL_PARK_NS = 1_000_000;

    /** The writer thread's next sleep: the shortest after finding records, twice the last after finding none. */
    static long nextNap(long nap, boolean foundRecords) {
        return foundRecords ? MIN_NAP_NS : Math.min(nap * 2, MAX_NAP_NS);
    }

    private final Path dir;
    private final EventRing ring;
    private final Supplier<? extends EventSink> observer;

    // producer state
    private long nextSequence;
    private long lastTime;
    /** While an input is held: the ring position before its record, that record's offset, and the sequence it got. */
    private boolean holding;
    private long holdFrom;
    private int holdAt;
    private long holdSequence;
    private boolean closed;
    /** The writer thread's failure as reported to the caller, once it has been: every later call throws the same. */
    private CaptureException reportedFailure;
    /** Region indexes handed out so far, in order: the writer thread registers the names in the same order. */
    private final Map<String, Integer> regions = new HashMap<>();

    // shared with the writer thread
    private volatile Throwable failure;
    private volatile boolean producerWaiting;
    private volatile Thread producer;
    /** The thread running this capture's writer loop (from {@link WriterThreads}), once it has started; null before. */
    private volatile Thread writerThread;
    /** False once the writer loop has ended: it touches neither the ring nor the capture again. */
    private volatile boolean writerRunning = true;
    private final Object commandLock = new Object();
    private UnaryOperator<CaptureWriter> command;
    private boolean commandDone;
    private RuntimeException commandFailure;
    private volatile boolean commandPending;
    /** Region names handed out but not yet registered in capture.json; added before the events that may use them are published. */
    private final ConcurrentLinkedQueue<String> newRegions = new ConcurrentLinkedQueue<>();

    /** Bytes of the events in the capture ({@link CaptureWriter#eventBytes}), known once it is closed; -1 before. */
    private long closedEventBytes = -1;
    /** Events the capture holds after the writer thread failed and left it incomplete; -1 without a failure. */
    private volatile long keptAfterFailure = -1;
    /** CPU time the writer loop used, known once the writer thread is done with the capture; -1 before (commandLock). */
    private long writerCpuNs = -1;
    /** True once the writer thread is done with the capture: the queue closed and unmapped, its CPU time known (commandLock). */
    private boolean writerDone;

    // writer thread state
    private CaptureWriter writer;
    /** The per-record state, made on the writer thread once the queue exists. */
    private Drain drain;
    private boolean stopped;

    private AsyncCaptureWriter(Path dir, CaptureMetadata metadata, Supplier<? extends EventSink> observer, EventRing ring) {
        this.dir = dir;
        this.ring = ring;
        this.observer = observer;
        if (metadata.regions() != null) {
            metadata.regions().forEach(name -> regions.put(name, regions.size())); // the indexes CaptureWriter gives them
        }
        WriterThreads.start(() -> runOnThisThread(metadata));
    }

    /** Creates a capture in {@code dir} (absent or empty; checked now) written by a new writer thread. */
    public static AsyncCaptureWriter create(Path dir, CaptureMetadata metadata) {
        return create(dir, metadata, null, DEFAULT_RING_BYTES);
    }

    /**
     * As {@link #create(Path, CaptureMetadata)}, with an observer given every event on the writer thread right after
     * it was appended, and a ring of {@code ringBytes} (a power of two, at least twice the largest event; its hot
     * window is {@link #HOT_BYTES}, or the whole ring if that is smaller). The
     * observer is made by {@code observer} (may be null) on the writer thread: what it writes for every event then
     * sits in that thread's memory, not on a cache line next to the recording thread's data (sharing one costs
     * the recording thread a cache miss per event).
     */
    public static AsyncCaptureWriter create(Path dir, CaptureMetadata metadata, Supplier<? extends EventSink> observer,
                                            int ringBytes) {
        return create(dir, metadata, observer, ringBytes, Math.min(ringBytes, HOT_BYTES));
    }

    /** As {@link #create(Path, CaptureMetadata, Supplier, int)} with a hot window of {@code hotBytes} (tests). */
    static AsyncCaptureWriter create(Path dir, CaptureMetadata metadata, Supplier<? extends EventSink> observer,
                                     int ringBytes, int hotBytes) {
        CaptureWriter.checkRegions(metadata);
        EventRing ring = new EventRing(ringBytes, hotBytes); // the large allocation first: if it fails, nothing is on disk yet
        boolean existed = java.nio.file.Files.exists(dir);
        CaptureWriter.prepareDirectory(dir);
        AsyncCaptureWriter w = new AsyncCaptureWriter(dir, metadata, observer, ring);
        w.dirExisted = existed;
        return w;
    }

    /** Whether the capture's directory was there (empty) before: a capture that could not be made leaves it so. */
    private boolean dirExisted;

    public Path directory() {
        return dir;
    }

    @Override
    public long append(long timeNs, EventType type, int device, int queue, int region, int size, long address,
                       long value, int flags, byte[] payload, int offset, int length) {
        if (closed) {
            throw new IllegalStateException("capture writer is closed");
        }
        checkFailure();
        CaptureWriter.checkEvent(lastTime, timeNs, device, queue, region, size, flags, length);
        int recordSize = EventRing.recordSize(length);
        int at = ring.claim(recordSize);
        if (at < 0) {
            at = waitForRoom(recordSize, true);
        }
        EventRing r = ring;
        r.putInt(at + EventRing.LENGTH, length);
        r.putLong(at + EventRing.PACKED, EventChecksum.packed(type.code(), device, queue, region, size, flags));
        r.putLong(at + EventRing.ADDRESS, address);
        r.putLong(at + EventRing.VALUE, value);
        r.putLong(at + EventRing.TIME, timeNs);
        if (length > 0) {
            System.arraycopy(payload, offset, r.buffer, at + EventRing.TIMED_PAYLOAD, length);
        }
        if (!holding) {
            r.publish();
        }
        lastTime = timeNs;
        return nextSequence++;
    }

    // --- holding an input back (RecordingTap): the input's record first, its outputs after it, all published at once

    /**
     * Starts an input whose value and flags are known only when the device call returns: claims its record now so
     * that the outputs the call causes can follow it in the ring directly; nothing is published before
     * {@link #endInput}. {@code payload} (may be null when {@code length} is 0) is copied now.
     */
    void beginInput(EventType type, int device, int region, int size, long address, byte[] payload, int offset, int length) {
        if (closed) {
            throw new IllegalStateException("capture writer is closed");
        }
        checkFailure();
        CaptureWriter.checkEvent(lastTime, lastTime, device, 0, region, size, 0, length);
        holdFrom = ring.head();
        holdSequence = nextSequence;
        int recordSize = EventRing.recordSize(length);
        int at = ring.claim(recordSize);
        if (at < 0) {
            at = waitForRoom(recordSize, true);
        }
        ring.putInt(at + EventRing.LENGTH, length);
        ring.putLong(at + EventRing.PACKED, EventChecksum.packed(type.code(), device, 0, region, size, 0));
        ring.putLong(at + EventRing.ADDRESS, address);
        if (length > 0) {
            System.arraycopy(payload, offset, ring.buffer, at + EventRing.TIMED_PAYLOAD, length);
        }
        holdAt = at;
        holding = true;
        nextSequence++;
    }

    /** True while the outputs of a held input may still go into the ring behind it (a quarter of the ring at most). */
    boolean canHold(int payloadLength) {
        return holding && ring.head() - holdFrom + EventRing.outputRecordSize(payloadLength) <= ring.capacity() >> 2;
    }

    /**
     * Appends an output of the held input right behind it (after {@link #canHold}). It takes the input's time, which
     * the writer thread fills in: the input's is known only at {@link #endInput}, and no clock is read per output.
     */
    void appendOutput(EventType type, int device, int queue, long address, long value, int flags,
                      byte[] payload, int offset, int length) {
        checkHolding();
        CaptureWriter.checkEvent(lastTime, lastTime, device, queue, 0, 0, flags, length);
        int recordSize = EventRing.outputRecordSize(length);
        int at = ring.claim(recordSize, false);
        if (at < 0) {
            at = waitForRoom(recordSize, false);
        }
        EventRing r = ring;
        r.putInt(at + EventRing.LENGTH, length | EventRing.TAKES_INPUT_TIME);
        r.putLong(at + EventRing.PACKED, EventChecksum.packed(type.code(), device, queue, 0, 0, flags));
        r.putLong(at + EventRing.ADDRESS, address);
        r.putLong(at + EventRing.VALUE, value);
        if (length > 0) {
            System.arraycopy(payload, offset, r.buffer, at + EventRing.UNTIMED_PAYLOAD, length);
        }
        nextSequence++;
    }

    /** Completes the held input: time, value and flags into its record, then publishes it and its outputs. */
    void endInput(long timeNs, long value, int flags) {
        checkHolding();
        CaptureWriter.checkTime(lastTime, timeNs);
        EventRing r = ring;
        int at = holdAt;
        r.putLong(at + EventRing.TIME, timeNs);
        r.putLong(at + EventRing.PACKED, r.getLong(at + EventRing.PACKED) | (flags & 0xFFL) << 56);
        r.putLong(at + EventRing.VALUE, value);
        holding = false;
        lastTime = timeNs;
        r.publish();
    }

    /**
     * Gives up holding (a nested input must be recorded before the held one): the held input's record is dropped
     * and the outputs behind it are handed to {@code outputs} in order, to be appended later by the caller.
     */
    void abandonInput(EventSink outputs) {
        checkHolding();
        EventRing r = ring;
        long position = holdFrom;
        long end = r.head();
        boolean first = true;
        while (position < end) {
            position = r.recordStart(position);
            int at = r.offsetOf(position);
            if (!first) {
                r.appendTo(outputs, at, lastTime);
            }
            first = false;
            position += r.sizeAt(at);
        }
        r.rewind(holdFrom);
        nextSequence = holdSequence;
        holding = false;
    }

    /** The held-input calls need an input held, and never reach the ring once it has gone to the next capture. */
    private void checkHolding() {
        if (!holding) {
            throw new IllegalStateException(closed ? "capture writer is closed" : "no input is held");
        }
    }

    private int waitForRoom(int recordSize, boolean mayWrapEarly) {
        producer = Thread.currentThread();
        while (true) {
            producerWaiting = true;
            int at = ring.claim(recordSize, mayWrapEarly);
            if (at >= 0) {
                producerWaiting = false;
                return at;
            }
            checkFailure();
            if (!writerRunning) {
                throw failed(new IllegalStateException("the writer thread has stopped"));
            }
            LockSupport.parkNanos(this, FULL_PARK_NS);
        }
    }

    private void checkFailure() {
        if (failure != null) {
            throw failureToReport();
        }
    }

    /**
     * The writer thread's failure as a {@link CaptureException} naming the capture; the same one every time, so that a
     * call that unwinds through another (a nested input inside a device call) still shows the cause.
     */
    private CaptureException failureToReport() {
        if (reportedFailure == null) {
            reportedFailure = failed(failure);
        }
        return reportedFailure;
    }

    private CaptureException failed(Throwable f) {
        String why = f instanceof CaptureException ? f.getMessage() : dir + ": cannot write the capture: " + reason(f);
        if (writer == null) {
            return new CaptureException(why + " (no capture was made)", f);
        }
        return new CaptureException(why + " (after " + nextSequence + " events were recorded; the capture stays incomplete)", f);
    }

    /**
     * Why writing failed, in words: a page of the mapped queue file that cannot be backed faults (SIGBUS), which the
     * JVM reports as an InternalError about "unsafe memory access"; on a growing file that means the file system is full.
     */
    private static String reason(Throwable f) {
        for (Throwable t = f; t != null; t = t.getCause()) {
            if (IoErrors.isMappedMemoryFault(t)) {
                return "a page of the queue file could not be written (is the file system full?)";
            }
        }
        return CaptureReader.rootMessage(f);
    }

    /**
     * CPU time the writer thread used for this capture in all, in ns, for benchmarks: after {@link #close()}, waits for
     * the thread to be done with the capture (it closes the queue once close has returned); -1 before close.
     */
    public long writerCpuNanos() {
        if (!closed) {
            return -1;
        }
        awaitWriter(() -> writerDone);
        return writerCpuNs;
    }

    /** Events appended so far. */
    public long count() {
        return nextSequence;
    }

    /** The ring the recording thread copies events into (tests). */
    EventRing ring() {
        return ring;
    }

    /** The thread running the writer loop, once it has started (tests). */
    Thread writerThread() {
        return writerThread;
    }

    /** Bytes of the events in the capture (headers and payloads) once {@link #close()} has returned; -1 before. */
    public long eventBytes() {
        return closedEventBytes;
    }

    /**
     * Runs {@code update} on the capture's metadata once every event appended so far has been written (e.g. the BAR
     * addresses, known only at the end of a run).
     */
    public void updateMetadata(UnaryOperator<CaptureMetadata> update) {
        onWriter(w -> {
            w.updateMetadata(update.apply(w.metadata()));
            return w;
        });
    }

    /**
     * The region index for an unmodelled device region name, registering it in capture.json if new. Does not wait
     * for the writer thread (which may still be creating the queue): it registers the name before writing any event
     * appended after this call.
     */
    public int region(String name) {
        if (closed) {
            throw new IllegalStateException("capture writer is closed");
        }
        Integer known = regions.get(name);
        if (known != null) {
            return known;
        }
        if (regions.size() >= 0xFFFF) {
            throw new IllegalStateException("too many regions");
        }
        int index = regions.size();
        regions.put(name, index);
        newRegions.add(name);
        return index;
    }

    /** Writes every event appended so far and records the summary in capture.json (status stays "recording"). */
    public void flush() {
        onWriter(w -> {
            w.flush();
            return w;
        });
    }

    /** The capture's metadata as last written. */
    public CaptureMetadata metadata() {
        CaptureMetadata[] out = new CaptureMetadata[1];
        onWriter(w -> {
            out[0] = w.metadata();
            return w;
        });
        return out[0];
    }

    /**
     * Drains the ring and marks the capture complete; ends the writer loop. The writer thread closes the queue once
     * this has returned (that writes nothing more to the capture).
     */
    @Override
    public void close() {
        close(UnaryOperator.identity());
    }

    /**
     * As {@link #close()}, with {@code update} applied to the capture's metadata on the way (what is known only at
     * the end of a run, e.g. BAR addresses), in the same round trip to the writer thread and the same write of
     * capture.json.
     */
    public void close(UnaryOperator<CaptureMetadata> update) {
        if (!closed) {
            finish(update);
        }
    }

    /**
     * Ends a capture whose run failed: drains the ring and closes the queue without marking the capture complete, so
     * every event appended so far is written and readable and capture.json stays at status "recording" with their
     * summary. Returns how many events the capture holds (an input still held in the ring is not among them).
     * Throws the writer thread's own failure if it had one (the capture is then as that failure left it).
     */
    public long closeIncomplete() {
        if (closed) {
            throw new IllegalStateException("capture writer is closed");
        }
        return finish(null);
    }

    /**
     * Drains the ring, closes the capture (complete with {@code update} applied, or incomplete when it is null) and
     * stops the writer thread; returns the events written.
     */
    private long finish(UnaryOperator<CaptureMetadata> update) {
        long[] written = {-1, -1};
        try {
            if (failure == null) {
                // The command ends the writer loop as well, and the loop's end is what this thread waits for: one
                // wake-up instead of two (each one a wait for a core when the other is busy).
                onWriter(w -> {
                    try {
                        if (update != null) {
                            w.complete(update); // the queue is closed after this thread is let go
                        } else {
                            w.closeIncomplete();
                        }
                        written[0] = w.count();
                        written[1] = w.eventBytes();
                    } catch (RuntimeException e) {
                        fail(e); // e.g. the metadata update or the queue's close: what was appended is still kept
                    } finally {
                        stopped = true; // whatever happened: the waiting thread waits for the loop to end
                    }
                    return w;
                }, true);
            }
        } finally {
            closed = true;
            holding = false; // an input still held is dropped with its outputs (never published)
            stopWriterThread();
            ring.recycle(); // both threads are done with it: closed refuses appends, the writer loop has ended
        }
        closedEventBytes = written[1];
        if (failure == null && written[0] < 0) { // the loop ended without closing the capture: never report success
            fail(new IllegalStateException("the writer thread ended before it closed the capture"));
        }
        if (failure != null && reportedFailure == null) {
            throw failureToReport();
        }
        return failure != null ? keptAfterFailure : written[0];
    }

    private void stopWriterThread() {
        synchronized (commandLock) {
            stopped = true;
        }
        commandPending = true;
        unparkWriter();
        awaitWriter(() -> !writerRunning);
    }

    /**
     * Waits until {@code done} holds, checked under the command lock whenever the writer thread signals it (and every
     * 10 ms); an interrupt meanwhile is kept for the caller instead of cutting the wait short.
     */
    private void awaitWriter(BooleanSupplier done) {
        boolean interrupted = false;
        synchronized (commandLock) {
            while (!done.getAsBoolean()) {
                try {
                    commandLock.wait(10);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code action} on the writer thread once the ring is drained, and waits for it. */
    private void onWriter(UnaryOperator<CaptureWriter> action) {
        onWriter(action, false);
    }

    /**
     * Runs {@code action} on the writer thread once the ring is drained, and waits for it, or with {@code last} (an
     * action that stops the loop) for the loop to end.
     */
    private void onWriter(UnaryOperator<CaptureWriter> action, boolean last) {
        if (closed) {
            throw new IllegalStateException("capture writer is closed");
        }
        checkFailure();
        synchronized (commandLock) {
            command = action;
            commandDone = false;
            commandFailure = null;
            // The loop ends after the last command even when it does not run it: a failure of the writer thread
            // after the caller last looked makes it skip the command, and the caller waits for the loop to end.
            stopped |= last;
        }
        commandPending = true;
        unparkWriter();
        awaitWriter(() -> !last && commandDone || !writerRunning);
        checkFailure();
        if (commandFailure != null) {
            throw commandFailure;
        }
    }

    /**
     * Wakes the writer loop if it is parked. Before the loop has started there is nothing to wake: it looks at
     * {@code commandPending} before it first parks.
     */
    private void unparkWriter() {
        Thread t = writerThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    // --- writer thread ---

    /**
     * The writer loop on a thread from {@link WriterThreads}, named after the capture while it runs; measures the
     * loop's CPU time and says when it has ended (instead of a join, which would wait for the thread to end too).
     */
    private void runOnThisThread(CaptureMetadata metadata) {
        Thread self = Thread.currentThread();
        self.setName("capture-writer " + dir.getFileName());
        writerThread = self;
        var threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        try {
            run(metadata);
        } catch (Throwable t) {
            // Anything that ends the loop early fails the capture. Some failures arrive asynchronously: a write into
            // the mapped queue file on a full file system faults, and the JVM throws the InternalError for it at a
            // later safepoint, anywhere in this loop, not inside the append that faulted.
            fail(t);
        } finally {
            synchronized (commandLock) {
                writerRunning = false;
                commandLock.notifyAll();
            }
            Thread waiting = producer;
            if (waiting != null) {
                LockSupport.unpark(waiting); // a producer waiting for room learns that no room will come
            }
            // Only now, with the recording thread gone on: closing the queue unmaps 80 MiB or more (2-2.5 ms of
            // munmap on a background thread, which stalled whichever thread shared its CPU), and reading this
            // thread's CPU time can wait that long too (docs/benchmarks.md, thirteenth round).
            releaseQueue();
            long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
            self.setName(WriterThreads.IDLE_NAME);
            synchronized (commandLock) {
                writerCpuNs = cpu;
                writerDone = true;
                commandLock.notifyAll();
            }
        }
    }

    /**
     * Closes the queue of a capture that is complete (or that a failure already closed) and waits until its files are
     * unmapped, so that the next capture does not share the CPUs with that.
     */
    private void releaseQueue() {
        if (writer == null) {
            return;
        }
        try {
            writer.releaseQueue();
            BackgroundResourceReleaser.releasePendingResources();
        } catch (Throwable t) {
            // the capture is already whole on disk (or its failure reported): a mapping that cannot be released
            // changes nothing in it
        }
    }

    private void run(CaptureMetadata metadata) {
        EventSink sink = null;
        try {
            writer = CaptureWriter.createPrepared(dir, metadata);
            sink = observer == null ? null : observer.get();
        } catch (Throwable t) {
            if (writer == null) { // nothing was recorded: leave the directory as it was (absent or empty)
                CaptureWriter.removeUnused(dir, dirExisted);
            }
            fail(t);
        }
        drain = new Drain(sink);
        long position = ring.consumedPosition();
        boolean parked = false;
        long nap = MIN_NAP_NS;
        while (true) {
            long limit = ring.readLimit();
            registerNewRegions();
            if (limit - position >= CHASE_GAP || (parked && position < limit)) {
                position = drain.writeUpTo(position, limit);
                parked = false;
                nap = nextNap(nap, true);
                continue;
            }
            if (commandPending) {
                limit = ring.readLimit();
                registerNewRegions();
                position = drain.writeUpTo(position, limit);
                if (runCommand()) {
                    return;
                }
                continue;
            }
            if (parked) {
                nap = nextNap(nap, false); // woke to nothing new
            }
            LockSupport.parkNanos(this, nap);
            parked = true;
        }
    }

    /** Registers the region names handed out so far (seen after the ring's read limit, so before the events using them). */
    private void registerNewRegions() {
        String name;
        while ((name = newRegions.poll()) != null) {
            if (failure == null) {
                try {
                    writer.region(name);
                } catch (Throwable t) {
                    fail(t);
                }
            }
        }
    }

    /**
     * The writer thread's work per record, in an object made on that thread. It reads nothing the recording thread
     * writes per event but the ring's records and published position: a field of this class's outer object read for
     * every record would share a cache line with the producer's fields, and each event would then cost both cores a
     * cache miss (measured with the other fixes of that kind: recording thread CPU +24–32% over a bare run before,
     * +17–19% after; docs/benchmarks.md).
     */
    private final class Drain {
        private final EventRing r = ring;
        private final CaptureWriter w = writer;
        private final EventSink observer;
        /** A copy of {@code failure != null}: only this thread fails the capture ({@link #fail}). */
        private boolean failed = failure != null;
        /** Time of the last event written without {@link EventRing#TAKES_INPUT_TIME}: the input held outputs follow. */
        private long inputTime;
        /** The position at which a waiting producer was first seen; -1 when none is known to wait. */
        private long waitSeenAt = -1;

        Drain(EventSink observer) {
            this.observer = observer;
        }

        /** Appends (or, after a failure, discards) the records in [position, limit); returns the new position. */
        long writeUpTo(long position, long limit) {
            EventRing r = this.r;
            int records = 0;
            while (position < limit) {
                position = r.recordStart(position);
                int at = r.offsetOf(position);
                int size;
                try {
                    size = r.sizeAt(at);
                    if (position + size > limit) {
                        throw new IllegalStateException("event ring: the record at offset " + at + " ("
                                + size + " bytes) runs past what the recording thread has published");
                    }
                } catch (IllegalStateException broken) {
                    fail(broken); // nothing after it can be found: the rest is discarded
                    r.release(limit);
                    return limit;
                }
                if (!failed) {
                    try {
                        writeRecord(at);
                    } catch (Throwable t) {
                        fail(t);
                    }
                }
                position += size;
                r.release(position);
                // a waiting producer is looked for every 64 records, not on every one (see the class comment)
                if ((++records & 63) == 0 || position >= limit) {
                    wakeProducer(position, limit);
                }
            }
            return position;
        }

        /**
         * Wakes a producer waiting for room once a quarter of the ring's hot window has been taken since it was seen
         * waiting, or everything published (it may be waiting behind records it holds back): not for every record.
         * Positions, not free bytes, count: the room a wait needs may lie past a lap cut short.
         */
        private void wakeProducer(long position, long limit) {
            if (producerWaiting) {
                if (waitSeenAt < 0) {
                    waitSeenAt = position;
                }
                if (position >= limit || position - waitSeenAt >= r.hotBytes() >> 2) {
                    waitSeenAt = -1;
                    producerWaiting = false;
                    LockSupport.unpark(producer);
                }
            }
        }

        private void writeRecord(int at) {
            EventRing r = this.r;
            long time;
            if ((r.getInt(at + EventRing.LENGTH) & EventRing.TAKES_INPUT_TIME) != 0) {
                time = inputTime;
            } else {
                time = r.getLong(at + EventRing.TIME);
                inputTime = time;
            }
            w.appendFields(time, r.getLong(at + EventRing.PACKED), r.getLong(at + EventRing.ADDRESS),
                    r.getLong(at + EventRing.VALUE), r.buffer, r.payloadAt(at), r.payloadLength(at));
            if (observer != null) {
                r.appendTo(observer, at, time);
            }
        }
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
            if (drain != null) {
                drain.failed = true;
            }
            if (writer != null) {
                try {
                    writer.closeIncomplete();
                } catch (Throwable ignored) {
                    // the first failure is the one to report
                }
                keptAfterFailure = writer.count();
            }
        }
    }

    /** Runs the pending command, if any; true when the thread should stop. */
    private boolean runCommand() {
        UnaryOperator<CaptureWriter> action;
        boolean stop;
        synchronized (commandLock) {
            commandPending = false;
            action = command;
            command = null;
            stop = stopped;
        }
        if (action != null) {
            RuntimeException thrown = null;
            if (failure == null) {
                try {
                    action.apply(writer);
                } catch (RuntimeException e) {
                    thrown = e;
                } catch (Throwable t) {
                    fail(t);
                }
            }
            synchronized (commandLock) {
                commandFailure = thrown;
                commandDone = true;
                stop = stopped;
                if (!stop) {
                    commandLock.notifyAll(); // a stopping loop wakes its waiters once, as it ends
                }
            }
        }
        return stop;
    }
}
