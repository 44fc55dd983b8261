"""postgresql.conf settings for a given server, derived from documented formulas.

The formulas follow PGTune's (https://pgtune.leopard.in.ua) for a mixed OLTP + analytics web
application on SSD, adjusted so the worst-case memory use stays within RAM. Each setting is
compared with the value the design document proposed (the "seed") so `frontier db tune` can
say where and why the seed was wrong.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psutil

KB = 1024
MB = 1024 * KB
GB = 1024 * MB
TB = 1024 * GB

#: Sort/hash nodes assumed to run at once in one query; each may use up to work_mem.
SORT_HASH_NODES_PER_QUERY = 3
#: Smallest RAM the formulas are meant for; below it a bare "16" (meaning 16MB) is likely a typo.
MIN_RAM = 256 * MB
#: PostgreSQL's default work_mem; going below it makes ordinary sorts spill to disk.
DEFAULT_WORK_MEM = 4 * MB
#: The smallest work_mem PostgreSQL accepts.
PG_MIN_WORK_MEM = 64 * KB
#: Autovacuum workers that may each use maintenance_work_mem at once (PostgreSQL default).
AUTOVACUUM_MAX_WORKERS = 3

_UNITS = {
    "": MB,  # a bare number means MB, the unit people usually think of for RAM
    "b": 1,
    "kb": KB,
    "kib": KB,
    "mb": MB,
    "mib": MB,
    "gb": GB,
    "gib": GB,
    "tb": TB,
    "tib": TB,
}
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)
# postgresql.conf requires quotes around list and free-form string values.
_STRING_SETTINGS = frozenset({"shared_preload_libraries", "timezone"})

_SEED_WORK_MEM = 512 * MB
_SEED_MAINTENANCE_WORK_MEM = 2 * GB
_SEED_MAX_CONNECTIONS = 300
_SEED_PARALLEL_WORKERS = 12
_SEED_WORKERS_PER_GATHER = 6
_SEED_PRELOAD = "pg_stat_statements,vector,pg_cron"


@dataclass(frozen=True)
class Setting:
    """One postgresql.conf setting, with the seed's value and why the two differ."""

    name: str
    value: str
    seed_value: str | None
    reason: str
    seed_note: str = ""  # why the seed's value is wrong; empty when it matches `value`

    @property
    def differs_from_seed(self) -> bool:
        """True when the seed proposed a different value for this setting."""
        return self.seed_value is not None and self.seed_value != self.value


def parse_size(text: str, *, label: str = "value") -> int:
    """Parse a memory size such as "16GB", "512MB", "16GiB" or "2048" (bare number = MB).

    Units are case-insensitive and 1024-based, as in postgresql.conf: B, kB, MB, GB, TB (and
    KiB..TiB). Returns the size in bytes. Raises ValueError naming `label` and the text when
    the text is not a size or is not positive.
    """
    match = _SIZE_RE.match(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"{label}: {text!r} is not a size; use e.g. 16GB or 512MB")
    size = int(Decimal(match.group(1)) * _UNITS[unit])
    if size <= 0:
        raise ValueError(f"{label}: {text!r} must be more than zero bytes")
    return size


def format_size(size: int) -> str:
    """Return `size` bytes as postgresql.conf memory: whole GB when exact, else MB rounded down.

    Sizes under 1MB are given in kB (rounded down).
    """
    if size >= GB and size % GB == 0:
        return f"{size // GB}GB"
    if size >= MB:
        return f"{size // MB}MB"
    return f"{size // KB}kB"


def _round_size(size: int) -> int:
    """Round `size` down to what format_size will print, so formatted values stay exact."""
    if size >= GB and size % GB == 0:
        return size
    return size - size % (MB if size >= MB else KB)


