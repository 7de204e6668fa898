package io.trapline.analysis;

/** A request the analysis cannot serve (unknown profile, bad cost file, no packets...): one line for the user. */
public class AnalysisException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AnalysisException(String message) {
        super(message);
    }
}
