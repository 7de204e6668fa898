package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/**
 * {@code kicks}: queue notifications. {@code traced_write} says whether the capture also holds the guest's
 * notify write (ioeventfd off, or an embedded capture) or only the device-side notification (QEMU with
 * ioeventfd on traces no write).
 */
final class KicksWriter extends TableWriter {
    static final Schema SCHEMA = new Schema(List.of(CAPTURE, i64("seq"), i64("time_ns"), i32("device"), i32("queue"),
            bool("traced_write"), bool("derived"), i64("packet")));

    private BigIntVector seq;
    /** Filled by the attribution rule. */
    private DirectColumn packet;
    private BigIntVector time;
    private IntVector device;
    private IntVector queue;
    private BitVector tracedWrite;
    private BitVector derived;
    private Attribution attribution;
    private ExitClassifier classifier;
    private final boolean[] notifyWritten = new boolean[256];

    @Override
    void bindColumns() {
        seq = i64v("seq");
        time = i64v("time_ns");
        device = i32v("device");
        queue = i32v("queue");
        tracedWrite = boolv("traced_write");
        derived = boolv("derived");
        packet = direct(i64v("packet"));
        if (attribution != null) {
            attribution.bind(packet);
        }
    }

    @Override
    void beginCapture(CaptureSource source, CaptureMetadata metadata) {
        super.beginCapture(source, metadata);
        classifier = new ExitClassifier(metadata);
        attribution = new Attribution(classifier);
        attribution.bind(packet);
        java.util.Arrays.fill(notifyWritten, false);
    }

    @Override
    void onEvent(EventCursor c) {
        EventType t = c.type();
        if (t != EventType.KICK) {
            NotifyTracker.track(c, classifier, notifyWritten);
        }
        attribution.observe(c);
        if (t != EventType.KICK) {
            return;
        }
        int r = newRow();
        seq.setSafe(r, c.sequence());
        time.setSafe(r, c.timeNs());
        device.setSafe(r, c.device());
        queue.setSafe(r, c.queue());
        tracedWrite.setSafe(r, notifyWritten[c.device()] ? 1 : 0);
        derived.setSafe(r, (c.flags() & EventFlags.DERIVED) != 0 ? 1 : 0);
        notifyWritten[c.device()] = false;
        attribution.assign(r, c.timeNs(), true);
    }

    @Override
    boolean holdsBatch() {
        return attribution != null && attribution.hasPending();
    }

    @Override
    void endCapture() {
        attribution.settle(-2);
    }
}
