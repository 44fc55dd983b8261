"""Momentum recomputation, 100,000 technologies x 24 months: ours vs the seed's calculate_trend_momentum().

The seed's function runs with only its fatal name clash fixed (its variable ``momentum_score`` renamed), on the
same rows. Headline: the late-data hour (below), against the seed's loop, which recomputes everything every
time it runs.

(a) full recompute, every technology with new data (stored scores cleared before each run, so every trend
row is rewritten and every snapshot written): the seed's formula set-based (method ``seed``) and our default
method from the observations (target: no slower than the seed's loop). (a') the daily computation on a day
whose month is the stored one's (yesterday's scores stored; months count once complete, so no score moves and
only the day's snapshots are written), informative. (b) a realistic hourly cycle where 1% of technologies
received observations: our incremental computation vs the seed's function (which always loops over all), each
timed run after its own hour of new data and including finding what arrived, in two kinds of hour: daily
values of the current month (what most hours bring: they count once the month is complete, so nothing is to be
read or rewritten), and late data for the last complete month (every changed technology's scores move and are
rewritten with their snapshot: the worst case, and the headline). The floor line times rewriting that many
trend and snapshot rows with nothing read or computed: no late-data hour can be faster.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bench.common import bench_database, report, timed
from frontier.trends.analytics import compute_scores

TECHNOLOGIES = int(os.environ.get("BENCH_TECHNOLOGIES", "100000"))
AS_OF = date(2026, 11, 1)

SEED_FUNCTION = """
CREATE OR REPLACE FUNCTION calculate_trend_momentum()
RETURNS void AS $$
DECLARE
    trend_record RECORD;
    v_momentum_score INTEGER;
    adoption_velocity DECIMAL(5,4);
BEGIN
    FOR trend_record IN
        SELECT trend_id, trend_name, github_stars, stackoverflow_questions,
               job_postings_count, first_detected_date
        FROM technology_trends
        WHERE trend_status IN ('emerging', 'rising')
    LOOP
        v_momentum_score := LEAST(10, GREATEST(1,
            (COALESCE(trend_record.github_stars, 0) / 1000.0) * 0.4 +
            (COALESCE(trend_record.stackoverflow_questions, 0) / 100.0) * 0.3 +
            (COALESCE(trend_record.job_postings_count, 0) / 50.0) * 0.3
        ));
        adoption_velocity := CASE
            WHEN trend_record.first_detected_date > CURRENT_DATE - INTERVAL '3 months' THEN 0.9
            WHEN trend_record.first_detected_date > CURRENT_DATE - INTERVAL '6 months' THEN 0.7
            WHEN trend_record.first_detected_date > CURRENT_DATE - INTERVAL '12 months' THEN 0.5
            ELSE 0.3
        END;
        UPDATE technology_trends
        SET momentum_score = v_momentum_score,
            learning_priority_score = LEAST(10, v_momentum_score + adoption_velocity * 3),
            updated_at = CURRENT_TIMESTAMP
        WHERE trend_id = trend_record.trend_id;
    END LOOP;
    INSERT INTO system_logs (log_type, message, metadata)
    VALUES ('trend_calculation', 'Trend momentum calculation completed',
            jsonb_build_object('processed_trends',
                (SELECT COUNT(*) FROM technology_trends WHERE updated_at > CURRENT_TIMESTAMP - INTERVAL '5 minutes')));
END;
$$ LANGUAGE plpgsql;
"""

POPULATE = """
INSERT INTO technologies (id, slug, name, ecosystem)
SELECT gen_random_uuid(), 'tech-' || g, 'Tech ' || g, 'developer_tools' FROM generate_series(1, :n) g;
SELECT ensure_observation_partitions('2024-11-01', '2026-12-01');
-- 24 months of stars per technology, each growing at its own rate with noise
INSERT INTO observations (technology_id, source, metric, granularity, period_start, value, collected_at)
SELECT t.id, 'github', 'stars', 'month', (DATE '2024-11-01' + make_interval(months => m))::date,
       round((100 + (hashtext(t.slug) & 4095)) * exp(((hashtext(t.slug || 'g') & 63) - 20) / 1000.0 * m)
             * (1 + ((hashtext(t.slug || m) & 31) - 16) / 800.0)),
       now() - interval '1 day'
