package io.trapline.guest.net;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChecksumTest {

    /** RFC 1071 word by word: the definition the fast sum must agree with. */
    private static int reference(long sum, byte[] b, int off, int len) {
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xFF;
            int lo = i + 1 < len ? b[off + i + 1] & 0xFF : 0;
            sum += hi << 8 | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    @Test
    void agreesWithTheWordByWordSumAtEveryOffsetAndLength() {
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[random.nextInt(200) + 1];
            if (round % 3 == 0) {
                Arrays.fill(b, (byte) 0xFF); // sums that carry on every word
            } else {
                random.nextBytes(b);
            }
            int off = random.nextInt(b.length);
            int len = random.nextInt(b.length - off + 1);
            long start = round % 2 == 0 ? 0 : Checksum.pseudoHeader(random.nextInt(), random.nextInt(), 6, len);
            assertEquals(reference(start, b, off, len), Checksum.finish(Checksum.add(start, b, off, len)),
                    "offset " + off + " length " + len);
        }
    }

    @Test
    void zerosAndAFullFrameOfOnesFoldAsTheDefinitionSays() {
        assertEquals(0xFFFF, Checksum.of(new byte[64], 0, 64), "a zero sum stays zero: its checksum is 0xFFFF");
        byte[] ones = new byte[65535];
        Arrays.fill(ones, (byte) 0xFF);
        assertEquals(reference(0, ones, 0, ones.length), Checksum.of(ones, 0, ones.length));
        assertEquals(0, Checksum.of(ones, 0, 64), "a sum of 0xFFFF words folds to 0xFFFF, whose checksum is 0");
    }

    @Test
    void aRangeOutsideTheArrayIsRefused() {
        byte[] b = new byte[16];
        assertThrows(IndexOutOfBoundsException.class, () -> Checksum.add(0, b, 10, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> Checksum.add(0, b, -1, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> Checksum.add(0, b, 4, -1));
    }
}
