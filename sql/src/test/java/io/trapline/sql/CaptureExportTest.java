package io.trapline.sql;

import io.trapline.analysis.AnalysisOptions;
import io.trapline.analysis.CaptureSource;
import io.trapline.analysis.TestCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class CaptureExportTest {
    @TempDir
    Path tmp;

    /** One capture that cannot be had: reading it fails with an Error, as running out of memory mid-export does. */
    private static List<CaptureSource> failingWith(Error error) {
        return new AbstractList<>() {
            @Override
            public CaptureSource get(int index) {
                throw error;
            }

            @Override
            public int size() {
                return 1;
            }
        };
    }

    @Test
    void aFinishedFileNeverReplacesOneThatAppearedAtTheTargetMeanwhile() throws Exception {
        Path part = Files.writeString(tmp.resolve("t.json.part"), "new");
        Path out = Files.writeString(tmp.resolve("t.json"), "someone else's");
        io.trapline.analysis.AnalysisException e = assertThrows(io.trapline.analysis.AnalysisException.class,
                () -> CaptureExport.publish(part, out));
        assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
        assertEquals("someone else's", Files.readString(out));
        Files.delete(out);
        CaptureExport.publish(part, out);
        assertEquals("new", Files.readString(out));
        assertFalse(Files.exists(part), "the part file is gone once published");
    }

    @Test
    void anExportEndedByAnErrorLeavesNothingBehind() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        for (ExportFormat f : ExportFormat.values()) {
            OutOfMemoryError oom = new OutOfMemoryError("Java heap space (test)");
            Path target = out.resolve("x-" + f);
            Error thrown = assertThrows(Error.class, () -> CaptureExport.export(failingWith(oom), AnalysisOptions.defaults(),
                    f, target), f.toString());
            assertSame(oom, thrown, f + ": the error itself goes on");
            try (Stream<Path> left = Files.list(out)) {
                assertEquals(List.of(), left.toList(), f + ": no part directory or file, no target");
            }
        }
        // and a working one still works
        Path ok = out.resolve("ok");
        CaptureExport.Result r = CaptureExport.export(List.of(new CaptureSource("e", TestCaptures.e1000(tmp.resolve("e")))),
                AnalysisOptions.defaults(), ExportFormat.csv, ok);
        assertTrue(r.rows() > 0);
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(ok), left.toList());
        }
    }
}
