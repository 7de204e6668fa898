package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.embedded.WindowSummary;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Where a queue notification traced only as a KICK lands (QEMU with ioeventfd on traces the notification, not the
 * guest's write): the device's notification register ({@link DeviceExitRules#notifyRegister}), named as the exits
 * table names it. The exits table and {@code trapline diff}'s rows by register both take it from here, so they put
 * such a kick on the same register.
 */
public final class KickRegisters implements WindowSummary.KickRegister {
    private static final byte[] NOTIFY = "notify".getBytes(UTF_8);
    private final ExitClassifier classifier;
    private final Labels labels;

    public KickRegisters(CaptureMetadata metadata) {
        this(new ExitClassifier(metadata), new Labels(metadata));
    }

    KickRegisters(ExitClassifier classifier, Labels labels) {
        this.classifier = classifier;
        this.labels = labels;
    }

    /** The notification register of {@code queue}: {bar, offset}, or null when the model has none. */
    long[] where(int device, int queue) {
        return classifier.rules(device).notifyRegister(queue);
    }

    /** Its name: the register's, or "notify" when the model names none. */
    byte[] name(int device, long[] where) {
        return where == null ? NOTIFY : labels.register(device, (int) where[0], where[1]);
    }

    @Override
    public String label(int device, int queue) {
        return new String(name(device, where(device, queue)), UTF_8);
    }
}
