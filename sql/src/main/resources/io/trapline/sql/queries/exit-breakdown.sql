-- Exits by capture, profile, class and register: how many, what they cost, and their share of the cycles.
-- Measured where `analyze` measures (each capture's `window` phase, else `workload`, else all of it).
-- include: window.sql
SELECT e.capture, e.profile, e.class, e.handler, e.target, e.register,
       count(*) AS exits,
       -- NULL, as in `analyze`, for a profile whose exits are all priced at 0 (tcg by default)
       CASE WHEN sum(sum(e.cycles)) OVER (PARTITION BY e.capture, e.profile) = 0 THEN NULL ELSE sum(e.cycles) END AS cycles,
       round(100.0 * sum(e.cycles) / nullif(sum(sum(e.cycles)) OVER (PARTITION BY e.capture, e.profile), 0), 1) AS pct_cycles
FROM exits e
WHERE e.time_ns BETWEEN getvariable('trapline_window').starts[e.capture_profile // getvariable('trapline_window').profiles + 1]
                    AND getvariable('trapline_window').ends[e.capture_profile // getvariable('trapline_window').profiles + 1]
GROUP BY e.capture, e.profile, e.class, e.handler, e.target, e.register
ORDER BY e.capture, e.profile, exits DESC, e.register;
