package io.trapline.replay;

import io.trapline.emulator.device.RegisterNames;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;

import java.util.Locale;

/** How replay and diff name the events they report: registers by name, outputs as replay's divergences show them. */
final class EventText {
    private EventText() {
    }

    /** A device output (or any event that is not an input): "dma_write 0x1000 len 16", "kick queue 1"... */
    static String output(EventCursor c) {
        return switch (c.type()) {
            case DMA_READ, DMA_WRITE -> String.format("%s 0x%x len %d%s", c.type().label(), c.address(), c.value(),
                    c.hasFlag(EventFlags.FAULT) ? " (fault)" : "");
            case INTX -> "intx " + (c.value() != 0 ? "asserted" : "deasserted");
            case MSI -> String.format("msi address 0x%x data 0x%x", c.address(), c.value());
            case KICK -> "kick queue " + c.queue();
            case FRAME_TX -> "frame_tx of " + c.payloadLength() + " bytes";
            case RX_READY -> "rx_ready";
            default -> c.type().label();
        };
    }

    /** An input, with its register's name: "TDT (BAR0+0x3818) <- 0x1", "STATUS (BAR0+0x8) read", "config+0x10 read". */
    static String input(EventCursor c, RegisterNames names) {
        EventType t = c.type();
        String value = t.isRead() ? " read" : " <- 0x" + Long.toHexString(c.value());
        return switch (t) {
            case MMIO_READ, MMIO_WRITE, PIO_READ, PIO_WRITE -> {
                String where = "BAR" + c.region() + "+0x" + Long.toHexString(c.address());
                String name = names.name(c.region(), c.address());
                yield (name != null ? name + " (" + where + ")" : where) + value; // an unnamed register once, by its place
            }
            case PCI_CFG_READ, PCI_CFG_WRITE -> "config+0x" + Long.toHexString(c.address()) + value;
            case FRAME_RX -> "frame_rx of " + c.payloadLength() + " bytes"
                    + ((c.flags() & EventFlags.REFUSED) != 0 ? " (refused)" : "");
            default -> output(c);
        };
    }

    /** A time stamp as seconds with nanosecond digits: 4.019170067. */
    static String seconds(long ns) {
        return String.format(Locale.ROOT, "%d.%09d", ns / 1_000_000_000L, ns % 1_000_000_000L);
    }

    /** A span between two events: 850 ns, 30.0 µs, 3.250 ms. */
    static String span(long ns) {
        return ns < 1_000 ? ns + " ns" : ns < 1_000_000 ? String.format(Locale.ROOT, "%.1f µs", ns / 1e3)
                : String.format(Locale.ROOT, "%.3f ms", ns / 1e6);
    }

    /** {@code described} with the payload byte at {@code at}: ", byte +N = 0xVV" for DMA, ", byte N = 0xVV" for frames. */
    static String withByte(EventType type, String described, byte[] payload, int from, int end, int at) {
        String value = from + at < end ? String.format("0x%02x", payload[from + at] & 0xFF) : "(none)";
        return described + (type == EventType.FRAME_TX ? ", byte " + at : ", byte +" + at) + " = " + value;
    }
}
