package io.trapline.bench;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Capture format hot paths: appending events (header-only and with a 1500-byte payload) and scanning them
 * back with the verifying flyweight cursor. Scores are events per second.
 */
@BenchmarkMode(Mode.Throughput)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class CaptureBench {

    static CaptureMetadata metadata() {
        return CaptureMetadata.create(new CaptureMetadata.Source("test", "CaptureBench", null),
                new CaptureMetadata.Clock("virtual", null), "bench", null,
                List.of(new CaptureMetadata.DeviceInfo(0, "e1000", null, null, null, List.of())));
    }

    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @State(Scope.Thread)
    public static class Append {
        @Param({"0", "1500"})
        int payload;
        Path dir;
        CaptureWriter writer;
        byte[] bytes;
        long time;

        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = Files.createTempDirectory("capture-bench-append");
            delete(dir);
            writer = CaptureWriter.create(dir, metadata());
            bytes = new byte[Math.max(payload, 1)];
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            writer.close();
            delete(dir);
        }
    }

    /** One event appended: a 48-byte header, plus the payload when the parameter says so. */
    @Benchmark
    public long append(Append s) {
        return s.writer.append(s.time++, s.payload == 0 ? EventType.MMIO_WRITE : EventType.FRAME_TX, 0, 0, 0, 4,
                0x3818, s.time, 0, s.bytes, 0, s.payload);
    }

    static final int READ_EVENTS = 2_000_000;
    static final int READ_PAYLOAD_EVENTS = 200_000;

    /** A capture written once per trial and scanned by the read benchmarks. */
    abstract static class Written {
        Path dir;
        CaptureReader reader;

        void write(int events, int payload) throws IOException {
            dir = Files.createTempDirectory("capture-bench-read");
            delete(dir);
            byte[] bytes = new byte[Math.max(payload, 1)];
            try (CaptureWriter w = CaptureWriter.create(dir, metadata())) {
                for (int i = 0; i < events; i++) {
                    w.append(i, payload == 0 ? EventType.MMIO_READ : EventType.FRAME_RX, 0, 0, 0, 4, 8, i, 0, bytes, 0, payload);
                }
            }
            reader = CaptureReader.open(dir);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            reader.close();
            delete(dir);
        }
    }

    @State(Scope.Benchmark)
    public static class HeaderOnly extends Written {
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            write(READ_EVENTS, 0);
        }
    }

    @State(Scope.Benchmark)
    public static class WithPayload extends Written {
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            write(READ_PAYLOAD_EVENTS, 1500);
        }
    }

    /** A full verifying scan of 2,000,000 header-only events, touching every field. */
    @Benchmark
    @OperationsPerInvocation(READ_EVENTS)
    public void scanHeaderOnly(HeaderOnly s, Blackhole bh) {
        scan(s.reader, bh);
    }

    /** A full verifying scan of 200,000 events with 1500-byte payloads (checksummed; one payload byte read). */
    @Benchmark
    @OperationsPerInvocation(READ_PAYLOAD_EVENTS)
    public void scanWithPayload(WithPayload s, Blackhole bh) {
        scan(s.reader, bh);
    }

    private static void scan(CaptureReader reader, Blackhole bh) {
        try (EventCursor c = reader.cursor()) {
            while (c.next()) {
                bh.consume(c.sequence() + c.timeNs() + c.value() + c.address() + c.size() + c.device());
                if (c.payloadLength() > 0) {
                    bh.consume(c.payloadByte(c.payloadLength() - 1));
                }
            }
        }
    }
}
