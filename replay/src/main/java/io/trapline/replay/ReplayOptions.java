package io.trapline.replay;

import java.util.Map;

/**
 * How to replay.
 *
 * @param maxDivergences stop after this many divergences (at least 1)
 * @param fromSequence   report divergences only from this sequence on (the device is still re-driven from the
 *                       start, since its state depends on everything before)
 * @param model          replay against this model instead of the recorded one (null = as recorded)
 * @param configOverride config keys that replace the recorded ones, e.g. {@code mitigation=off}
 * @param contextEvents  how many preceding events each divergence lists (0 to {@link #MAX_CONTEXT})
 */
public record ReplayOptions(int maxDivergences, long fromSequence, String model, Map<String, String> configOverride,
                            int contextEvents) {

    public ReplayOptions {
        if (maxDivergences < 1) {
            throw new IllegalArgumentException("--max-divergences must be at least 1, got " + maxDivergences);
        }
        if (fromSequence < 0) {
            throw new IllegalArgumentException("--from must be a sequence number >= 0, got " + fromSequence);
        }
        if (contextEvents < 0 || contextEvents > MAX_CONTEXT) {
            throw new IllegalArgumentException("--context must be 0 to " + MAX_CONTEXT + ", got " + contextEvents);
        }
        configOverride = configOverride == null ? Map.of() : Map.copyOf(configOverride);
    }

    /** The most preceding events a divergence lists: each is read again from the capture to print it. */
    public static final int MAX_CONTEXT = 1000;

    public ReplayOptions withContext(int events) {
        return new ReplayOptions(maxDivergences, fromSequence, model, configOverride, events);
    }

    public static ReplayOptions defaults() {
        return new ReplayOptions(10, 0, null, Map.of(), 4);
    }

    public ReplayOptions withMaxDivergences(int n) {
        return new ReplayOptions(n, fromSequence, model, configOverride, contextEvents);
    }

    public ReplayOptions withModel(String newModel, Map<String, String> overrides) {
        return new ReplayOptions(maxDivergences, fromSequence, newModel, overrides, contextEvents);
    }

    public ReplayOptions from(long sequence) {
        return new ReplayOptions(maxDivergences, sequence, model, configOverride, contextEvents);
    }
}
