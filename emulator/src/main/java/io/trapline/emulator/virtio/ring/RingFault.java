package io.trapline.emulator.virtio.ring;

/**
 * A driver broke a validation rule of the split ring. It never leaves a device: the device catches it and
 * turns it into its error state. No stack trace is captured, so a hostile guest cannot make it expensive.
 */
public final class RingFault extends Exception {
    private static final long serialVersionUID = 1L;
    private final RingError error;

    public RingFault(RingError error) {
        super(error.name(), null, false, false);
        this.error = error;
    }

    public RingError error() {
        return error;
    }
}
