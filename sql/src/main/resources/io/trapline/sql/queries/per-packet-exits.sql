-- Exits, cycles and interrupts per packet, for each capture and hypervisor profile, measured where `analyze`
-- measures: each capture's `window` phase (work_start .. work_end + 0.25 s), else its `workload` phase, else the
-- whole capture (a capture's boot, with its EEPROM reads and BIOS port I/O, would otherwise swamp the figures).
-- exits_per_packet counts every exit; attributed_per_packet only those the attribution rule gave a packet.
-- cycles_per_packet is NULL for a profile whose exits are all priced at 0 (tcg by default), as in `analyze`.
-- For speed on large captures: exits is grouped by its one small-integer capture_profile column, the names
-- joined from profiles (several times faster than grouping by the two text columns), and columns are
-- qualified, so that the session converts only the columns of each table the query reads.
WITH w AS (
    SELECT c.capture,
           coalesce(min(h.start_ns) FILTER (WHERE h.name = 'window'), min(h.start_ns) FILTER (WHERE h.name = 'workload'),
                    -9223372036854775808) AS start_ns,
           coalesce(max(h.end_ns) FILTER (WHERE h.name = 'window'), max(h.end_ns) FILTER (WHERE h.name = 'workload'),
                    9223372036854775807) AS end_ns
    FROM (SELECT DISTINCT pr.capture FROM profiles pr) c
    LEFT JOIN phases h ON h.capture = c.capture AND h.kind = 'phase' AND h.name IN ('window', 'workload')
    GROUP BY c.capture
), wp AS (
    SELECT pr.capture_profile, w.start_ns, w.end_ns FROM profiles pr JOIN w ON w.capture = pr.capture
), p AS (
    SELECT k.capture, count(*) AS packets FROM packets k JOIN w ON w.capture = k.capture
    WHERE NOT k.refused AND k.time_ns BETWEEN w.start_ns AND w.end_ns GROUP BY k.capture
), i AS (
    SELECT q.capture, count(*) AS interrupts FROM interrupts q JOIN w ON w.capture = q.capture
    WHERE (q.kind = 'msi' OR q.level = 1) AND q.time_ns BETWEEN w.start_ns AND w.end_ns GROUP BY q.capture
), x AS (
    SELECT e.capture_profile, count(*) AS exits, count(e.packet) AS attributed, sum(e.cycles) AS cycles
    FROM exits e JOIN wp ON wp.capture_profile = e.capture_profile
    WHERE e.time_ns BETWEEN wp.start_ns AND wp.end_ns GROUP BY e.capture_profile
)
SELECT pr.capture, pr.profile, p.packets, x.exits,
       round(x.exits / p.packets, 3) AS exits_per_packet,
       round(x.attributed / p.packets, 3) AS attributed_per_packet,
       CASE WHEN x.exits > 0 AND x.cycles = 0 THEN NULL ELSE round(x.cycles / p.packets) END AS cycles_per_packet,
       round(coalesce(i.interrupts, 0) / p.packets, 3) AS interrupts_per_packet
FROM x JOIN profiles pr ON pr.capture_profile = x.capture_profile JOIN p ON p.capture = pr.capture
LEFT JOIN i ON i.capture = pr.capture
ORDER BY pr.capture, pr.profile;