def recommend(ram_bytes: int, cores: int, connections: int) -> list[Setting]:
    """Recommend postgresql.conf settings for a server with this RAM, core count and connections.

    Returns the settings in postgresql.conf order, each with the seed's value and reasons.
    Raises ValueError when an input is out of range or the connections cannot fit in RAM.
    """
    if ram_bytes < MIN_RAM:
        raise ValueError(
            f"ram: {format_size(ram_bytes)} is below the {format_size(MIN_RAM)} these formulas "
            "support (a bare number means MB; did you mean GB?)"
        )
    if cores < 1:
        raise ValueError(f"cores: {cores} must be at least 1")
    if connections < 1:
        raise ValueError(f"connections: {connections} must be at least 1")
    worker_processes = max(8, cores)
    return [
        *_memory_settings(ram_bytes, connections, worker_processes),
        *_parallel_settings(cores, worker_processes),
        *_planner_settings(),
        *_wal_settings(_round_size(ram_bytes // 4)),
        *_other_settings(ram_bytes),
    ]


def _memory_settings(ram: int, connections: int, worker_processes: int) -> list[Setting]:
    shared_buffers = _round_size(ram // 4)
    cache = _round_size(ram * 3 // 4)
    return [
        Setting(
            "shared_buffers",
            format_size(shared_buffers),
            format_size(shared_buffers),
            "25% of RAM, the PostgreSQL docs' starting point; more rarely helps because "
            "PostgreSQL also reads through the OS page cache",
        ),
        Setting(
            "effective_cache_size",
            format_size(cache),
            format_size(cache),
            "75% of RAM: planner estimate of shared_buffers + OS page cache (allocates nothing)",
        ),
        _maintenance_work_mem(ram),
        _work_mem(ram, shared_buffers, connections, worker_processes),
        Setting(
            "max_connections",
            str(connections),
            str(_SEED_MAX_CONNECTIONS),
            "--connections; each connection is a process, and work_mem above is sized for all "
            "of them; keep it low and share connections through a pool",
            f"{_SEED_MAX_CONNECTIONS} is a fixed guess; work_mem must be sized for the real number",
        ),
    ]


def _maintenance_work_mem(ram: int) -> Setting:
    value = format_size(_round_size(min(2 * GB, ram // 16)))
    seed = format_size(_SEED_MAINTENANCE_WORK_MEM)
    note = (
        f"fixed whatever the RAM: with {AUTOVACUUM_MAX_WORKERS} autovacuum workers plus an index "
        f"build that is up to {format_size((AUTOVACUUM_MAX_WORKERS + 1) * _SEED_MAINTENANCE_WORK_MEM)}, "
        f"too much beside shared_buffers on a {format_size(ram)} server"
    )
    return Setting(
        "maintenance_work_mem",
        value,
        seed,
        f"min(2GB, RAM/16); VACUUM and CREATE INDEX use it, up to {AUTOVACUUM_MAX_WORKERS} "
        "autovacuum workers each; pgvector HNSW builds are much faster when the graph fits, "
        "so raise it per session (SET maintenance_work_mem) for a big build",
        note if value != seed else "",
    )


def _work_mem(ram: int, shared_buffers: int, connections: int, worker_processes: int) -> Setting:
    allocations = (connections + worker_processes) * SORT_HASH_NODES_PER_QUERY
    spare = ram - shared_buffers
    # Only half the RAM beyond shared_buffers goes to work_mem: the OS page cache (which
    # effective_cache_size counts on), per-connection overhead and maintenance need the rest.
    fair_share = spare // 2 // allocations
    formula = (
        f"(RAM - shared_buffers) / 2 / ((max_connections + max_worker_processes) x "
        f"{SORT_HASH_NODES_PER_QUERY} sort/hash nodes); hash nodes may use hash_mem_multiplier "
        "(2) x this"
    )
    if fair_share >= DEFAULT_WORK_MEM:
        size, reason = fair_share, formula
    elif spare // allocations >= DEFAULT_WORK_MEM:
        size, reason = (
            DEFAULT_WORK_MEM,
            f"PostgreSQL's default 4MB, as {formula} gives less; 4MB still fits in RAM",
        )
    else:
        size = fair_share
        reason = (
            f"{formula}; below PostgreSQL's 4MB default, so sorts will spill to disk: "
            f"{connections} connections are too many for {format_size(ram)}; pool them"
        )
    if size < PG_MIN_WORK_MEM:
        raise ValueError(
            f"connections: {connections} connections cannot fit in {format_size(ram)} of RAM "
            f"even at PostgreSQL's minimum work_mem of {format_size(PG_MIN_WORK_MEM)}; lower it"
        )
    return Setting(
        "work_mem",
        format_size(_round_size(size)),
        format_size(_SEED_WORK_MEM),
        reason,
        _seed_work_mem_note(ram, shared_buffers, connections),
    )


def _seed_work_mem_note(ram: int, shared_buffers: int, connections: int) -> str:
    worst = connections * SORT_HASH_NODES_PER_QUERY * _SEED_WORK_MEM
    if worst + shared_buffers > ram:
        return (
            f"memory risk: {connections} connections x {SORT_HASH_NODES_PER_QUERY} sort/hash "
            f"nodes x 512MB = {format_size(worst)} worst case on a {format_size(ram)} server; "
            "the kernel's OOM killer would kill backends, and PostgreSQL then resets every connection"
        )
    return (
        f"fits here ({format_size(worst)} worst case) but is a fixed figure that leaves less "
        "of RAM to the OS page cache than the formula"
    )


def _parallel_settings(cores: int, worker_processes: int) -> list[Setting]:
    per_query = min(4, cores // 2)
    if cores < _SEED_PARALLEL_WORKERS:
        seed_workers = f"12 is more workers than the {cores} cores"
    else:
        seed_workers = f"a fixed 12 leaves {cores - _SEED_PARALLEL_WORKERS} of the {cores} cores idle"
    return [
        Setting(
            "max_worker_processes",
            str(worker_processes),
            None,
            "max(8, cores): the pool parallel workers are drawn from; 8 is PostgreSQL's default",
        ),
        Setting(
            "max_parallel_workers",
            str(cores),
            str(_SEED_PARALLEL_WORKERS),
            "one parallel worker per core; more only contend for CPU",
            f"{seed_workers}; and with max_worker_processes left at 8 the seed could never start more than 8",
        ),
        Setting(
            "max_parallel_workers_per_gather",
            str(per_query),
            str(_SEED_WORKERS_PER_GATHER),
            "min(4, cores/2): half the cores at most for one query, so analytics leaves CPU for "
            "OLTP traffic; 0 on one core disables parallel query; each worker has its own work_mem",
            f"6 workers (7 processes with the leader) for one query on {cores} cores starve "
            "concurrent queries; gains flatten beyond 4",
        ),
        Setting(
            "max_parallel_maintenance_workers",
            str(per_query),
            None,
            "min(4, cores/2): parallel B-tree and pgvector HNSW index builds",
        ),
    ]


def _planner_settings() -> list[Setting]:
    return [
        Setting(
            "random_page_cost",
            "1.1",
            "1.1",
            "SSD: random reads cost about as much as sequential ones, so indexes are preferred",
        ),
        Setting("seq_page_cost", "1.0", "1.0", "the reference cost the others are relative to"),
        Setting(
            "effective_io_concurrency",
            "200",
            "200",
            "SSD handles many concurrent reads; drives prefetching and PostgreSQL 18's async I/O",
        ),
        Setting(
            "default_statistics_target",
            "100",
            None,
            "PostgreSQL's default; raise per column (ALTER TABLE ... SET STATISTICS) where plans are off",
        ),
    ]


def _wal_settings(shared_buffers: int) -> list[Setting]:
    wal_buffers = _round_size(max(64 * KB, min(16 * MB, shared_buffers // 32)))
    return [
        Setting(
            "wal_buffers",
            format_size(wal_buffers),
            None,
            "shared_buffers/32 capped at one 16MB WAL segment (what -1 picks), written out explicitly",
        ),
        Setting(
            "checkpoint_completion_target",
            "0.9",
            None,
            "spread checkpoint writes over 90% of the interval to avoid I/O spikes",
        ),
        Setting("min_wal_size", "1GB", None, "keep 1GB of WAL segments for reuse instead of recreating them"),
        Setting(
            "max_wal_size",
            "4GB",
            None,
            "room between checkpoints so bulk loads don't force checkpoints every few seconds",
        ),
    ]


def _other_settings(ram: int) -> list[Setting]:
    big = ram >= 32 * GB
    return [
        Setting(
            "shared_preload_libraries",
            "pg_stat_statements",
            _SEED_PRELOAD,
            "query statistics for finding slow queries (then CREATE EXTENSION pg_stat_statements)",
            "vector needs no preload (pgvector loads on first use) and pg_cron is not installed "
            "(jobs run on the job queue); a listed library that is missing stops the server starting",
        ),
        Setting(
            "huge_pages",
            "try" if big else "off",
            None,
            "try from 32GB of RAM, where shared_buffers is large enough for huge pages to cut "
            "page-table overhead (needs vm.nr_hugepages); off below, where the gain is negligible",
        ),
        Setting("timezone", "UTC", None, "store and compare timestamps in UTC whatever the host's zone"),
    ]


def worst_case_memory_bytes(settings: list[Setting]) -> int:
    """Return the memory PostgreSQL could use if every backend ran its sort/hash nodes at once.

    That is shared_buffers + (max_connections + max_worker_processes) x
    SORT_HASH_NODES_PER_QUERY x work_mem, in bytes. Raises KeyError if a setting is missing.
    """
    values = {setting.name: setting.value for setting in settings}
    backends = int(values["max_connections"]) + int(values["max_worker_processes"])
    per_node = parse_size(values["work_mem"], label="work_mem")
    return parse_size(values["shared_buffers"], label="shared_buffers") + (
        backends * SORT_HASH_NODES_PER_QUERY * per_node
    )


def _conf_value(name: str, value: str) -> str:
    if name in _STRING_SETTINGS:
        return "'" + value.replace("'", "''") + "'"
    return value


def render(settings: list[Setting], ram_bytes: int, cores: int, connections: int) -> str:
    """Render settings as a postgresql.conf snippet, with reasons and seed differences as comments.

    Returns the text: a header comment with the inputs, then one `name = value  # reason`
    line per setting, followed by `# seed: <value> — <why>` where the seed differed.
    """
    lines = [
        f"# frontier db tune: RAM {format_size(ram_bytes)}, {cores} cores, {connections} connections "
        "(mixed OLTP + analytics on SSD; assumes PostgreSQL may use all this RAM)",
    ]
    for setting in settings:
        lines.append(f"{setting.name} = {_conf_value(setting.name, setting.value)}  # {setting.reason}")
        if setting.differs_from_seed and setting.seed_value is not None:
            seed = _conf_value(setting.name, setting.seed_value)
            lines.append(f"# seed: {seed} — {setting.seed_note}")
    return "\n".join(lines) + "\n"


#: cgroup files holding a container's memory limit (v2, then v1); "max" or a huge number means none.
_CGROUP_MEMORY_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
)


def detect_machine() -> tuple[int, int]:
    """Return this machine's (RAM in bytes, CPU count): the host's RAM, or the container's memory limit
    when lower; the CPUs this process may run on."""
    ram = psutil.virtual_memory().total
    for limit_file in _CGROUP_MEMORY_LIMITS:
        try:
            limit = limit_file.read_text(encoding="ascii").strip()
        except OSError:
            continue
        if limit.isdigit():
            ram = min(ram, int(limit))
        break
    return ram, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


#: The embedded server shares its machine with the API and the worker: it is tuned as a server with this
#: share of the machine's RAM, and only in the settings below (the rest keep PostgreSQL's defaults).
EMBEDDED_RAM_SHARE = 0.5
EMBEDDED_CONNECTIONS = 100
EMBEDDED_SETTINGS = (
    "shared_buffers",
    "effective_cache_size",
    "maintenance_work_mem",
    "work_mem",
    "random_page_cost",
    "effective_io_concurrency",
)


def embedded_settings(ram_bytes: int, cores: int) -> dict[str, str]:
    """The settings the embedded server runs with on a machine of this size (``recommend`` for its share)."""
    share = max(MIN_RAM, int(ram_bytes * EMBEDDED_RAM_SHARE))
    return {
        s.name: s.value for s in recommend(share, cores, EMBEDDED_CONNECTIONS) if s.name in EMBEDDED_SETTINGS
    }
