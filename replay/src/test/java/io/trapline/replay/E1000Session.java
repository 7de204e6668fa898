package io.trapline.replay;

import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.emulator.e1000.E1000Config;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.machine.PciSlot;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.RecordingTap;

import java.nio.file.Path;
import java.util.List;

import static io.trapline.emulator.e1000.E1000Registers.*;

/**
 * Records an e1000 through the recording tap while a scripted driver brings the link up, sets up rings,
 * transmits and receives frames and services interrupts, with virtual time passing in between.
 */
final class E1000Session {
    static final long MMIO = 0xFEBC_0000L;
    static final long TX_RING = 0x10_0000;
    static final long RX_RING = 0x20_0000;
    static final long TX_BUFFERS = 0x30_0000;
    static final long RX_BUFFERS = 0x40_0000;

    private E1000Session() {
    }

    static Path record(Path dir, E1000Config config, int frames) {
        CaptureMetadata meta = CaptureMetadata.create(new CaptureMetadata.Source("test", "E1000Session", null),
                new CaptureMetadata.Clock("virtual", null), "2026-11-25T00:00:00Z", null,
                List.of(new CaptureMetadata.DeviceInfo(0, "e1000", null, DeviceCatalog.describe(config), null,
                        List.of(new CaptureMetadata.Bar(0, "mmio", MMIO, 0x20000)))));
        Machine m = new Machine(64L << 20);
        try (CaptureWriter w = CaptureWriter.create(dir, meta)) {
            PciSlot slot = m.plug(ctx -> DeviceCatalog.create("e1000", DeviceCatalog.describe(config), ctx), new RecordingTap(w));
            var nic = slot.device();
            nic.configWrite(PciConfigSpace.BAR0, 4, MMIO);
            nic.configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_MEMORY | PciConfigSpace.COMMAND_BUS_MASTER);
            java.util.function.IntUnaryOperator rd = off -> (int) nic.read(0, off, 4);
            java.util.function.BiConsumer<Integer, Integer> wr = (off, v) -> nic.write(0, off, 4, v & 0xFFFF_FFFFL);
            rd.applyAsInt(STATUS);
            wr.accept(MDIC, MDIC_OP_WRITE | 1 << MDIC_PHY_SHIFT | 0x1200); // BMCR: autoneg enable + restart
            m.scheduler().runUntil(m.scheduler().now() + 600_000_000L);
            rd.applyAsInt(ICR);
            wr.accept(IMS, ICR_TXDW | ICR_TXQE | ICR_LSC | ICR_RXT0 | ICR_RXDMT0 | ICR_RXO);
            wr.accept(ITR, 200); // 51.2 us between interrupts, as Linux's driver sets at 20k interrupts/s
            wr.accept(TDBAL, (int) TX_RING);
            wr.accept(TDBAH, 0);
            wr.accept(TDLEN, 64 * 16);
            wr.accept(TDH, 0);
            wr.accept(TDT, 0);
            wr.accept(TCTL, TCTL_EN | TCTL_PSP);
            for (int i = 0; i < 32; i++) {
                m.memory().store(RX_RING + 16L * i, 8, RX_BUFFERS + 2048L * i);
                m.memory().store(RX_RING + 16L * i + 8, 8, 0);
            }
            wr.accept(RDBAL, (int) RX_RING);
            wr.accept(RDBAH, 0);
            wr.accept(RDLEN, 32 * 16);
            wr.accept(RDH, 0);
            wr.accept(RDT, 31);
            wr.accept(RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
            m.scheduler().runUntil(m.scheduler().now() + 1_100_000_000L);
            int tail = 0;
            for (int f = 0; f < frames; f++) {
                int len = 60 + (f * 97) % 1400;
                for (int b = 0; b < len; b++) {
                    m.memory().store(TX_BUFFERS + 2048L * tail + b, 1, (b * 13 + f) & 0xFF);
                }
                long d = TX_RING + 16L * tail;
                m.memory().store(d, 8, TX_BUFFERS + 2048L * tail);
                m.memory().store(d + 8, 4, len | TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS);
                m.memory().store(d + 12, 4, 0);
                tail = (tail + 1) % 64;
                wr.accept(TDT, tail);
                byte[] in = new byte[64 + f % 200];
                for (int b = 0; b < 6; b++) {
                    in[b] = (byte) 0xFF; // broadcast
                }
                in[12] = 0x08;
                in[14] = (byte) f;
                nic.receive(in, 0, in.length);
                m.scheduler().runUntil(m.scheduler().now() + 50_000 + (f % 5) * 100_000L);
                if (rd.applyAsInt(ICR) != 0) {
                    wr.accept(IMC, 0xFFFF_FFFF);
                    rd.applyAsInt(STATUS);
                    wr.accept(RDT, (f + 31) % 32);
                    wr.accept(IMS, ICR_TXDW | ICR_TXQE | ICR_LSC | ICR_RXT0 | ICR_RXDMT0 | ICR_RXO);
                }
                m.scheduler().runUntil(m.scheduler().now() + (f % 3) * 60_000L); // sometimes inside the 128 us mitigation window
            }
        }
        return dir;
    }
}
