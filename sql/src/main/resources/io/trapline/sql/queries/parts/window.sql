-- The interval each capture is measured in, where `analyze` measures (the `windows` table: its `window` phase,
-- else its `workload` phase, else all of it). Kept in a variable, as lists in command-line order (names, starts,
-- ends; and how many profiles each capture has, so that capture_profile // profiles is its position), for the rows
-- of the big tables to look their own up: joined with the intervals instead, a table streamed from a capture could
-- become the side DuckDB builds a hash table from (it cannot tell how large such a table is), gigabytes of it.
SET VARIABLE trapline_window = (
    WITH c AS (
        SELECT pr.capture, min(pr.capture_profile) AS first, count(*) AS profiles FROM profiles pr GROUP BY pr.capture
    )
    SELECT {'names': list(w.capture ORDER BY c.first), 'starts': list(w.start_ns ORDER BY c.first),
            'ends': list(w.end_ns ORDER BY c.first), 'profiles': max(c.profiles)}
    FROM windows w JOIN c ON c.capture = w.capture
);
