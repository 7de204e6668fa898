package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

class AsyncCaptureWriterTest {
    /** The smallest ring allowed: twice the largest event. */
    private static final int SMALL_RING = 4 << 20;

    @TempDir
    Path tmp;

    /** A mixed stream: register accesses, FAULT DMA, payloads from 1 byte to 200 KiB, sometimes several per tick. */
    private static long writeStream(EventSink w, int events) {
        byte[] payload = new byte[200_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7 + (i >> 9));
        }
        long t = 0;
        for (int i = 0; i < events; i++) {
            t += i % 3 == 0 ? 0 : 17;
            switch (i % 5) {
                case 0 -> w.append(t, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, i, 0, null, 0, 0);
                case 1 -> w.append(t, EventType.DMA_READ, 0, 0, 0, 0, 0x10_0000L + i, 16, EventFlags.FAULT, null, 0, 0);
                case 2 -> w.append(t, EventType.FRAME_TX, 0, 0, 0, 0, 0, 0, 0, payload, i % 1000, 1 + i % 1514);
                case 3 -> w.append(t, EventType.DMA_WRITE, 1, 2, 3, 0, 0x20_0000L, i, 0, payload, 5, 1 + (i * 7919) % 200_000);
                default -> w.append(t, EventType.MSI, 0, 1, 0, 0, 0xFEE0_0000L, -i, 0, null, 0, 0);
            }
        }
        return events;
    }

    /** SHA-256 over every field and payload byte of every event. */
    static String streamHash(Path capture) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] payload = new byte[EventLayout.MAX_PAYLOAD];
        try (CaptureReader r = CaptureReader.open(capture); EventCursor c = r.cursor()) {
            while (c.next()) {
                md.update((c.sequence() + ":" + c.timeNs() + ":" + c.type() + ":" + c.device() + ":" + c.queue() + ":"
                        + c.region() + ":" + c.size() + ":" + c.flags() + ":" + c.address() + ":" + c.value()).getBytes());
                md.update(payload, 0, c.copyPayload(payload, 0));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void theWriterThreadSleepsShortlyWhileBusyAndBacksOffWhenTheRingStaysEmpty() {
        long nap = AsyncCaptureWriter.MIN_NAP_NS;
        assertEquals(AsyncCaptureWriter.MIN_NAP_NS, AsyncCaptureWriter.nextNap(nap, true));
        int empty = 0;
        while (nap < AsyncCaptureWriter.MAX_NAP_NS) {
            long next = AsyncCaptureWriter.nextNap(nap, false);
            assertTrue(next > nap, "an empty look lengthens the sleep");
            nap = next;
            empty++;
        }
        assertEquals(AsyncCaptureWriter.MAX_NAP_NS, nap, "the sleep stops at its longest");
        assertTrue(empty <= 6, "a quiet ring reaches the longest sleep within a few looks, not " + empty);
        assertEquals(AsyncCaptureWriter.MAX_NAP_NS, AsyncCaptureWriter.nextNap(nap, false));
        assertEquals(AsyncCaptureWriter.MIN_NAP_NS, AsyncCaptureWriter.nextNap(nap, true), "records found: short sleeps again");
    }

    @Test
    void aWriterThreadThatFallsBehindNowAndThenStillWritesTheSameEvents() throws Exception {
        Path direct = tmp.resolve("direct");
        Path async = tmp.resolve("async");
        int events = 3000;
        try (CaptureWriter w = CaptureWriter.create(direct, CaptureFixture.metadata())) {
            writeStream(w, events);
        }
        // Every 400th event the writer thread naps: the recording runs on past the 1 MiB hot window into the rest of
        // the 8 MiB array, and laps are cut short again once the writer has caught up.
        EventSink napping = (t, type, d, q, r, size, a, v, f, p, o, l) -> {
            if (v % 400 == 7) {
                LockSupport.parkNanos(3_000_000);
            }
            return 0;
        };
        try (AsyncCaptureWriter w = AsyncCaptureWriter.create(async, CaptureFixture.metadata(), () -> napping,
                8 << 20, 1 << 20)) {
            writeStream(w, events);
        }
        assertEquals(CaptureMetadata.readFrom(direct).events(), CaptureMetadata.readFrom(async).events());
        assertEquals(streamHash(direct), streamHash(async));
    }

    @Test
    void theCaptureHoldsTheSameEventsAsOneWrittenDirectlyThroughManyWrapsOfTheRing() throws Exception {
        Path direct = tmp.resolve("direct");
        Path async = tmp.resolve("async");
        int events = 3000; // ≈ 60 MB of payload through a 4 MiB ring
        try (CaptureWriter w = CaptureWriter.create(direct, CaptureFixture.metadata())) {
            writeStream(w, events);
        }
        AsyncCaptureWriter written;
        try (AsyncCaptureWriter w = AsyncCaptureWriter.create(async, CaptureFixture.metadata(), null, SMALL_RING)) {
            written = w;
            writeStream(w, events);
            assertEquals(events, w.count());
            assertEquals(-1, w.writerCpuNanos(), "known once the writer thread has stopped");
        }
        assertTrue(written.writerCpuNanos() > 0, "the writer thread's CPU time, for benchmarks");
        CaptureMetadata meta = CaptureMetadata.readFrom(async);
        assertTrue(meta.complete(), "close() drains the ring and marks the capture complete");
        assertEquals(events, meta.events().count());
        assertEquals(CaptureMetadata.readFrom(direct).events(), meta.events());
        assertEquals(streamHash(direct), streamHash(async));
    }

    @Test
    void aClosedCapturesRingGoesToTheNextOneAndNothingOfItShows() throws Exception {
        EventRing first = new EventRing(SMALL_RING);
        first.recycle();
        EventRing next = new EventRing(SMALL_RING);
        assertSame(first.buffer, next.buffer, "the array is reused, not zeroed again");
        next.recycle();
        assertNotSame(next.buffer, new EventRing(2 * SMALL_RING).buffer, "only for a ring of its size");

        // a capture written through a ring full of an earlier capture's events holds exactly its own
        try (AsyncCaptureWriter w = AsyncCaptureWriter.create(tmp.resolve("earlier"), CaptureFixture.metadata(), null, SMALL_RING)) {
            writeStream(w, 3000);
        }
        Path direct = tmp.resolve("direct");
        try (CaptureWriter w = CaptureWriter.create(direct, CaptureFixture.metadata())) {
            writeStream(w, 700);
        }
        Path reused = tmp.resolve("reused");
        AsyncCaptureWriter w = AsyncCaptureWriter.create(reused, CaptureFixture.metadata(), null, SMALL_RING);
        writeStream(w, 700);
        w.beginInput(EventType.MMIO_READ, 0, 0, 4, 0xC0, null, 0, 0);
        w.close(); // with an input held: it is dropped, and the ring is no longer this capture's
        assertEquals(streamHash(direct), streamHash(reused));
        assertThrows(IllegalStateException.class, () -> w.appendOutput(EventType.DMA_WRITE, 0, 0, 0, 1, 0, new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> w.endInput(1, 0, 0));
        assertThrows(IllegalStateException.class, () -> w.abandonInput((t, type, d, q, r, s, a, v, f, p, o, l) -> 0));
    }

    @Test
    void aFullRingMakesTheRecordingThreadWaitForTheWriterThread() throws Exception {
        Path dir = tmp.resolve("cap");
        CountDownLatch release = new CountDownLatch(1);
        EventSink stalled = (t, type, d, q, r, s, a, v, f, p, o, l) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        };
        int events = 200; // 200 x 64 KiB: three times the ring
        byte[] frame = new byte[65_536];
        AtomicLong appended = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try (AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(), () -> stalled, SMALL_RING)) {
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 0; i < events; i++) {
                        frame[0] = (byte) i;
                        w.append(i, EventType.FRAME_TX, 0, 0, 0, 0, 0, i, 0, frame, 0, frame.length);
                        appended.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            producer.start();
            try {
                while (producer.getState() != Thread.State.TIMED_WAITING && producer.isAlive()) {
                    Thread.onSpinWait();
                }
                assertTrue(producer.isAlive(), "the producer cannot finish while the writer thread is stalled");
                long held = appended.get();
                assertTrue(held < events && held * frame.length <= SMALL_RING, "appends stop at the ring's size: " + held);
            } finally {
                release.countDown();
            }
            producer.join();
            assertNull(failed.get());
            assertEquals(events, appended.get());
        }
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            for (int i = 0; i < events; i++) {
                assertTrue(c.next());
                assertEquals(i, c.value());
                assertEquals((byte) i, c.payloadByte(0));
            }
            assertFalse(c.next());
        }
    }

    @Test
    void aWriterThreadFailureIsReportedOnceAndTheCaptureKeepsWhatWasWritten() {
        Path dir = tmp.resolve("cap");
        List<Throwable> errors = new java.util.ArrayList<>();
        AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(),
                () -> failingAt(100, new IllegalStateException("No space left on device")), SMALL_RING);
        try {
            for (long i = 0; i < 10_000_000 && errors.isEmpty(); i++) {
                w.append(i, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, i, 0, null, 0, 0);
            }
        } catch (RuntimeException e) {
            errors.add(e);
        }
        try {
            w.close();
        } catch (RuntimeException e) {
            errors.add(e);
        }
        assertEquals(1, errors.size(), "one error, from append or from close: " + errors);
        CaptureException e = assertInstanceOf(CaptureException.class, errors.get(0));
        assertTrue(e.getMessage().startsWith(dir + ": cannot write the capture: No space left on device"), e.getMessage());
        CaptureMetadata meta = CaptureMetadata.readFrom(dir);
        assertFalse(meta.complete(), "a failed capture is not marked complete");
        long n = 0;
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            while (c.next()) {
                assertEquals(n++, c.value());
            }
        }
        assertEquals(101, n, "every event up to the failing one was appended, nothing after it");
    }

    /**
     * The writer thread fails after close has looked for a failure but before the writer runs close's command (a full
     * file system found by the last events): close reports the failure instead of waiting for ever for a loop that
     * skipped its command.
     */
    @Test
    void aFailureJustBeforeTheCloseCommandRunsEndsTheCloseToo() {
        Path dir = tmp.resolve("late");
        CountDownLatch closing = new CountDownLatch(1);
        AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(), () -> (t, type, d, q, r, s, a, v, f, p, o, l) -> {
            if (v == 99) {
                try {
                    closing.await(); // held here until close has asked for its command
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("No space left on device");
            }
            return 0;
        }, SMALL_RING);
        for (long i = 0; i < 100; i++) {
            w.append(i, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, i, 0, null, 0, 0);
        }
        CaptureException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            closing.countDown();
            return assertThrows(CaptureException.class, w::close);
        }, "close must not wait for ever");
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    }

    /**
     * An error that ends the writer loop outside any append (as the JVM's InternalError for a fault on the mapped queue
     * file of a full file system does: it is thrown at a later safepoint, wherever the thread then is) fails the
     * capture; close must not report a complete capture. Stands in for it: {@code Thread.stop} on the parked writer
     * thread, which throws ThreadDeath there (Java 17; later JDKs no longer stop threads).
     */
    @Test
    @SuppressWarnings({"deprecation", "removal"})
    void anErrorThatEndsTheWriterLoopAnywhereFailsTheCapture() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() < 20, "Thread.stop works up to Java 19");
        Path dir = tmp.resolve("stopped");
        AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(), null, SMALL_RING);
        for (long i = 0; i < 1000; i++) {
            w.append(i, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, i, 0, null, 0, 0);
        }
        Thread writer = null;
        for (long deadline = System.nanoTime() + 10_000_000_000L; writer == null && System.nanoTime() < deadline; ) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals("capture-writer " + dir.getFileName())) {
                    writer = t;
                }
            }
        }
        assertNotNull(writer, "the capture's writer thread");
        // stopped in its loop, not while it is still making the capture (that failure leaves nothing on disk)
        for (long deadline = System.nanoTime() + 10_000_000_000L;
             !(java.nio.file.Files.isDirectory(dir.resolve("events")) && java.nio.file.Files.list(dir.resolve("events"))
                     .anyMatch(f -> f.toString().endsWith(".cq4"))) && System.nanoTime() < deadline; ) {
            Thread.sleep(5);
        }
        Thread.sleep(50);
        writer.stop();
        CaptureException e = assertThrows(CaptureException.class, w::close, "never a complete capture");
        assertTrue(e.getMessage().startsWith(dir + ": cannot write the capture"), e.getMessage());
        assertFalse(CaptureMetadata.readFrom(dir).complete());
    }

    /**
     * A record whose size the writer thread cannot have been given (here zeroed out of turn) fails the capture with one
     * line: the writer thread neither stays on it, appending the same event until the disk is full, nor loses the
     * events written before it.
     */
    @Test
    @Timeout(30)
    void aRingRecordOfASizeNoClaimMakesFailsTheCaptureInsteadOfBeingWrittenForEver() {
        Path dir = tmp.resolve("cap");
        AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(), null, SMALL_RING);
        for (long i = 0; i < 100; i++) {
            w.append(i, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, i, 0, null, 0, 0);
        }
        w.flush();
        EventRing ring = w.ring();
        int at = ring.offsetOf(ring.head());
        w.beginInput(EventType.MMIO_READ, 0, 0, 4, 0x8, null, 0, 0);
        ring.putInt(at + EventRing.SIZE, 0);
        w.endInput(100, 0, 0);
        CaptureException e = assertThrows(CaptureException.class, () -> {
            for (long i = 101; i < 10_000_000; i++) {
                w.append(i, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, i, 0, null, 0, 0);
            }
        });
        assertTrue(e.getMessage().startsWith(dir + ": cannot write the capture: event ring: the record at offset " + at
                + " has a size of 0 bytes"), e.getMessage());
        assertEquals(100, w.closeIncomplete(), "what the capture keeps");
        assertFalse(CaptureMetadata.readFrom(dir).complete());
        long n = 0;
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            while (c.next()) {
                assertEquals(n++, c.value());
            }
        }
        assertEquals(100, n, "the events before the broken record, and nothing else");
    }

    @Test
    void metadataUpdatesAndFlushesRunAfterTheEventsAppendedBeforeThem() {
        Path dir = tmp.resolve("cap");
        try (AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(), null, SMALL_RING)) {
            writeStream(w, 500);
            w.flush();
            CaptureMetadata flushed = CaptureMetadata.readFrom(dir);
            assertFalse(flushed.complete());
            assertEquals(500, flushed.events().count(), "flush() writes the summary of every event appended before it");
            w.updateMetadata(m -> new CaptureMetadata(m.format(), m.tool(), m.source(), m.clock(), "2030-01-01T00:00:00Z",
                    m.workload(), m.devices(), m.regions(), m.status(), m.events()));
            assertEquals("2030-01-01T00:00:00Z", w.metadata().startedAt());
            for (int i = 0; i < 10; i++) {
                w.append(1_000_000, EventType.KICK, 0, 1, 0, 0, 0, 1, 0, null, 0, 0);
            }
        }
        CaptureMetadata meta = CaptureMetadata.readFrom(dir);
        assertTrue(meta.complete());
        assertEquals(510, meta.events().count());
        assertEquals("2030-01-01T00:00:00Z", meta.startedAt());
    }

    @Test
    void regionsNamedInTheMetadataUpFrontKeepTheirIndexesAndNewOnesFollow() {
        Path dir = tmp.resolve("cap");
        try (AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata().withRegions(List.of("apic", "hpet")),
                null, SMALL_RING)) {
            assertEquals(1, w.region("hpet"));
            assertEquals(0, w.region("apic"));
            assertEquals(2, w.region("rtc"));
            w.append(1, EventType.OTHER_WRITE, 0, 0, 2, 4, 0x70, 1, 0, null, 0, 0);
        }
        assertEquals(List.of("apic", "hpet", "rtc"), CaptureMetadata.readFrom(dir).regions());
    }

    @Test
    void closeAppliesTheLastMetadataUpdateAfterEveryEventAndKeepsTheRegions() {
        Path dir = tmp.resolve("cap");
        AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(), null, SMALL_RING);
        int apic = w.region("apic");
        writeStream(w, 300);
        w.append(2_000_000, EventType.OTHER_WRITE, 0, 0, apic, 4, 0xB0, 0, 0, null, 0, 0);
        w.close(m -> new CaptureMetadata(m.format(), m.tool(), m.source(), m.clock(), "2030-01-01T00:00:00Z",
                m.workload(), m.devices(), m.regions(), m.status(), m.events()));
        CaptureMetadata meta = CaptureMetadata.readFrom(dir);
        assertTrue(meta.complete(), "close(update) still marks the capture complete");
        assertEquals(301, meta.events().count(), "the summary counts every event, the last one included");
        assertEquals("2030-01-01T00:00:00Z", meta.startedAt(), "the update is in capture.json");
        assertEquals(List.of("apic"), meta.regions(), "regions registered during the run survive the update");
    }

    @Test
    @Timeout(30)
    void regionsAreHandedOutWithoutWaitingForTheWriterThreadAndRegisteredBeforeTheEventsAfterThem() throws Exception {
        Path dir = tmp.resolve("cap");
        CountDownLatch release = new CountDownLatch(1);
        List<List<String>> regionsSeen = new java.util.ArrayList<>();
        EventSink stalled = (t, type, d, q, r, s, a, v, f, p, o, l) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            regionsSeen.add(CaptureMetadata.readFrom(dir).regions());
            return 0;
        };
        try (AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(), () -> stalled, SMALL_RING)) {
            int apic = w.region("apic");
            w.append(1, EventType.OTHER_WRITE, 0, 0, apic, 4, 0xB0, 0, 0, null, 0, 0);
            // The writer thread is stuck in the observer: a new name must not wait for it.
            int hpet = w.region("hpet");
            assertEquals(List.of(0, 1, 0), List.of(apic, hpet, w.region("apic")));
            w.append(2, EventType.OTHER_READ, 0, 0, hpet, 4, 0xF0, 0, 0, null, 0, 0);
            release.countDown();
        }
        assertEquals(List.of("apic", "hpet"), CaptureMetadata.readFrom(dir).regions());
        assertTrue(regionsSeen.get(1).contains("hpet"), "capture.json names a region before an event using it is written");
    }

    @Test
    void eventsAreCheckedOnTheRecordingThread() {
        try (AsyncCaptureWriter w = AsyncCaptureWriter.create(tmp.resolve("cap"), CaptureFixture.metadata(), null, SMALL_RING)) {
            w.append(100, EventType.MMIO_WRITE, 0, 0, 0, 4, 0, 1, 0, null, 0, 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.append(99, EventType.MMIO_WRITE, 0, 0, 0, 4, 0, 2, 0, null, 0, 0));
            assertTrue(e.getMessage().contains("before the previous event"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> w.append(100, EventType.MMIO_WRITE, 256, 0, 0, 4, 0, 2, 0, null, 0, 0));
        }
        assertThrows(CaptureException.class, () -> AsyncCaptureWriter.create(tmp.resolve("cap"), CaptureFixture.metadata()),
                "a non-empty directory is refused at once");
    }

    @Test
    @Timeout(30)
    void anIdleWriterThreadTakesTheNextCaptureAndEachCaptureIsWhole() throws Exception {
        Thread first = null;
        for (int i = 0; i < 3; i++) {
            Path capture = tmp.resolve("c" + i);
            try (AsyncCaptureWriter w = AsyncCaptureWriter.create(capture, CaptureFixture.metadata(), null, SMALL_RING)) {
                writeStream(w, 2_000);
                w.flush(); // the writer loop has run: its thread is known
                Thread t = w.writerThread();
                assertEquals("capture-writer " + capture.getFileName(), t.getName(), "named after its capture while it runs");
                if (first == null) {
                    first = t;
                } else {
                    assertSame(first, t, "capture " + i + " runs on the idle thread of the one before");
                }
            }
            try (CaptureReader r = CaptureReader.open(capture)) {
                assertEquals(2_000, r.metadata().events().count());
            }
            while (first.getState() != Thread.State.TIMED_WAITING || !first.getName().equals(WriterThreads.IDLE_NAME)) {
                Thread.sleep(1); // back in the pool, waiting for the next capture
            }
        }
    }

    private static long countEvents(Path dir) {
        long n = 0;
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            while (c.next()) {
                n++;
            }
        }
        return n;
    }

    /** An observer that fails the writer thread with {@code failure} (unchecked) at the event whose value is {@code at}. */
    private static EventSink failingAt(long at, Throwable failure) {
        return (t, type, d, q, r, s, a, v, f, p, o, l) -> {
            if (v == at) {
                if (failure instanceof RuntimeException e) {
                    throw e;
                }
                throw (Error) failure;
            }
            return 0;
        };
    }

    /** Appends events with values 0, 1, 2... until an append reports the writer thread's failure, and returns that. */
    private static CaptureException appendUntilItFails(AsyncCaptureWriter w) {
        return assertThrows(CaptureException.class, () -> {
            for (long i = 0; i < 100_000_000L; i++) {
                w.append(i, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, i, 0, null, 0, 0);
            }
        });
    }

    @Test
    void closingIncompleteAfterAReportedFailureSaysHowManyEventsTheCaptureKept() {
        Path dir = tmp.resolve("cap");
        AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(),
                () -> failingAt(100, new IllegalStateException("No space left on device")), SMALL_RING);
        CaptureException first = appendUntilItFails(w);
        CaptureException again = assertThrows(CaptureException.class,
                () -> w.append(Long.MAX_VALUE, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 0, 0, null, 0, 0));
        assertSame(first, again, "every later call reports the same failure, with its cause");
        assertEquals(101, w.closeIncomplete(), "what the run's error message says is kept");
        assertEquals(101, countEvents(dir));
    }

    @Test
    void aMetadataUpdateThatThrowsAtCloseStillLeavesEveryEventInTheCapture() {
        Path dir = tmp.resolve("cap");
        AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(), null, SMALL_RING);
        for (int i = 0; i < 10; i++) {
            w.append(i, EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, i, 0, null, 0, 0);
        }
        CaptureException e = assertThrows(CaptureException.class, () -> w.close(m -> {
            throw new IllegalStateException("BAR table unreadable");
        }));
        assertTrue(e.getMessage().startsWith(dir + ": cannot write the capture: BAR table unreadable"), e.getMessage());
        assertEquals(10, countEvents(dir));
        CaptureMetadata meta = CaptureMetadata.readFrom(dir);
        assertFalse(meta.complete());
        assertEquals(10, meta.events().count(), "capture.json has the summary of what it holds");
    }

    @Test
    void regionNamesGivenUpFrontMustBeDistinct() {
        Path dir = tmp.resolve("cap");
        assertThrows(IllegalArgumentException.class, () -> AsyncCaptureWriter.create(dir,
                CaptureFixture.metadata().withRegions(List.of("apic", "apic")), null, SMALL_RING));
        assertThrows(IllegalArgumentException.class, () -> CaptureWriter.create(dir,
                CaptureFixture.metadata().withRegions(List.of("apic", "apic"))));
        assertFalse(java.nio.file.Files.exists(dir), "refused before anything is on disk");
    }

    @Test
    void aFaultWritingTheMappedQueueFileIsReportedAsAFullFileSystem() {
        Path dir = tmp.resolve("cap");
        AsyncCaptureWriter w = AsyncCaptureWriter.create(dir, CaptureFixture.metadata(), () -> failingAt(10,
                // what the JVM throws when a page of a mapped file cannot be backed (SIGBUS)
                new InternalError("a fault occurred in a recent unsafe memory access operation in compiled Java code")),
                SMALL_RING);
        CaptureException e = appendUntilItFails(w);
        assertTrue(e.getMessage().contains("could not be written (is the file system full?)"), e.getMessage());
        assertEquals(11, w.closeIncomplete());
    }
}
