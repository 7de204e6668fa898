package io.trapline.replay;

import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;

import java.nio.file.Path;

/** Copies a capture event by event, letting a test alter, drop or swap events: fault injection for replay tests. */
final class CaptureRewriter {
    /** One event, copied out of the cursor so that it can be changed. */
    static final class Event {
        long time;
        EventType type;
        int device;
        int queue;
        int region;
        int size;
        long address;
        long value;
        int flags;
        byte[] payload;
        long sequence;
    }

    interface Edit {
        /** Returns the events to write instead of {@code e} (none to drop it); may hold one back to swap. */
        Event[] apply(Event e);
    }

    private CaptureRewriter() {
    }

    static Path rewrite(Path from, Path to, Edit edit) {
        try (CaptureReader r = CaptureReader.open(from); EventCursor c = r.cursor();
             CaptureWriter w = CaptureWriter.create(to, r.metadata())) {
            for (String region : r.metadata().regions()) {
                w.region(region);
            }
            while (c.next()) {
                Event e = new Event();
                e.sequence = c.sequence();
                e.time = c.timeNs();
                e.type = c.type();
                e.device = c.device();
                e.queue = c.queue();
                e.region = c.region();
                e.size = c.size();
                e.address = c.address();
                e.value = c.value();
                e.flags = c.flags();
                e.payload = new byte[c.payloadLength()];
                c.copyPayload(e.payload, 0);
                for (Event out : edit.apply(e)) {
                    w.append(out.time, out.type, out.device, out.queue, out.region, out.size, out.address, out.value,
                            out.flags, out.payload, 0, out.payload.length);
                }
            }
        }
        return to;
    }
}
