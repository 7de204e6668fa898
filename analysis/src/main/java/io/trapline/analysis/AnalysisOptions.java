package io.trapline.analysis;

import java.util.List;

/** What the {@code exits} table is computed with: the profiles and the cost model. */
public record AnalysisOptions(List<Profile> profiles, CostModel costs) {
    public AnalysisOptions {
        profiles = List.copyOf(profiles);
        if (profiles.isEmpty()) {
            throw new AnalysisException("no profile given (known: " + Profile.labels() + ")");
        }
    }

    public static AnalysisOptions defaults() {
        return new AnalysisOptions(List.of(Profile.values()), CostModel.defaults());
    }
}
