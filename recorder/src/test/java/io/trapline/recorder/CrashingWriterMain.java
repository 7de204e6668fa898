package io.trapline.recorder;

import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link CrashSafetyTest}: appends events whose contents follow from their sequence
 * number, forever, reporting progress on stdout, until the test kills it with SIGKILL. With a second argument
 * {@code async} it appends through an {@link AsyncCaptureWriter} and flushes before each report, so that every
 * reported event has reached the queue.
 */
public final class CrashingWriterMain {
    private CrashingWriterMain() {
    }

    static long valueFor(long seq) {
        return seq * 0x9E37_79B9L + 17;
    }

    static int payloadLengthFor(long seq) {
        return (int) (seq % 7 == 0 ? 1500 : seq % 3);
    }

    static byte payloadByte(long seq, int i) {
        return (byte) (seq + i * 13);
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        boolean async = args.length > 1 && args[1].equals("async");
        byte[] payload = new byte[1500];
        AsyncCaptureWriter buffered = async ? AsyncCaptureWriter.create(dir, CaptureFixture.metadata()) : null;
        try (AutoCloseableSink w = async ? new AutoCloseableSink(buffered, buffered::close)
                : AutoCloseableSink.of(CaptureWriter.create(dir, CaptureFixture.metadata()))) {
            for (long seq = 0; ; seq++) {
                int len = payloadLengthFor(seq);
                for (int i = 0; i < len; i++) {
                    payload[i] = payloadByte(seq, i);
                }
                w.append(seq, len > 0 ? EventType.FRAME_TX : EventType.MMIO_WRITE, 0, 0, 0, 4, seq, valueFor(seq), 0,
                        payload, 0, len);
                if (seq % 10_000 == 0) {
                    if (buffered != null) {
                        buffered.flush();
                    }
                    System.out.println("appended " + (seq + 1));
                    System.out.flush();
                }
            }
        }
    }

    /** Either writer, closed the same way. */
    private record AutoCloseableSink(EventSink sink, Runnable closer) implements AutoCloseable {
        static AutoCloseableSink of(CaptureWriter w) {
            return new AutoCloseableSink(w, w::close);
        }

        void append(long timeNs, EventType type, int device, int queue, int region, int size, long address, long value,
                    int flags, byte[] payload, int offset, int length) {
            sink.append(timeNs, type, device, queue, region, size, address, value, flags, payload, offset, length);
        }

        @Override
        public void close() {
            closer.run();
        }
    }
}
