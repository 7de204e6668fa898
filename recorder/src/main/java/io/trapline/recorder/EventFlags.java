package io.trapline.recorder;

/** Bits of the header's flags byte. Part of the capture format. */
public final class EventFlags {
    private EventFlags() {
    }

    /** A DMA access touched memory outside guest RAM: nothing was transferred, no payload. */
    public static final int FAULT = 0x1;
    /** A received frame the device refused (it stays queued in the backend). */
    public static final int REFUSED = 0x2;
    /** The event was derived by an importer rather than observed directly (e.g. a kick inferred from a trace line). */
    public static final int DERIVED = 0x4;
    /**
     * Storage only (format 3.0): the payload is a {@link FrameRecipe}, not the frame. Readers see the frame and never
     * this bit; writers refuse it on events they are given.
     */
    public static final int PAYLOAD_RECIPE = 0x80;
}
