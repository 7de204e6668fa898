package io.trapline.recorder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian fields of an event laid out in a byte array (see {@link EventLayout}). */
final class EventBytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private EventBytes() {
    }

    static long getLong(byte[] b, int at) {
        return (long) LONGS.get(b, at);
    }

    static int getInt(byte[] b, int at) {
        return (int) INTS.get(b, at);
    }

    static void putLong(byte[] b, int at, long v) {
        LONGS.set(b, at, v);
    }

    static void putInt(byte[] b, int at, int v) {
        INTS.set(b, at, v);
    }
}
