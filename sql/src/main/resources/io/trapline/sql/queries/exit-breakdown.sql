-- Exits by capture, profile, class and register: how many, what they cost, and their share of the cycles,
-- measured where `analyze` measures (each capture's `window` phase, else `workload`, else all of it).
WITH w AS (
    SELECT c.capture,
           coalesce(min(h.start_ns) FILTER (WHERE h.name = 'window'), min(h.start_ns) FILTER (WHERE h.name = 'workload'),
                    -9223372036854775808) AS start_ns,
           coalesce(max(h.end_ns) FILTER (WHERE h.name = 'window'), max(h.end_ns) FILTER (WHERE h.name = 'workload'),
                    9223372036854775807) AS end_ns
    FROM (SELECT DISTINCT pr.capture FROM profiles pr) c
    LEFT JOIN phases h ON h.capture = c.capture AND h.kind = 'phase' AND h.name IN ('window', 'workload')
    GROUP BY c.capture
)
SELECT e.capture, e.profile, e.class, e.handler, e.target, e.register,
       count(*) AS exits,
       sum(e.cycles) AS cycles,
       round(100.0 * sum(e.cycles) / nullif(sum(sum(e.cycles)) OVER (PARTITION BY e.capture, e.profile), 0), 1) AS pct_cycles
FROM exits e JOIN w ON w.capture = e.capture
WHERE e.time_ns BETWEEN w.start_ns AND w.end_ns
GROUP BY e.capture, e.profile, e.class, e.handler, e.target, e.register
ORDER BY e.capture, e.profile, exits DESC, e.register;