FROM technologies t CROSS JOIN generate_series(0, 23) m;
-- current counts for the seed's formula, two in three technologies emerging or rising as measured
INSERT INTO technology_trends (trend_id, trend_name, ecosystem_id, trend_status, github_stars,
                               stackoverflow_questions, job_postings_count, first_detected_date)
SELECT id, name, ecosystem,
       (ARRAY['emerging', 'rising', 'mainstream'])[1 + (hashtext(slug) & 2147483647) % 3]::trend_status,
       hashtext(slug) & 65535, hashtext(slug || 'so') & 4095, hashtext(slug || 'jobs') & 255,
       DATE '2024-01-01' + (hashtext(slug) & 700)
FROM technologies;
ANALYZE;
"""


def populate(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text(SEED_FUNCTION))
        for statement in POPULATE.split(";\n"):
            if statement.strip():
                conn.execute(text(statement), {"n": TECHNOLOGIES})


def run_seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("SELECT calculate_trend_momentum()"))


def run_ours(engine: Engine, **kwargs: object) -> None:
    with Session(engine) as session, session.begin():
        compute_scores(session, AS_OF, **kwargs)  # type: ignore[arg-type]


def forget_scores(engine: Engine) -> None:
    """Every row must be rewritten by the next run: the 'every technology changed' case."""
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE technology_trends SET momentum_score = NULL, learning_priority_score = NULL")
        )
        conn.execute(text("DELETE FROM technology_score_history"))


def new_hour_of_data(engine: Engine, hour: int, month: str) -> tuple[object, int]:
    """1% of technologies (a different 1% each hour) receive an observation for ``month``: returns the time
    the hour began (the hourly computation looks for what arrived since) and how many received one.

    ``month`` = the last complete month: late data that changes every one of their scores (the worst case);
    the current month: daily values that count only once the month is complete (most hours).
    """
    with engine.connect() as conn:
        since = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
    with engine.begin() as conn:
        received = conn.execute(
            text(
                "INSERT INTO observations (technology_id, source, metric, granularity, period_start, value, collected_at) "
                "SELECT t.id, 'github', 'stars', 'day', CAST(:month AS date), "
                "       o.value * (1 + (hashtext(t.slug || :hour) & 63) / 1000.0), clock_timestamp() "
                "FROM technologies t JOIN observations o ON o.technology_id = t.id AND o.source = 'github' "
                "     AND o.metric = 'stars' AND o.period_start = '2026-10-01' AND o.granularity = 'month' "
                "WHERE (hashtext(t.slug || 'hour' || :hour) & 2147483647) % 100 = 0 "
                "ON CONFLICT (technology_id, source, metric, granularity, period_start) DO UPDATE "
                "SET value = EXCLUDED.value, collected_at = EXCLUDED.collected_at"
            ),
            {"month": month, "hour": str(hour)},
        )
    return since, received.rowcount


def hourly(engine: Engine, month: str) -> tuple[float, int, int]:
    """Median time of our incremental computation over three hours, each after its own new data: it finds
    what arrived (and counts) itself, scores it and writes what moved. Returns the time, and the technologies
    that received data and that were scored in the last hour."""
    hours = iter(range(10_000))
    since: list[object] = [None]
    received, scored = [0], [0]

    def arrive() -> None:
        since[0], received[0] = new_hour_of_data(engine, next(hours), month)

    def cycle() -> None:
        with Session(engine) as session, session.begin():
            scored[0] = compute_scores(session, AS_OF, since=since[0]).scored  # type: ignore[arg-type]

    return timed(cycle, setup=arrive), received[0], scored[0]


WRITE_FLOOR = """
WITH trends AS (
    UPDATE technology_trends tt
    SET momentum_score = least(10, greatest(1, coalesce(tt.momentum_score, 5) + 0.01)), updated_at = now()
    FROM floor_ids p WHERE tt.trend_id = p.id
)
UPDATE technology_score_history h
SET momentum_score = least(10, greatest(1, coalesce(h.momentum_score, 5) + 0.01))
FROM floor_ids p WHERE h.technology_id = p.id AND h.computed_on = :as_of
"""


def write_floor(engine: Engine, technologies: int) -> float:
    """What rewriting ``technologies`` trend rows and their snapshots costs by itself, with nothing read or
    computed (a different set each run, picked beforehand): the floor under a late-data hour."""
    rounds = iter(range(10_000))

    def pick() -> None:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS floor_ids (id uuid PRIMARY KEY)"))
            conn.execute(text("TRUNCATE floor_ids"))
            conn.execute(
                text(
                    "INSERT INTO floor_ids SELECT trend_id FROM technology_trends "
                    "WHERE (hashtext(trend_id::text || :round) & 2147483647) % 100 = 0 LIMIT :n"
                ),
                {"n": technologies, "round": str(next(rounds))},
            )
            conn.execute(text("ANALYZE floor_ids"))

    def rewrite() -> None:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL enable_seqscan = off"))  # a primary-key probe per row: the cheapest
            conn.execute(text(WRITE_FLOOR), {"as_of": AS_OF})

    return timed(rewrite, setup=pick)


def settle(engine: Engine) -> None:
    """Vacuum, analyse and checkpoint before a timed phase: the steady state an hourly job meets hours after the
    daily computation, not autovacuum and a checkpoint of the previous phase's writes running beside it."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        conn.execute(text("CHECKPOINT"))


