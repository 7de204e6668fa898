package io.trapline.replay;

import io.trapline.recorder.CaptureException;

/** A replay that cannot start: the capture names an unknown model, or an override is invalid. */
public final class ReplayException extends CaptureException {
    private static final long serialVersionUID = 1L;

    public ReplayException(String message) {
        super(message);
    }
}
