package io.trapline.cli;

import io.trapline.analysis.OtherRegisters;
import io.trapline.emulator.device.RegisterNames;
import io.trapline.recorder.CaptureEvent;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;
import io.trapline.recorder.JsonText;
import io.trapline.recorder.MarkKind;

import java.nio.charset.StandardCharsets;

/** Formats one event as a human-readable line or as one JSON object (JSON Lines). */
final class EventLine {
    private static final int PREVIEW_BYTES = 16;
    private final CaptureMetadata meta;
    private final RegisterNames[] names;
    private final StringBuilder sb = new StringBuilder(256);
    private byte[] payload = new byte[2048];

    EventLine(CaptureMetadata meta) {
        this.meta = meta;
        int max = 0;
        for (CaptureMetadata.DeviceInfo d : meta.devices()) {
            max = Math.max(max, d.index() + 1);
        }
        names = new RegisterNames[Math.max(max, 1)];
        for (int i = 0; i < names.length; i++) {
            names[i] = RegisterLabels.forDevice(meta.device(i));
        }
    }

    private RegisterNames names(int device) {
        return device < names.length ? names[device] : RegisterNames.NONE;
    }

    private String payloadText(CaptureEvent e) {
        int n = e.payloadLength();
        if (payload.length < n) {
            payload = new byte[n];
        }
        e.copyPayload(payload, 0);
        return new String(payload, 0, n, StandardCharsets.UTF_8);
    }

    /** What the event is about, without time and type: register and value, address and length, name... */
    private String detail(CaptureEvent e) {
        StringBuilder d = new StringBuilder(96);
        EventType t = e.type();
        switch (t) {
            case MMIO_READ, MMIO_WRITE, PIO_READ, PIO_WRITE -> d.append(names(e.device()).label(e.region(), e.address()))
                    .append(String.format(" (BAR%d+0x%x) size %d %s 0x%x", e.region(), e.address(), e.size(),
                            t.isRead() ? "->" : "<-", e.value()));
            case PCI_CFG_READ, PCI_CFG_WRITE -> d.append(String.format("config+0x%02x size %d %s 0x%x", e.address(),
                    e.size(), t.isRead() ? "->" : "<-", e.value()));
            case DMA_READ, DMA_WRITE -> d.append(String.format("guest 0x%x len %d", e.address(), e.value()));
            case INTX -> d.append(e.value() != 0 ? "asserted" : "deasserted");
            case MSI -> d.append(String.format("address 0x%x data 0x%x", e.address(), e.value()));
            case KICK -> d.append("queue ").append(e.queue());
            case FRAME_RX, FRAME_TX -> d.append(e.payloadLength()).append(" bytes");
            case EXIT -> d.append("reason ").append(e.value()).append(" vcpu ").append(e.queue());
            case MARK -> {
                MarkKind k = MarkKind.ofCode(e.value());
                d.append(k == null ? "kind " + e.value() : k.name().toLowerCase()).append(" \"").append(payloadText(e)).append('"');
            }
            case OTHER_READ, OTHER_WRITE -> {
                String region = meta.regionName(e.region());
                String register = OtherRegisters.name(region, e.address());
                d.append(region).append(register == null ? String.format(" 0x%x", e.address())
                        : String.format(" %s (0x%x)", register, e.address())).append(String.format(" size %d %s 0x%x",
                        e.size(), t.isRead() ? "->" : "<-", e.value()));
            }
            case RX_READY -> d.append("device can receive again");
            default -> d.append("value 0x").append(Long.toHexString(e.value()));
        }
        if (e.hasFlag(EventFlags.FAULT)) {
            d.append(" FAULT(outside guest RAM)");
        }
        if (e.hasFlag(EventFlags.REFUSED)) {
            d.append(" REFUSED");
        }
        if (e.hasFlag(EventFlags.DERIVED)) {
            d.append(" derived");
        }
        if (e.payloadLength() > 0 && t != EventType.MARK) {
            d.append(" [").append(e.payloadLength()).append(" B:");
            int n = Math.min(PREVIEW_BYTES, e.payloadLength());
            for (int i = 0; i < n; i++) {
                d.append(String.format(" %02x", e.payloadByte(i) & 0xFF));
            }
            d.append(e.payloadLength() > n ? " ...]" : "]");
        }
        return d.toString();
    }

    String text(CaptureEvent e) {
        sb.setLength(0);
        sb.append(String.format("%10d %18s  %-13s dev%d  ", e.sequence(), Durations.seconds(e.timeNs()), e.type().label(),
                e.device()));
        sb.append(detail(e));
        return sb.toString();
    }

    static String header() {
        return String.format("%10s %18s  %-13s %-5s %s", "SEQ", "TIME(s)", "TYPE", "DEV", "DETAIL");
    }

    String json(CaptureEvent e) {
        sb.setLength(0);
        sb.append("{\"seq\":").append(e.sequence())
                .append(",\"time_ns\":").append(e.timeNs())
                .append(",\"type\":\"").append(e.type().label()).append('"')
                .append(",\"device\":").append(e.device())
                .append(",\"queue\":").append(e.queue())
                .append(",\"region\":").append(e.region())
                .append(",\"size\":").append(e.size())
                .append(",\"address\":").append(e.address())
                .append(",\"value\":").append(e.value())
                .append(",\"flags\":").append(e.flags())
                .append(",\"payload_len\":").append(e.payloadLength());
        EventType t = e.type();
        if (t == EventType.MMIO_READ || t == EventType.MMIO_WRITE || t == EventType.PIO_READ || t == EventType.PIO_WRITE) {
            String name = names(e.device()).name(e.region(), e.address());
            if (name != null) {
                sb.append(",\"register\":\"").append(escape(name)).append('"');
            }
        } else if (t == EventType.MARK) {
            sb.append(",\"name\":\"").append(escape(payloadText(e))).append('"');
        } else if (t == EventType.OTHER_READ || t == EventType.OTHER_WRITE) {
            String region = meta.regionName(e.region());
            sb.append(",\"region_name\":\"").append(escape(region)).append('"');
            String register = OtherRegisters.name(region, e.address());
            if (register != null) {
                sb.append(",\"register\":\"").append(register).append('"');
            }
        }
        sb.append(",\"detail\":\"").append(escape(detail(e))).append("\"}");
        return sb.toString();
    }

    private static String escape(String s) {
        StringBuilder o = new StringBuilder(s.length() + 8);
        JsonText.escape(o, s);
        return o.toString();
    }
}
