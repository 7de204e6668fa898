package io.trapline.cli;

import io.trapline.analysis.AnalysisException;
import io.trapline.analysis.AnalysisOptions;
import io.trapline.analysis.CaptureSource;
import io.trapline.analysis.CostModel;
import io.trapline.analysis.Profile;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The options every analysis command shares: profiles and the cost model. A picocli mixin. */
final class AnalysisSetup {
    @Option(names = "--profile", paramLabel = "P", split = ",",
            description = "Hypervisor profiles: tcg, kvm, kvm-vhost (default: all).")
    List<String> profiles;

    @Option(names = "--cost", paramLabel = "CLASS=CYCLES",
            description = "Override the cycles of one exit class (repeatable), or cpu_hz=HZ.")
    List<String> costs;

    @Option(names = "--costs", paramLabel = "FILE", description = "A cost file: 'class = cycles' lines, # comments.")
    Path costFile;

    CostModel costModel() {
        CostModel m = CostModel.defaults();
        if (costFile != null) {
            m = m.withFile(costFile);
        }
        return m.withFlags(costs);
    }

    AnalysisOptions options() {
        return new AnalysisOptions(Profile.parseList(profiles), costModel());
    }

    static List<CaptureSource> captures(List<String> args) {
        if (args == null || args.isEmpty()) {
            throw new UserError("name at least one CAPTURE (a capture directory, or NAME=DIR)");
        }
        for (String a : args) {
            if (a.isEmpty()) { // it would name the current directory
                throw new UserError("CAPTURE: empty path");
            }
        }
        return CaptureSource.parseAll(args);
    }

    /** Runs {@code body}, turning analysis and SQL errors into one-line user errors. */
    static <T> T userErrors(java.util.concurrent.Callable<T> body) throws Exception {
        try {
            return body.call();
        } catch (AnalysisException | io.trapline.sql.SqlException e) {
            throw new UserError(e.getMessage());
        }
    }
}
