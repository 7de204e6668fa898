package io.trapline.cli;

/** Output formats of the analysis commands ({@code sql} takes all but markdown). */
public enum TableFormat {
    table, csv, json, markdown
}
