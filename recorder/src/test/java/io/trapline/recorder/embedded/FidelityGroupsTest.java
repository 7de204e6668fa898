package io.trapline.recorder.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request groups of a real run, read from the capture script's workload-results.txt. */
class FidelityGroupsTest {
    @TempDir
    Path run;

    private List<FidelityReport.Group> groups(String results) throws IOException {
        Files.writeString(run.resolve("workload-results.txt"), results);
        return FidelityReport.groups(run);
    }

    @Test
    void withoutResultsTheSharedCapturesWorkload() {
        assertEquals(List.of(new FidelityReport.Group(200, 1024, "small"), new FidelityReport.Group(20, 65536, "large")),
                FidelityReport.groups(run));
    }

    @Test
    void smallPagesThenTheLargeFile() throws IOException {
        List<FidelityReport.Group> g = groups("200 1024\n200 1024\n200 1024\n200 262144\n200 262144\n");
        assertEquals(List.of(new FidelityReport.Group(3, 1024, "small"), new FidelityReport.Group(2, 262144, "large")), g);
        assertEquals("3x1024,2x262144", g.get(0).modelPhase() + "," + g.get(1).modelPhase());
        assertEquals("1 KiB", g.get(0).sizeLabel());
        assertEquals("256 KiB", g.get(1).sizeLabel());
    }

    @Test
    void onlyLargeFilesIsTheBulkWorkload() throws IOException {
        List<FidelityReport.Group> g = groups("200 1048576\n200 1048576\n\n");
        assertEquals(List.of(new FidelityReport.Group(2, 1048576, "large")), g);
        assertEquals("1 MiB", g.get(0).sizeLabel());
    }

    @Test
    void aFailedRequestOrASecondLargeSizeIsRefusedNamingTheLine() {
        IllegalArgumentException failed = assertThrows(IllegalArgumentException.class, () -> groups("200 1024\n000 0\n"));
        assertTrue(failed.getMessage().contains("workload-results.txt line 2") && failed.getMessage().contains("'000 0'"),
                failed.getMessage());
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> groups("200 65536\n200 65536\n200 4096\n"));
        assertTrue(mixed.getMessage().contains("line 3"), mixed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> groups("\n"));
    }
}
