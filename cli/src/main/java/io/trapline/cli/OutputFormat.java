package io.trapline.cli;

/** Output formats of the inspection commands. */
public enum OutputFormat {
    text, json
}
