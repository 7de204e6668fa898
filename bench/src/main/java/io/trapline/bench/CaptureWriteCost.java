package io.trapline.bench;

import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.recorder.AsyncCaptureWriter;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import io.trapline.recorder.embedded.EmbeddedRecorder;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scripted benchmark for the capture writer alone: records one web run, holds its events in memory, then writes them
 * again and again into new captures, (a) through {@link CaptureWriter#append} on the calling thread (one Chronicle
 * document per event) and (b) through {@link AsyncCaptureWriter} (ring, writer thread, several events per document),
 * and prints the best CPU time of each: the calling thread's for (a); the producing thread's and the writer thread's
 * for (b). CPU time, not wall time, so that other work on the machine disturbs it less.
 * Run: {@code java $FLAGS [-Drequests=...] [-Drounds=N] -cp bench/target/benchmarks.jar
 * io.trapline.bench.CaptureWriteCost [e1000|virtio-net]}.
 */
public final class CaptureWriteCost {
    private static final int WARMUP = 3;

    private CaptureWriteCost() {
    }

    /** The events of a capture, columns plus one payload arena. */
    private static final class Events {
        int count;
        long[] time;
        EventType[] type;
        int[] device;
        int[] queue;
        int[] region;
        int[] size;
        int[] flags;
        long[] address;
        long[] value;
        int[] payloadAt;
        int[] payloadLength;
        byte[] payload;
        long bytes;

        Events(int n, long payloadBytes) {
            time = new long[n];
            type = new EventType[n];
            device = new int[n];
            queue = new int[n];
            region = new int[n];
            size = new int[n];
            flags = new int[n];
            address = new long[n];
            value = new long[n];
            payloadAt = new int[n];
            payloadLength = new int[n];
            payload = new byte[Math.toIntExact(payloadBytes)];
        }
    }

    public static void main(String[] args) throws IOException {
        String nic = args.length > 0 ? args[0] : "e1000";
        String requests = System.getProperty("requests", "2000x1024,200x65536");
        int rounds = Integer.getInteger("rounds", 8);
        GuestRun.Options options = new GuestRun.Options(nic, Map.of(), "web", Map.of("requests", requests),
                PlatformProfile.tcg(), 1);
        Path source = Files.createTempDirectory("write-cost");
        Files.delete(source);
        EmbeddedRecorder.record(options, source, null);
        Events e = load(source);
        CaptureMetadata meta = CaptureMetadata.readFrom(source).withEvents(CaptureMetadata.STATUS_RECORDING, null);
        delete(source);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long bestDirect = Long.MAX_VALUE;
        long bestProducer = Long.MAX_VALUE;
        long bestWriter = Long.MAX_VALUE;
        for (int round = 0; round < WARMUP + rounds; round++) {
            Path dir = Files.createTempDirectory("write-cost");
            Files.delete(dir);
            long c0 = threads.getCurrentThreadCpuTime();
            try (CaptureWriter w = CaptureWriter.create(dir, meta)) {
                for (int i = 0; i < e.count; i++) {
                    w.append(e.time[i], e.type[i], e.device[i], e.queue[i], e.region[i], e.size[i], e.address[i],
                            e.value[i], e.flags[i], e.payload, e.payloadAt[i], e.payloadLength[i]);
                }
            }
            long direct = threads.getCurrentThreadCpuTime() - c0;
            delete(dir);
            c0 = threads.getCurrentThreadCpuTime();
            AsyncCaptureWriter async = AsyncCaptureWriter.create(dir, meta);
            try (async) {
                for (int i = 0; i < e.count; i++) {
                    async.append(e.time[i], e.type[i], e.device[i], e.queue[i], e.region[i], e.size[i], e.address[i],
                            e.value[i], e.flags[i], e.payload, e.payloadAt[i], e.payloadLength[i]);
                }
            }
            long producer = threads.getCurrentThreadCpuTime() - c0;
            delete(dir);
            if (round >= WARMUP) {
                bestDirect = Math.min(bestDirect, direct);
                bestProducer = Math.min(bestProducer, producer);
                bestWriter = Math.min(bestWriter, async.writerCpuNanos());
            }
        }
        System.out.printf(Locale.ROOT, "%s web %s: %,d events, %,d payload bytes, best of %d%n", nic, requests, e.count,
                e.bytes, rounds);
        System.out.printf(Locale.ROOT, "  CaptureWriter.append (one event per document): %.1f ms CPU%n", bestDirect / 1e6);
        System.out.printf(Locale.ROOT, "  AsyncCaptureWriter: producing thread %.1f ms CPU, writer thread %.1f ms CPU%n",
                bestProducer / 1e6, bestWriter / 1e6);
    }

    private static Events load(Path capture) {
        try (CaptureReader r = CaptureReader.open(capture)) {
            long n = 0;
            long bytes = 0;
            try (EventCursor c = r.cursor()) {
                while (c.next()) {
                    n++;
                    bytes += c.payloadLength();
                }
            }
            Events e = new Events(Math.toIntExact(n), bytes);
            int at = 0;
            try (EventCursor c = r.cursor()) {
                for (int i = 0; c.next(); i++) {
                    e.time[i] = c.timeNs();
                    e.type[i] = c.type();
                    e.device[i] = c.device();
                    e.queue[i] = c.queue();
                    e.region[i] = c.region();
                    e.size[i] = c.size();
                    e.flags[i] = c.flags();
                    e.address[i] = c.address();
                    e.value[i] = c.value();
                    e.payloadAt[i] = at;
                    e.payloadLength[i] = c.copyPayload(e.payload, at);
                    at += e.payloadLength[i];
                }
            }
            e.count = (int) n;
            e.bytes = bytes;
            return e;
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
