package io.trapline.replay;

import io.trapline.recorder.UnreadableTail;

import java.util.List;
import java.util.Map;

/**
 * What a replay found.
 *
 * @param events        capture events read
 * @param inputs        inputs delivered to devices (accesses, frames)
 * @param outputsChecked outputs compared with the capture (read values, DMA writes, interrupts, frames, kicks)
 * @param divergences   what differed, in capture order (at most the requested maximum)
 * @param stoppedEarly  true when the replay stopped at the divergence limit
 * @param unverifiable  outputs that could not be checked and why (e.g. imported captures hold no DMA bytes)
 * @param elapsedNs     host time the replay took
 * @param unreadableTail where the events of an incomplete capture ended because its queue file becomes unreadable
 *                      there (the replay went up to that point), or null
 * @param activity      what each replayed device model did, in device order: which of its paths the capture exercised
 *                      (none for an imported capture, whose devices ran against a blank memory)
 */
public record ReplayResult(long events, long inputs, long outputsChecked, List<Divergence> divergences,
                           boolean stoppedEarly, List<String> unverifiable, long elapsedNs,
                           UnreadableTail unreadableTail, List<DeviceReport> activity) {

    /**
     * One device model after the replay.
     *
     * @param device     its index in the capture
     * @param model      the model replayed
     * @param counts     its {@link io.trapline.emulator.device.DeviceActivity} counts (empty when it keeps none)
     * @param guestError why it stopped serving the guest, or null
     * @param partial    the replay stopped at its divergence limit: the counts cover the events before the stop, and
     *                   what stayed at zero or went wrong after it says nothing about the capture
     */
    public record DeviceReport(int device, String model, Map<String, Long> counts, String guestError, boolean partial) {
        /** The counts that stayed at zero: paths of the model this capture never took (none known when partial). */
        public List<String> neverExercised() {
            return partial ? List.of()
                    : counts.entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey).toList();
        }
    }

    public boolean identical() {
        return divergences.isEmpty();
    }

    public double eventsPerSecond() {
        return elapsedNs == 0 ? 0 : events * 1e9 / elapsedNs;
    }
}
