package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/**
 * {@code interrupts}: MSI/MSI-X messages and INTx assertions (a deassertion is a row too, with level 0, so the
 * line's history is complete; count interrupts with {@code WHERE kind = 'msi' OR level = 1}).
 */
final class InterruptsWriter extends TableWriter {
    static final Schema SCHEMA = new Schema(List.of(CAPTURE, i64("seq"), i64("time_ns"), i32("device"), str("kind"),
            i32("level"), i32("vector"), i64("msi_address"), i64("msi_data"), i64("packet")));
    private static final byte[] MSI = utf8("msi");
    private static final byte[] INTX = utf8("intx");

    private BigIntVector seq;
    /** Filled by the attribution rule. */
    private DirectColumn packet;
    private BigIntVector time;
    private IntVector device;
    private VarCharVector kind;
    private IntVector level;
    private IntVector vector;
    private BigIntVector msiAddress;
    private BigIntVector msiData;
    private Attribution attribution;

    @Override
    void bindColumns() {
        seq = i64v("seq");
        time = i64v("time_ns");
        device = i32v("device");
        kind = strv("kind");
        level = i32v("level");
        vector = i32v("vector");
        msiAddress = i64v("msi_address");
        msiData = i64v("msi_data");
        packet = direct(i64v("packet"));
        if (attribution != null) {
            attribution.bind(packet);
        }
    }

    @Override
    void beginCapture(CaptureSource source, CaptureMetadata metadata) {
        super.beginCapture(source, metadata);
        attribution = new Attribution(new ExitClassifier(metadata));
        attribution.bind(packet);
    }

    @Override
    void onEvent(EventCursor c) {
        attribution.observe(c);
        EventType t = c.type();
        if (t != EventType.MSI && t != EventType.INTX) {
            return;
        }
        int r = newRow();
        boolean msi = t == EventType.MSI;
        seq.setSafe(r, c.sequence());
        time.setSafe(r, c.timeNs());
        device.setSafe(r, c.device());
        kind.setSafe(r, msi ? MSI : INTX);
        setOrNull(level, r, (int) c.value(), !msi);
        setOrNull(vector, r, c.queue(), msi);
        setOrNull(msiAddress, r, c.address(), msi);
        setOrNull(msiData, r, c.value(), msi);
        attribution.assign(r, c.timeNs(), false);
    }
}
