-- Exits by capture, profile, class and register: how many, what they cost, and their share of the cycles.
SELECT capture, profile, class, handler, target, register,
       count(*) AS exits,
       sum(cycles) AS cycles,
       round(100.0 * sum(cycles) / nullif(sum(sum(cycles)) OVER (PARTITION BY capture, profile), 0), 1) AS pct_cycles
FROM exits
GROUP BY capture, profile, class, handler, target, register
ORDER BY capture, profile, exits DESC, register;
