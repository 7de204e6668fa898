package io.trapline.sql;

/** What {@code trapline export} writes. */
public enum ExportFormat {
    /** A directory: TABLE/capture=NAME/data_0.parquet for every table (Hive-style partitions). */
    parquet,
    /** A directory: TABLE.arrow (Arrow IPC file format) for every table. */
    arrow,
    /** A directory: TABLE.csv with a header line for every table. */
    csv,
    /** One file: the captures' frames, libpcap format, Ethernet link type. */
    pcap,
    /** One file: the captures' events as a timeline, Chrome's Trace Event Format (JSON) for Perfetto's UI. */
    timeline;

    /** Whether the export is one file rather than a directory of tables. */
    public boolean oneFile() {
        return this == pcap || this == timeline;
    }
}
