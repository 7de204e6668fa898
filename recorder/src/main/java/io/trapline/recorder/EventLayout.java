package io.trapline.recorder;

/**
 * The fixed binary header of every event, little-endian, followed by {@code payloadLength} payload bytes.
 * This is the on-disk format (docs/capture-format.md; the same in majors 1 and 2, which differ only in the checksum).
 */
public final class EventLayout {
    private EventLayout() {
    }

    public static final int SEQUENCE = 0;       // u64, 0-based, consecutive
    public static final int TIME_NS = 8;        // u64, ns in the capture's clock domain
    public static final int TYPE = 16;          // u8, EventType code
    public static final int DEVICE = 17;        // u8, index into capture.json devices
    public static final int QUEUE = 18;         // u16, queue index (kick) or vCPU (accesses, exits)
    public static final int REGION = 20;        // u16, BAR index, or capture.json regions index for OTHER_*
    public static final int SIZE = 22;          // u8, access size in bytes (1, 2, 4, 8), 0 when not an access
    public static final int FLAGS = 23;         // u8, EventFlags
    public static final int ADDRESS = 24;       // u64, register offset in the BAR / config offset / guest address
    public static final int VALUE = 32;         // u64, value read or written / level / data / code
    public static final int PAYLOAD_LENGTH = 40; // u32
    public static final int CHECKSUM = 44;      // u32, EventChecksum over header fields and payload
    public static final int HEADER_SIZE = 48;

    /** Largest payload an event may carry (a 64 KiB TSO frame plus headroom). */
    public static final int MAX_PAYLOAD = 1 << 20;

    /** Lays out every header field but the checksum at {@code b[at..]}. */
    static void putHeader(byte[] b, int at, long sequence, long timeNs, long packed, long address, long value,
                          int payloadLength) {
        EventBytes.putLong(b, at + SEQUENCE, sequence);
        EventBytes.putLong(b, at + TIME_NS, timeNs);
        EventBytes.putLong(b, at + TYPE, packed);
        EventBytes.putLong(b, at + ADDRESS, address);
        EventBytes.putLong(b, at + VALUE, value);
        EventBytes.putInt(b, at + PAYLOAD_LENGTH, payloadLength);
    }
}
