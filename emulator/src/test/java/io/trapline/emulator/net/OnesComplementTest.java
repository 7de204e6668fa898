package io.trapline.emulator.net;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OnesComplementTest {

    /** RFC 1071 word by word, folded: the definition the wide-word sum must agree with. */
    private static int wordByWord(long sum, byte[] b, int off, int len) {
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xFF;
            int lo = i + 1 < len ? b[off + i + 1] & 0xFF : 0;
            sum += hi << 8 | lo;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) ((sum & 0xFFFF) + (sum >>> 16));
    }

    @Test
    void agreesWithTheWordByWordSumAtEveryOffsetAndLength() {
        Random random = new Random(7);
        for (int round = 0; round < 3000; round++) {
            byte[] b = new byte[random.nextInt(200) + 1];
            if (round % 3 == 0) {
                Arrays.fill(b, (byte) 0xFF); // sums that carry on every word
            } else {
                random.nextBytes(b);
            }
            int off = random.nextInt(b.length);
            int len = random.nextInt(b.length - off + 1);
            long start = round % 2 == 0 ? 0 : random.nextInt(1 << 20); // a pseudo-header's sum, say
            int expected = wordByWord(start, b, off, len);
            long sum = OnesComplement.add(start, b, off, len);
            assertEquals(expected, OnesComplement.fold(sum), "offset " + off + " length " + len);
            assertEquals(~expected & 0xFFFF, OnesComplement.checksum(sum));
        }
    }

    @Test
    void onlyAZeroSumFoldsToZero() {
        assertEquals(0, OnesComplement.fold(OnesComplement.add(0, new byte[64], 0, 64)));
        assertEquals(0xFFFF, OnesComplement.checksum(0), "all-zero data: checksum 0xFFFF");
        byte[] ones = new byte[65535];
        Arrays.fill(ones, (byte) 0xFF);
        assertEquals(0xFFFF, OnesComplement.fold(OnesComplement.add(0, ones, 0, 64)), "0xFFFF words are not zero");
        assertEquals(wordByWord(0, ones, 0, ones.length), OnesComplement.fold(OnesComplement.add(0, ones, 0, ones.length)));
    }

    @Test
    void aRangeOutsideTheArrayIsRefused() {
        byte[] b = new byte[16];
        assertThrows(IndexOutOfBoundsException.class, () -> OnesComplement.add(0, b, 10, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> OnesComplement.add(0, b, -1, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> OnesComplement.add(0, b, 4, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> OnesComplement.add(0, b, Integer.MAX_VALUE, 2));
    }
}
