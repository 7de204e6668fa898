package io.trapline.recorder.qemu;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class QemuImportOptionsTest {
    private static QemuImportOptions.PathQemuVersion fromPath(String trace) {
        return QemuImportOptions.of(Path.of(trace), Path.of("/tmp/out")).qemuVersionFromPath();
    }

    @Test
    void aQemuVersionFromTheTracesPathIsAVersionAndSaysWhichComponentNamedIt() {
        assertEquals(new QemuImportOptions.PathQemuVersion("7.2", Path.of("/runs/qemu-7.2-tcg")),
                fromPath("/runs/qemu-7.2-tcg/e1000/trace.log.xz"));
        assertEquals(new QemuImportOptions.PathQemuVersion("8.0.1", Path.of("/runs/qemu-8.0.1")),
                fromPath("/runs/qemu-8.0.1/trace.log"));
        assertEquals("9.1", fromPath("/qemu-7.2/runs/qemu-9.1/trace.log").version(), "the component nearest the file");
        assertEquals("7.2", fromPath("/runs/qemu-7.2.log").version(), "the dot before an extension is not the version's");
        // digits and dots that are not X.Y or X.Y.Z name no version (it was recorded as it came)
        assertNull(fromPath("/runs/qemu-7/trace.log"));
        assertNull(fromPath("/runs/qemu-7.2.1.4/trace.log"));
        assertEquals("7.2", fromPath("/qemu-7.2/qemu-7/trace.log").version());
        assertNull(fromPath("/runs/qemu-git/trace.log"));
        QemuImportOptions given = QemuImportOptions.of(Path.of("/qemu-8.2/t.log"), Path.of("/o")).withQemuVersion("7.2");
        assertEquals("7.2", given.effectiveQemuVersion(), "a version given wins over the path's");
        assertEquals("8.2", QemuImportOptions.of(Path.of("/qemu-8.2/t.log"), Path.of("/o")).effectiveQemuVersion());
    }
}
