package io.trapline.emulator.device;

import java.util.Map;

/**
 * What a device model has done since it was made: counts, by name, of the paths a run took through it (frames,
 * offloads, ring wraps, interrupts held back, what a guest got wrong). Replay prints them, and the ones that stayed
 * at zero, so that an engineer can tell whether a capture exercises the code they changed before trusting its
 * 0 divergences.
 *
 * <p>An observation, like {@link RegisterNames}: reading it changes no state and causes no output.
 */
public interface DeviceActivity {
    /** Every count the model keeps, zero or not, in a fixed order; names start with the path they belong to. */
    Map<String, Long> activity();

    /**
     * Where the device is now: the registers and ring positions that say it (e1000 TDH/TDT/RDH/RDT, ICR, IMS...;
     * virtio status and each queue's indices), by name, in a fixed order. Replay prints them at the first divergence.
     * Read without side effects: no read-to-clear register is cleared.
     */
    default Map<String, String> state() {
        return Map.of();
    }

    /** Why the device has stopped serving the guest (e.g. virtio's DEVICE_NEEDS_RESET and its cause), or null. */
    default String guestError() {
        return null;
    }
}
