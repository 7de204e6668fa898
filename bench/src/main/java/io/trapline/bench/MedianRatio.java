package io.trapline.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The median of per-round ratios (a mode's time over the bare run's in the same round) with a 95% percentile-bootstrap
 * interval: the rounds are resampled with replacement and the median taken each time. The interval says how far the
 * median could have landed by chance given how much the rounds spread, which on a shared two-core host is several
 * points even at 150 rounds; two builds whose intervals overlap widely have not been told apart.
 */
final class MedianRatio {
    private static final int RESAMPLES = 2000;

    final double median;
    final double low;
    final double high;

    private MedianRatio(double median, double low, double high) {
        this.median = median;
        this.low = low;
        this.high = high;
    }

    /** Ratios {@code a[i] / b[i]}; {@code seed} fixes the resampling, so the same rounds give the same interval. */
    static MedianRatio of(List<Long> a, List<Long> b, long seed) {
        if (a.size() != b.size() || a.isEmpty()) {
            throw new IllegalArgumentException("need the same, non-zero number of rounds: " + a.size() + " and " + b.size());
        }
        double[] ratios = new double[a.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = (double) a.get(i) / b.get(i);
        }
        return of(ratios, seed);
    }

    /** The median of any per-round figures (ratios or differences) with its bootstrap interval. */
    static MedianRatio of(double[] ratios, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] medians = new double[RESAMPLES];
        double[] sample = new double[ratios.length];
        for (int k = 0; k < RESAMPLES; k++) {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = ratios[random.nextInt(ratios.length)];
            }
            medians[k] = median(sample);
        }
        Arrays.sort(medians);
        return new MedianRatio(median(ratios), medians[(int) (0.025 * RESAMPLES)], medians[(int) (0.975 * RESAMPLES) - 1]);
    }

    static double median(double[] values) {
        double[] r = values.clone();
        Arrays.sort(r);
        return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }

    /** E.g. "+23% (95%: +20% to +26%)". */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (95%%: %s to %s)", percent(median), percent(low), percent(high));
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%+.0f%%", 100 * ratio - 100);
    }
}
