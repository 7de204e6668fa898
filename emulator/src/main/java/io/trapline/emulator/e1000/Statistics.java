package io.trapline.emulator.e1000;

/**
 * Counting into the statistics registers (SDM 13.7): counters saturate instead of wrapping, 64-bit octet
 * counters span a low/high register pair, and size-bucket counters (PRC64..PRC1522, PTC64..PTC1522) sit at
 * consecutive offsets.
 */
final class Statistics {
    private Statistics() {
    }

    static void increment(int[] regs, int offset) {
        int index = offset >>> 2;
        if (regs[index] != -1) {
            regs[index]++;
        }
    }

    /** Adds {@code n} to the 64-bit counter whose low half is at {@code lowOffset}, saturating at all ones. */
    static void add64(int[] regs, int lowOffset, long n) {
        int low = lowOffset >>> 2;
        long value = (regs[low] & 0xFFFF_FFFFL) | (long) regs[low + 1] << 32;
        long sum = value + n;
        if (Long.compareUnsigned(sum, value) < 0) {
            sum = -1L;
        }
        regs[low] = (int) sum;
        regs[low + 1] = (int) (sum >>> 32);
    }

    /** Counts a frame of {@code size} bytes (FCS included) into the bucket registers starting at {@code first64}. */
    static void countSize(int[] regs, int first64, int size) {
        int bucket;
        if (size > 1023) {
            bucket = 5;
        } else if (size > 511) {
            bucket = 4;
        } else if (size > 255) {
            bucket = 3;
        } else if (size > 127) {
            bucket = 2;
        } else if (size > 64) {
            bucket = 1;
        } else if (size == 64) {
            bucket = 0;
        } else {
            return;
        }
        increment(regs, first64 + 4 * bucket);
    }
}
