package io.trapline.analysis;

import io.trapline.recorder.EventCursor;

/**
 * Pairs a KICK with the guest write it observes. A device model records a notify write and then the KICK it
 * decoded; QEMU with ioeventfd off traces both too. That is one guest access, not two: a KICK right after a
 * notify write of the same device (no other access of that device between) is the same access.
 */
public final class NotifyTracker {
    private NotifyTracker() {
    }

    /** Updates {@code written[device]} for a non-KICK event. */
    public static void track(EventCursor c, ExitClassifier classifier, boolean[] written) {
        switch (c.type()) {
            case MMIO_WRITE, PIO_WRITE -> written[c.device()] = classifier.rules(c.device()).isNotify(c.region(),
                    c.address());
            case MMIO_READ, PIO_READ, PCI_CFG_READ, PCI_CFG_WRITE -> written[c.device()] = false;
            default -> {
            }
        }
    }

}
