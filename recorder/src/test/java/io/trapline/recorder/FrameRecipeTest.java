package io.trapline.recorder;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Frames stored as recipes over the DMA reads they were made of: exact round trips, and no trust in a recipe. */
class FrameRecipeTest {
    /** Events laid out as in a document: a header (only the payload length matters here) and the payload. */
    private static final class Doc {
        byte[] bytes = new byte[0];
        final List<Integer> reads = new ArrayList<>();

        int add(byte[] payload) {
            int at = bytes.length;
            bytes = Arrays.copyOf(bytes, at + EventLayout.HEADER_SIZE + payload.length);
            EventBytes.putInt(bytes, at + EventLayout.PAYLOAD_LENGTH, payload.length);
            System.arraycopy(payload, 0, bytes, at + EventLayout.HEADER_SIZE, payload.length);
            reads.add(at);
            return at;
        }

        int[] sources() {
            return reads.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The document as a reader sees it from an event whose header would start right after these bytes. */
        FrameRecipe.Document fromEnd() {
            int event = bytes.length;
            return new FrameRecipe.Document() {
                @Override
                public long bytesBefore() {
                    return event;
                }

                @Override
                public int readInt(long relative) {
                    return EventBytes.getInt(bytes, (int) (event + relative));
                }

                @Override
                public void read(long relative, byte[] dst, int off, int len) {
                    System.arraycopy(bytes, (int) (event + relative), dst, off, len);
                }

                @Override
                public boolean isSource(long back) {
                    return reads.contains((int) (event - back));
                }
            };
        }
    }

    private static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Encodes {@code frame} against every read in {@code doc}; asserts the recipe rebuilds it; returns its length. */
    private static int roundTrip(Doc doc, byte[] frame) {
        return roundTrip(new FrameRecipe(), doc, frame);
    }

    /** As above with {@code recipe}, which remembers where the frame before ended (a writer keeps one). */
    private static int roundTrip(FrameRecipe recipe, Doc doc, byte[] frame) {
        int[] sources = doc.sources();
        int n = recipe.encode(frame, 0, frame.length, doc.bytes, doc.bytes.length, sources, sources.length);
        if (n < 0) {
            return n;
        }
        byte[] rebuilt = new byte[frame.length];
        assertNull(FrameRecipe.decode(Arrays.copyOf(recipe.bytes(), n), n, doc.fromEnd(), rebuilt));
        assertArrayEquals(frame, rebuilt);
        return n;
    }

    @Test
    void aFrameReadWholeIsOneCopy() {
        Random r = new Random(1);
        Doc doc = new Doc();
        doc.add(random(r, 16)); // its descriptor
        byte[] frame = random(r, 1514);
        doc.add(frame);
        assertEquals(4 + FrameRecipe.COPY_SIZE, roundTrip(doc, frame));
    }

    @Test
    void aFrameAfterAVirtioHeaderInTheSameBufferIsFound() {
        Random r = new Random(2);
        Doc doc = new Doc();
        byte[] frame = random(r, 1514);
        doc.add(concat(new byte[12], frame)); // virtio-net header, then the frame, in one descriptor
        assertEquals(4 + FrameRecipe.COPY_SIZE, roundTrip(doc, frame));
    }

    @Test
    void buffersInOrderWithDescriptorsBetweenAndAPatchedChecksum() {
        Random r = new Random(3);
        Doc doc = new Doc();
        byte[] head = random(r, 66);
        byte[] data = random(r, 1448);
        doc.add(random(r, 16));
        doc.add(head);
        doc.add(random(r, 16));
        doc.add(data);
        byte[] frame = concat(head, data);
        frame[50] ^= 0x5A; // the device put the TCP checksum in
        frame[51] ^= 0x33;
        int n = roundTrip(doc, frame);
        assertTrue(n > 0 && n < 60, "two copies around two spelled-out bytes: " + n);
    }

    @Test
    void segmentsOfOneLargeBufferReuseTheHeaderWithFieldsPatched() {
        Random r = new Random(4);
        Doc doc = new Doc();
        byte[] header = random(r, 54);
        byte[] payload = random(r, 4 * 1448);
        doc.add(header);
        doc.add(payload);
        FrameRecipe recipe = new FrameRecipe();
        for (int seg = 0; seg < 4; seg++) {
            byte[] h = header.clone();
            h[17] = (byte) seg; // IP length, id, checksums, sequence number differ per segment
            h[19] ^= (byte) seg;
            h[24] ^= 0x11;
            h[41] = (byte) (seg * 7);
            h[50] ^= 0x22;
            byte[] frame = concat(h, Arrays.copyOfRange(payload, seg * 1448, (seg + 1) * 1448));
            int n = roundTrip(recipe, doc, frame);
            assertTrue(n > 0 && n < 120, "segment " + seg + ": " + n);
        }
    }

    @Test
    void aFrameNotMadeOfTheReadsIsStoredWhole() {
        Random r = new Random(5);
        Doc doc = new Doc();
        doc.add(random(r, 16));
        doc.add(random(r, 1514));
        assertEquals(-1, roundTrip(doc, random(r, 1514)));
        Doc none = new Doc();
        assertEquals(-1, roundTrip(none, random(r, 200)));
    }

