package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts a capture's NIC events in the measurement window of the shared captures' README: work_start to
 * work_end + 0.25 s inclusive, on the trace clock, taken from the importer's "window" phase marks (whose
 * address field holds the exact epoch time).
 */
final class WindowCounts {
    long nicReads;
    long nicWrites;
    long kicks;
    long msi;
    long intxAsserts;
    long rxFrames;
    long txFrames;
    final Map<Long, Long> e1000Reads = new HashMap<>();
    final Map<Long, Long> e1000Writes = new HashMap<>();

    static WindowCounts of(Path capture) {
        try (CaptureReader r = CaptureReader.open(capture)) {
            long origin = r.metadata().clock().originEpochNs();
            long from = -1;
            long to = -1;
            try (EventCursor c = r.cursor()) {
                while (c.next()) {
                    if (c.type() == EventType.MARK && name(c).equals("window")) {
                        if (c.value() == MarkKind.PHASE_START.code()) {
                            from = c.address() - origin;
                        } else if (c.value() == MarkKind.PHASE_END.code()) {
                            to = c.address() - origin;
                        }
                    }
                }
            }
            if (from < 0 || to < 0) {
                throw new AssertionError(capture + ": no window phase marks");
            }
            WindowCounts w = new WindowCounts();
            try (EventCursor c = r.cursor()) {
                while (c.next()) {
                    long t = c.timeNs();
                    if (t < from || t > to) {
                        continue;
                    }
                    w.add(c);
                }
            }
            return w;
        }
    }

    private void add(EventCursor c) {
        boolean nic = c.device() == 0;
        switch (c.type()) {
            case MMIO_READ, PIO_READ -> {
                nicReads++;
                if (c.type() == EventType.MMIO_READ && c.region() == 0) {
                    e1000Reads.merge(c.address(), 1L, Long::sum);
                }
            }
            case MMIO_WRITE, PIO_WRITE -> {
                nicWrites++;
                if (c.type() == EventType.MMIO_WRITE && c.region() == 0) {
                    e1000Writes.merge(c.address(), 1L, Long::sum);
                }
            }
            case KICK -> kicks += nic ? 1 : 0;
            case MSI -> msi += nic ? 1 : 0;
            case INTX -> intxAsserts += nic && c.value() == 1 ? 1 : 0;
            case FRAME_RX -> rxFrames++;
            case FRAME_TX -> txFrames++;
            default -> {
            }
        }
    }

    private static String name(EventCursor c) {
        byte[] b = new byte[c.payloadLength()];
        c.copyPayload(b, 0);
        return new String(b, StandardCharsets.UTF_8);
    }
}
