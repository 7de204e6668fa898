-- Exits and cycles per packet, for each capture and hypervisor profile, measured where `analyze` measures.
-- That is each capture's `window` phase (work_start .. work_end + 0.25 s), else its `workload` phase, else the
-- whole capture (a capture's boot, with its EEPROM reads and BIOS port I/O, would otherwise swamp the figures).
-- exits_per_packet counts every exit; attributed_per_packet only those the attribution rule gave a packet.
-- cycles_per_packet is NULL for a profile whose exits are all priced at 0 (tcg by default), as in `analyze`.
-- Interrupts per packet are in `analyze` (a third table here would add a scan of every event).
--
-- For speed on large captures:
-- - Each row looks its interval up in the variable the included part sets (see there why not a join).
-- - exits is grouped by its one small-integer capture_profile column (capture position x profiles + profile
--   position), the names joined from profiles: several times faster than grouping by the two text columns.
-- - Columns are qualified, so that the session converts only the columns of each table the query reads.
-- include: window.sql
WITH p AS (
    SELECT k.capture, count(*) AS packets FROM packets k
    WHERE NOT k.refused
      AND k.time_ns BETWEEN getvariable('trapline_window').starts[list_position(getvariable('trapline_window').names, k.capture)]
                        AND getvariable('trapline_window').ends[list_position(getvariable('trapline_window').names, k.capture)]
    GROUP BY k.capture
), x AS (
    SELECT e.capture_profile, count(*) AS exits, count(e.packet) AS attributed, sum(e.cycles) AS cycles
    FROM exits e
    WHERE e.time_ns BETWEEN getvariable('trapline_window').starts[e.capture_profile // getvariable('trapline_window').profiles + 1]
                        AND getvariable('trapline_window').ends[e.capture_profile // getvariable('trapline_window').profiles + 1]
    GROUP BY e.capture_profile
)
SELECT pr.capture, pr.profile, p.packets, x.exits,
       round(x.exits / p.packets, 3) AS exits_per_packet,
       round(x.attributed / p.packets, 3) AS attributed_per_packet,
       CASE WHEN x.exits > 0 AND x.cycles = 0 THEN NULL ELSE round(x.cycles / p.packets) END AS cycles_per_packet
FROM x JOIN profiles pr ON pr.capture_profile = x.capture_profile JOIN p ON p.capture = pr.capture
ORDER BY pr.capture, pr.profile;