    @Test
    void aLongChainOfReadsBoundsTheSearchPerFrame() {
        Random r = new Random(7);
        Doc doc = new Doc();
        byte[] frame = random(r, 1514);
        doc.add(frame); // the frame's bytes, then thousands of descriptor-sized reads (a hostile guest's chain)
        for (int i = 0; i < 5_000; i++) {
            doc.add(random(r, 16));
        }
        FrameRecipe recipe = new FrameRecipe();
        assertEquals(-1, roundTrip(recipe, doc, frame), "a source further back than the search reaches: stored whole");
        doc.add(frame);
        assertTrue(roundTrip(recipe, doc, frame) > 0, "the same frame right behind its read");
        for (int i = 0; i < 1_000; i++) {
            assertEquals(-1, roundTrip(recipe, doc, random(r, 1514)), "frames made of nothing here");
        }
    }

    @Test
    void framesMadeOfRandomPiecesWithRandomPatchesAlwaysRebuildExactly() {
        Random r = new Random(6);
        int recipes = 0;
        for (int round = 0; round < 2_000; round++) {
            Doc doc = new Doc();
            List<byte[]> reads = new ArrayList<>();
            for (int k = 1 + r.nextInt(6); k > 0; k--) {
                byte[] b = r.nextInt(4) == 0 ? random(r, 1 + r.nextInt(20)) : random(r, 20 + r.nextInt(3000));
                if (r.nextInt(5) == 0) {
                    Arrays.fill(b, (byte) 0); // runs of equal bytes: alignments that look right and are not
                }
                reads.add(b);
                doc.add(b);
            }
            byte[] frame = new byte[0];
            for (int p = 1 + r.nextInt(4); p > 0; p--) {
                byte[] src = reads.get(r.nextInt(reads.size()));
                int from = r.nextInt(src.length);
                int to = from + r.nextInt(src.length - from + 1);
                frame = concat(frame, Arrays.copyOfRange(src, from, to), r.nextInt(3) == 0 ? random(r, r.nextInt(40)) : new byte[0]);
            }
            for (int patch = r.nextInt(5); patch > 0 && frame.length > 0; patch--) {
                frame[r.nextInt(frame.length)] ^= (byte) (1 + r.nextInt(255));
            }
            if (roundTrip(doc, frame) >= 0) {
                recipes++;
            }
        }
        assertTrue(recipes > 200, "recipes made: " + recipes);
    }

    /** A recipe with the given operations (after the frame length). */
    private static byte[] recipe(int frameLength, int... words) {
        byte[] b = new byte[4 + words.length * 4];
        EventBytes.putInt(b, 0, frameLength);
        int at = 4;
        for (int i = 0; i < words.length; i++) {
            if (i % 4 == 0) {
                b[at++] = (byte) words[i];
            } else {
                EventBytes.putInt(b, at, words[i]);
                at += 4;
            }
        }
        return Arrays.copyOf(b, at);
    }

    @Test
    void aRecipeThatDoesNotAddUpIsRefusedWithoutReadingOutsideItsDocument() {
        Doc doc = new Doc();
        doc.add(new byte[100]); // header at 0, payload 100 bytes, document ends at 148
        int back = doc.bytes.length;
        byte[] dst = new byte[4096];
        String[] wrong = {
            decode(doc, recipe(10, FrameRecipe.COPY, back + 8, 0, 10), dst),   // before the document
            decode(doc, recipe(10, FrameRecipe.COPY, 20, 0, 10), dst),         // source overlaps this event
            decode(doc, recipe(10, FrameRecipe.COPY, back - 8, 0, 10), dst),   // not where a read starts
            decode(doc, recipe(10, FrameRecipe.COPY, back, 95, 10), dst),      // past the source's payload
            decode(doc, recipe(10, FrameRecipe.COPY, back, -1, 10), dst),      // negative offset
            decode(doc, recipe(10, FrameRecipe.COPY, back, 0, 0), dst),        // empty copy
            decode(doc, recipe(20, FrameRecipe.COPY, back, 0, 10), dst),       // makes less than declared
            decode(doc, recipe(5, FrameRecipe.COPY, back, 0, 10), dst),        // makes more than declared
            decode(doc, recipe(10, 9, back, 0, 10), dst),                      // unknown operation
            decode(doc, recipe(10, FrameRecipe.BYTES, 1000), dst),             // spelled-out bytes past the end
            decode(doc, recipe(100_000, FrameRecipe.COPY, back, 0, 10), new byte[64]), // larger than allowed
            FrameRecipe.decode(new byte[3], 3, doc.fromEnd(), dst),                    // no frame length
        };
        for (int i = 0; i < wrong.length; i++) {
            assertNotNull(wrong[i], "case " + i + " must be refused");
        }
        assertNull(decode(doc, recipe(10, FrameRecipe.COPY, back, 90, 10), dst), "the last bytes of the source are fine");
    }

    private static String decode(Doc doc, byte[] recipe, byte[] dst) {
        return FrameRecipe.decode(recipe, recipe.length, doc.fromEnd(), dst);
    }
}
