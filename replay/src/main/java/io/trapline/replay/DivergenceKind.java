package io.trapline.replay;

/** How a replayed device differed from the capture. */
public enum DivergenceKind {
    /** A guest read returned another value than the capture holds. */
    READ_VALUE,
    /** The device produced the expected kind of output with other contents (address, value, bytes). */
    OUTPUT_MISMATCH,
    /** The device produced an output the capture does not have at this point. */
    UNEXPECTED_OUTPUT,
    /**
     * The device produced the output the capture has next, but at another virtual time: a timer that fires early or
     * late (interrupt moderation, a settle delay, a bottom half) with everything it does unchanged.
     */
    OUTPUT_TIME,
    /** The capture has an output the device did not produce. */
    MISSING_OUTPUT,
    /** The device read guest memory at another address or length than the capture recorded. */
    DMA_READ_MISMATCH,
    /** The device took a frame the capture says it refused, or the other way round. */
    RECEIVE_RESULT
}
