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
 * {@code accesses}: guest register accesses: to the captured devices (MMIO, port I/O, PCI config space) and
 * to unmodelled regions such as the LAPIC (kind {@code other}, target = the region's name).
 */
final class AccessesWriter extends TableWriter {
    static final Schema SCHEMA = new Schema(List.of(CAPTURE, i64("seq"), i64("time_ns"), str("kind"), str("dir"),
            i32("device"), str("target"), i32("vcpu"), i32("region"), i64("offset"), str("register"), i32("size"),
            i64("value")));

    private BigIntVector seq;
    private BigIntVector time;
    private VarCharVector kind;
    private VarCharVector dir;
    private IntVector device;
    private VarCharVector target;
    private IntVector vcpu;
    private IntVector region;
    private BigIntVector offset;
    private VarCharVector register;
    private IntVector size;
    private BigIntVector value;
    private Labels labels;
    private ExitClassifier classifier;

    @Override
    void bindColumns() {
        seq = i64v("seq");
        time = i64v("time_ns");
        kind = strv("kind");
        dir = strv("dir");
        device = i32v("device");
        target = strv("target");
        vcpu = i32v("vcpu");
        region = i32v("region");
        offset = i64v("offset");
        register = strv("register");
        size = i32v("size");
        value = i64v("value");
    }

    @Override
    void beginCapture(CaptureSource source, CaptureMetadata metadata) {
        super.beginCapture(source, metadata);
        labels = new Labels(metadata);
        classifier = new ExitClassifier(metadata);
    }

    @Override
    void onEvent(EventCursor c) {
        EventType t = c.type();
        byte[] k;
        switch (t) {
            case MMIO_READ, MMIO_WRITE -> k = Labels.MMIO;
            case PIO_READ, PIO_WRITE -> k = Labels.PIO;
            case PCI_CFG_READ, PCI_CFG_WRITE -> k = Labels.PCI_CFG;
            case OTHER_READ, OTHER_WRITE -> {
                if (!classifier.isGuestAccess(c.region())) {
                    return;
                }
                k = Labels.OTHER;
            }
            default -> {
                return;
            }
        }
        int r = newRow();
        boolean other = k == Labels.OTHER;
        seq.setSafe(r, c.sequence());
        time.setSafe(r, c.timeNs());
        kind.setSafe(r, k);
        dir.setSafe(r, t.isRead() ? Labels.READ : Labels.WRITE);
        setOrNull(device, r, c.device(), !other);
        target.setSafe(r, other ? labels.region(c.region()) : labels.model(c.device()));
        setOrNull(vcpu, r, c.queue(), c.queue() != 0xFFFF);
        setOrNull(region, r, c.region(), k != Labels.PCI_CFG);
        offset.setSafe(r, c.address());
        register.setSafe(r, other ? labels.otherRegister(c.region(), c.address())
                : k == Labels.PCI_CFG ? labels.configRegister(c.address())
                : labels.register(c.device(), c.region(), c.address()));
        size.setSafe(r, c.size());
        value.setSafe(r, c.value());
    }
}
