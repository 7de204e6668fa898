package io.trapline.analysis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CostModelTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsAreTheFactsAnchorsWithSources() {
        CostModel m = CostModel.defaults();
        assertEquals(8_800, m.cycles(ExitClass.MMIO));
        assertEquals(5_300, m.cycles(ExitClass.PIO));
        assertEquals(3_600, m.cycles(ExitClass.MMIO_IOEVENTFD));
        assertEquals(1_760, m.cycles(ExitClass.PIO_IOEVENTFD));
        String text = m.explain();
        for (ExitClass c : ExitClass.values()) {
            assertTrue(text.contains(c.label()), c.label());
        }
        assertTrue(text.contains("pci-testdev"));
    }

    @Test
    void fileAndFlagsOverride() throws Exception {
        Path f = tmp.resolve("costs.txt");
        Files.writeString(f, "# my host\nmmio = 12000\npio_ioeventfd: 900\n\ncpu_hz = 2.5e9\n");
        CostModel m = CostModel.defaults().withFile(f).withFlags(List.of("mmio=10000"));
        assertEquals(10_000, m.cycles(ExitClass.MMIO));
        assertEquals(900, m.cycles(ExitClass.PIO_IOEVENTFD));
        assertEquals(2.5e9, m.cpuHz());
        assertTrue(m.cost(ExitClass.PIO_IOEVENTFD).source().contains("costs.txt:3"));
    }

    @Test
    void badOverridesNameTheProblem() throws Exception {
        assertTrue(assertThrows(AnalysisException.class, () -> CostModel.defaults().withFlags(List.of("mmoi=3")))
                .getMessage().contains("unknown exit class 'mmoi'"));
        assertTrue(assertThrows(AnalysisException.class, () -> CostModel.defaults().withFlags(List.of("mmio=lots")))
                .getMessage().contains("not a number"));
        assertTrue(assertThrows(AnalysisException.class, () -> CostModel.defaults().withFlags(List.of("mmio")))
                .getMessage().contains("CLASS=CYCLES"));
        for (String hz : List.of("-1", "0", "4.9e-324", "1e13")) { // one rule, said the same way for all
            String m = assertThrows(AnalysisException.class, () -> CostModel.defaults().withFlags(List.of("cpu_hz=" + hz)))
                    .getMessage();
            assertTrue(m.contains("cpu_hz must be a clock rate from 1e6 to 1e12 Hz, got " + hz), m);
        }
        // costs whose sums over a capture would overflow (and wrap to small figures) are refused
        for (String cycles : List.of("-1", "9223372036854775807", "1e20", "1.5e9")) {
            String m = assertThrows(AnalysisException.class, () -> CostModel.defaults().withFlags(List.of("mmio=" + cycles)))
                    .getMessage();
            assertTrue(m.contains("mmio must be a number of cycles from 0 to 1e9, got " + cycles), m);
        }
        assertEquals(1_000_000_000L, CostModel.defaults().withFlags(List.of("mmio=1e9")).cycles(ExitClass.ofLabel("mmio")));
        assertEquals(0, CostModel.defaults().withFlags(List.of("mmio=0")).cycles(ExitClass.ofLabel("mmio")));
        Path f = tmp.resolve("bad.txt");
        Files.writeString(f, "mmio 3\n");
        assertTrue(assertThrows(AnalysisException.class, () -> CostModel.defaults().withFile(f))
                .getMessage().contains("bad.txt:1"));
        assertTrue(assertThrows(AnalysisException.class, () -> CostModel.defaults().withFile(tmp.resolve("none")))
                .getMessage().contains("no such cost file"));
        Path binary = tmp.resolve("binary.txt");
        Files.write(binary, new byte[] {0, (byte) 0xFF, '\n'});
        assertEquals(binary + ": cannot read: not UTF-8 text",
                assertThrows(AnalysisException.class, () -> CostModel.defaults().withFile(binary)).getMessage());
    }
}
