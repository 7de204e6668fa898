package io.trapline.recorder.embedded;

import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;

import java.nio.charset.StandardCharsets;

/**
 * What a capture shows between {@code work_start} and {@code work_end} plus a tail (the shared captures'
 * window): requests, packets, NIC register accesses, kicks and interrupts, as totals.
 *
 * @param interrupts INTx assertions plus MSI messages
 */
public record WindowSummary(long requests, long rxFrames, long txFrames, long accesses, long reads, long writes,
                            long kicks, long interrupts, long windowNs, long workNs) {

    public long packets() {
        return rxFrames + txFrames;
    }

    /** Scans {@code reader} for the window [work_start, work_end + tailNs]. */
    public static WindowSummary of(CaptureReader reader, long tailNs) {
        long start = -1;
        long end = -1;
        byte[] name = new byte[256];
        try (EventCursor c = reader.cursor()) {
            while (c.next()) {
                if (c.type() == EventType.MARK && c.value() == MarkKind.INSTANT.code() && c.payloadLength() <= name.length) {
                    String n = new String(name, 0, c.copyPayload(name, 0), StandardCharsets.UTF_8);
                    if (n.equals("work_start")) {
                        start = c.timeNs();
                    } else if (n.equals("work_end")) {
                        end = c.timeNs();
                    }
                }
            }
        }
        if (start < 0 || end < 0) {
            return new WindowSummary(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        long stop = end + tailNs;
        long requests = 0, rx = 0, tx = 0, reads = 0, writes = 0, kicks = 0, irqs = 0;
        try (EventCursor c = reader.cursor()) {
            while (c.next()) {
                long t = c.timeNs();
                if (t < start) {
                    continue;
                }
                if (t > stop) {
                    break;
                }
                switch (c.type()) {
                    case MMIO_READ, PIO_READ -> reads++;
                    case MMIO_WRITE, PIO_WRITE -> writes++;
                    case KICK -> kicks++;
                    case FRAME_RX -> {
                        if ((c.flags() & io.trapline.recorder.EventFlags.REFUSED) == 0) {
                            rx++;
                        }
                    }
                    case FRAME_TX -> tx++;
                    case INTX -> irqs += c.value() != 0 ? 1 : 0;
                    case MSI -> irqs++;
                    case MARK -> requests += c.value() == MarkKind.REQUEST_END.code() ? 1 : 0;
                    default -> {
                    }
                }
            }
        }
        return new WindowSummary(requests, rx, tx, reads + writes, reads, writes, kicks, irqs, stop - start, end - start);
    }
}
