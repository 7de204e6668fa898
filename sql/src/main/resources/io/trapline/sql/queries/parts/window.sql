-- The interval each capture is measured in, where `analyze` measures: its `window` phase (work_start .. work_end +
-- 0.25 s), else its `workload` phase, else all of it. Kept in a variable, as lists in command-line order (names,
-- starts, ends; and how many profiles each capture has, so that capture_profile // profiles is its position), for the
-- rows of the big tables to look their own up: joined with the intervals instead, a table streamed from a capture
-- could become the side DuckDB builds a hash table from (it cannot tell how large such a table is), gigabytes of it.
SET VARIABLE trapline_window = (
    WITH c AS (
        SELECT pr.capture, min(pr.capture_profile) AS first, count(*) AS profiles FROM profiles pr GROUP BY pr.capture
    ), w AS (
        SELECT c.capture, c.first, c.profiles,
               coalesce(min(h.start_ns) FILTER (WHERE h.name = 'window'),
                        min(h.start_ns) FILTER (WHERE h.name = 'workload'), -9223372036854775808) AS start_ns,
               coalesce(max(h.end_ns) FILTER (WHERE h.name = 'window'),
                        max(h.end_ns) FILTER (WHERE h.name = 'workload'), 9223372036854775807) AS end_ns
        FROM c LEFT JOIN phases h ON h.capture = c.capture AND h.kind = 'phase' AND h.name IN ('window', 'workload')
        GROUP BY c.capture, c.first, c.profiles
    )
    SELECT {'names': list(w.capture ORDER BY w.first), 'starts': list(w.start_ns ORDER BY w.first),
            'ends': list(w.end_ns ORDER BY w.first), 'profiles': max(w.profiles)}
    FROM w
);
