package io.trapline.emulator.device;

/**
 * Names, for people, the guest memory a device model knows: its descriptor rings and the buffers it last
 * fetched ({@code TX desc 0 (TDBA+0xc) status}, {@code queue 2 (controlq) used[1]}), and its MSI-X vectors
 * ({@code MSI-X vector 2: queue 1 (transmitq)}). Replay uses it to say what a diverging DMA address or
 * interrupt is.
 *
 * <p>Naming is an observation, like {@link RegisterNames}: it reads only what the device already holds (the
 * registers and ring addresses the driver programmed), never guest memory, so it changes no state and causes
 * no output. It answers any value, however hostile (addresses that wrap, lengths past the ring, rings never
 * set up), with a name or null, in bounded time.
 */
public interface GuestAddressNames {

    /**
     * What the device knows at guest-physical {@code address} (an access of {@code length} bytes, read as
     * unsigned), or null when it knows nothing there.
     */
    String describeDma(long address, long length);

    /**
     * MSI-X vector {@code vector} and what the device raises it for (e.g. {@code MSI-X vector 1: queue 0
     * (receiveq)}); when {@code vector} is negative, the lowest table entry holding the message
     * {@code address}/{@code data}. Null when the device has no such vector or entry.
     */
    default String describeMsi(int vector, long address, int data) {
        return null;
    }
}