def next_days(engine: Engine) -> float:
    """Median time of the daily computation on the next days of the stored computation's month (a new day's
    snapshots; no score moves), each day after the previous one."""
    days = iter(range(1, 100))

    def day() -> None:
        with Session(engine) as session, session.begin():
            compute_scores(session, AS_OF + timedelta(days=next(days)))

    return timed(day)


def main() -> None:
    print(f"trend momentum: {TECHNOLOGIES:,} technologies x 24 months of observations")
    with bench_database("trends") as engine:
        populate(engine)
        seed_full = timed(lambda: run_seed(engine), setup=lambda: forget_scores(engine))
        ours_seed = timed(lambda: run_ours(engine, method="seed"), setup=lambda: forget_scores(engine))
        report(
            "(a) full recompute, seed formula set-based vs seed loop", ours_seed, seed_full, "never slower"
        )
        ours_full = timed(lambda: run_ours(engine), setup=lambda: forget_scores(engine), repeat=1)
        report(
            "(a) full recompute, our default method (from observations)",
            ours_full,
            seed_full,
            "no slower than the seed's loop",
        )
        run_ours(engine)  # the daily full computation the hourly cycle builds on
        settle(engine)
        seed_hourly = timed(lambda: run_seed(engine))
        settle(engine)
        # the realistic hour: data of the current period; late data for a complete month: the worst case,
        # bounded by its own writes (the floor below)
        hours = {}
        for kind, month, target in (
            ("this month", "2026-11-01", ">= x50"),
            ("late data", "2026-10-31", "headline"),
        ):
            took, received, scored = hourly(engine, month)
            label = f"(b) hourly, {received:,} received {kind}, {scored:,} scored"
            report(label, took, seed_hourly, target)
            hours[kind] = (took, received)
        floor = write_floor(engine, TECHNOLOGIES // 100)
        report(
            f"(b) floor: rewriting {TECHNOLOGIES // 100:,} trend + snapshot rows",
            floor,
            seed_hourly,
            "informative",
        )
        settle(engine)
        report(
            "(a') daily computation, a new day of a scored month", next_days(engine), seed_full, "informative"
        )
        late, received = hours["late data"]
        print(
            f"headline: the late-data hour ({received:,} technologies' scores moved, found, recomputed and "
            f"rewritten with their snapshots) {late * 1000:.1f} ms against {seed_hourly * 1000:.1f} ms for the "
            f"seed's loop: x{seed_hourly / late:.1f}; load average now {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
