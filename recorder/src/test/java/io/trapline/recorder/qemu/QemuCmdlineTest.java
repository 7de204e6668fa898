package io.trapline.recorder.qemu;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class QemuCmdlineTest {
    @Test
    void backslashEscapesKeepArgumentsWhole() {
        QemuCmdline c = QemuCmdline.parse("qemu -append console=ttyS0\\ quiet -netdev user\\,id=n0 -device "
                + "virtio-net-pci\\,netdev=n0\\,mac=52:54:00:12:34:56\\,disable-legacy=on -accel tcg");
        assertEquals(List.of("qemu", "-append", "console=ttyS0 quiet", "-netdev", "user,id=n0", "-device",
                "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,disable-legacy=on", "-accel", "tcg"), c.args());
        assertEquals("tcg", c.accelerator());
        assertEquals(List.of("virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,disable-legacy=on"), c.nicDevices());
        assertEquals("52:54:00:12:34:56", QemuCmdline.option(c.nicDevices().get(0), "mac"));
        assertNull(QemuCmdline.option(c.nicDevices().get(0), "vectors"));
    }

    @Test
    void acceleratorFromEveryForm() {
        assertEquals("kvm", QemuCmdline.parse("q -enable-kvm").accelerator());
        assertEquals("kvm", QemuCmdline.parse("q -machine q35,accel=kvm:tcg").accelerator());
        assertEquals("tcg", QemuCmdline.parse("q -accel tcg,thread=single").accelerator());
        assertNull(QemuCmdline.parse("q -m 256").accelerator());
    }

    @Test
    void theSharedRunsCommandLinesParse() throws Exception {
        Path runs = SharedCapturesImportTest.sharedRuns();
        QemuCmdline c = QemuCmdline.parse(Files.readString(runs.resolve("virtio_intx/qemu-cmdline.txt")));
        assertEquals("tcg", c.accelerator());
        assertEquals("0", QemuCmdline.option(c.nicDevices().get(0), "vectors"));
        assertEquals("off", QemuCmdline.option(c.nicDevices().get(0), "ioeventfd"));
    }
}
