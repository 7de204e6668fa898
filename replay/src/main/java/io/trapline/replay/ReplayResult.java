package io.trapline.replay;

import io.trapline.recorder.UnreadableTail;

import java.util.List;

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
 */
public record ReplayResult(long events, long inputs, long outputsChecked, List<Divergence> divergences,
                           boolean stoppedEarly, List<String> unverifiable, long elapsedNs,
                           UnreadableTail unreadableTail) {

    public boolean identical() {
        return divergences.isEmpty();
    }

    public double eventsPerSecond() {
        return elapsedNs == 0 ? 0 : events * 1e9 / elapsedNs;
    }
}
