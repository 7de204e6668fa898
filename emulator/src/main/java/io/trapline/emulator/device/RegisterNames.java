package io.trapline.emulator.device;

/**
 * Names a device model's registers for people: "STATUS", "RAL[0]", "common.queue_select". Used to label
 * accesses in captures, whatever their source (embedded or imported).
 */
@FunctionalInterface
public interface RegisterNames {

    /** The register at {@code offset} in BAR {@code bar}, or null when the model has no name for it. */
    String name(int bar, long offset);

    /** Names nothing; labels then fall back to BAR and offset. */
    RegisterNames NONE = (bar, offset) -> null;

    /** The label for an access: the register name, or {@code BARn+0xOFFSET} when there is none. */
    default String label(int bar, long offset) {
        String name = name(bar, offset);
        return name != null ? name : "BAR" + bar + "+0x" + Long.toHexString(offset);
    }
}
