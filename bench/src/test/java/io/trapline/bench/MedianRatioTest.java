package io.trapline.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class MedianRatioTest {

    @Test
    void theMedianIsOfThePerRoundRatios() {
        // rounds 2/1, 3/2, 12/10: ratios 2.0, 1.5, 1.2; the ratio of medians (3/2) would be another figure
        MedianRatio m = MedianRatio.of(List.of(2L, 3L, 12L), List.of(1L, 2L, 10L), 1);
        assertEquals(1.5, m.median, 1e-12);
        assertTrue(m.low >= 1.2 && m.high <= 2.0 && m.low <= m.median && m.median <= m.high, m.toString());
    }

    @Test
    void theAddedTimeIsTheMedianOfThePerRoundDifferencesPerPacket() {
        // rounds 1000-800, 1300-1000, 1100-1000 ns over 10 packets: 20, 30, 10 ns per packet
        double[] d = RecordThroughput.perPacketDifference(List.of(1000L, 1300L, 1100L), List.of(800L, 1000L, 1000L), 10);
        assertArrayEquals(new double[] {20, 30, 10}, d, 1e-12);
        assertEquals(20, MedianRatio.of(d, 1).median, 1e-12);
    }

    @Test
    void identicalRoundsHaveNoSpread() {
        MedianRatio m = MedianRatio.of(List.of(120L, 120L, 120L, 120L), List.of(100L, 100L, 100L, 100L), 7);
        assertEquals(1.2, m.median, 1e-12);
        assertEquals(1.2, m.low, 1e-12);
        assertEquals(1.2, m.high, 1e-12);
        assertEquals("+20% (95%: +20% to +20%)", m.toString());
    }

    @Test
    void moreRoundsNarrowTheIntervalAroundTheTrueMedian() {
        SplittableRandom random = new SplittableRandom(42);
        double[] few = new double[15];
        double[] many = new double[1500];
        for (int i = 0; i < many.length; i++) {
            double r = 1.2 + 0.2 * random.nextGaussian(); // per-round ratios spread as on this host, true median 1.2
            many[i] = r;
            if (i < few.length) {
                few[i] = r;
            }
        }
        MedianRatio f = MedianRatio.of(few, 3);
        MedianRatio m = MedianRatio.of(many, 3);
        assertTrue(m.low < 1.2 && 1.2 < m.high, m.toString());
        assertTrue(m.high - m.low < (f.high - f.low) / 4, f + " against " + m);
    }

    @Test
    void theSameRoundsAndSeedGiveTheSameInterval() {
        List<Long> a = new ArrayList<>();
        List<Long> b = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 40; i++) {
            a.add(100L + random.nextInt(60));
            b.add(100L);
        }
        assertEquals(MedianRatio.of(a, b, 9).toString(), MedianRatio.of(a, b, 9).toString());
        assertThrows(IllegalArgumentException.class, () -> MedianRatio.of(a, b.subList(0, 39), 9));
    }
}
