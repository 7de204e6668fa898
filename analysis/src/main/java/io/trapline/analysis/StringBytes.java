package io.trapline.analysis;

import io.trapline.emulator.net.FrameFields;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * UTF-8 bytes of the few distinct strings a table repeats (addresses, protocol names), made once each.
 * Bounded: past {@link #MAX} distinct values the bytes are made per call.
 */
final class StringBytes {
    private static final int MAX = 4096;
    private final Map<String, byte[]> byIdentity = new IdentityHashMap<>();
    private final Map<Long, byte[]> macs = new HashMap<>();

    /** The bytes of {@code s} (null for null); cached per String instance, which FrameFields reuses. */
    byte[] of(String s) {
        if (s == null) {
            return null;
        }
        byte[] b = byIdentity.get(s);
        if (b == null) {
            b = s.getBytes(StandardCharsets.UTF_8);
            if (byIdentity.size() < MAX) {
                byIdentity.put(s, b);
            }
        }
        return b;
    }

    /** A MAC address at {@code f[at..at+6)} as text. */
    byte[] mac(byte[] f, int at) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (f[at + i] & 0xFF);
        }
        byte[] b = macs.get(v);
        if (b == null) {
            b = FrameFields.mac(f, at).getBytes(StandardCharsets.UTF_8);
            if (macs.size() < MAX) {
                macs.put(v, b);
            }
        }
        return b;
    }
}
