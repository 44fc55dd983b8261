import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from frontier.db import tuning
from frontier.db.tuning import (
    EMBEDDED_SETTINGS,
    GB,
    KB,
    MB,
    MIN_RAM,
    SORT_HASH_NODES_PER_QUERY,
    TB,
    Setting,
    detect_machine,
    embedded_settings,
    format_size,
    parse_size,
    recommend,
    render,
    worst_case_memory_bytes,
)

RAMS = [2 * GB, 4 * GB, 16 * GB, 64 * GB, 256 * GB]
CONNECTIONS = [20, 100, 300, 1000]


def by_name(settings: list[Setting]) -> dict[str, Setting]:
    return {setting.name: setting for setting in settings}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16GB", 16 * GB),
        ("512MB", 512 * MB),
        ("16GiB", 16 * GB),
        ("2048", 2048 * MB),
        ("64kB", 64 * KB),
        ("1TB", TB),
        ("100B", 100),
        ("16gb", 16 * GB),
        ("16 GB", 16 * GB),
        (" 1.5GB ", 1536 * MB),
    ],
)
def test_parse_size_reads_postgres_units_1024_based_and_bare_numbers_as_mb(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["12XB", "", "GB", "abc", "-1GB", "16 G B", "1e3MB"])
def test_parse_size_rejects_text_that_is_not_a_size_naming_the_value(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a size; use e\.g\. 16GB or 512MB") as error:
        parse_size(text)
    assert repr(text) in str(error.value)


def test_parse_size_error_names_the_option_given_as_label() -> None:
    with pytest.raises(ValueError, match=r"^ram: '12XB' is not a size"):
        parse_size("12XB", label="ram")


@pytest.mark.parametrize("text", ["0", "0GB", "0.0001kB"])
def test_parse_size_rejects_zero(text: str) -> None:
    with pytest.raises(ValueError, match="more than zero"):
        parse_size(text)


@pytest.mark.parametrize(
    ("size", "expected"),
    [(4 * GB, "4GB"), (4 * GB + MB, "4097MB"), (6 * MB + 5 * KB, "6MB"), (260 * KB + 7, "260kB")],
)
def test_format_size_uses_gb_when_exact_and_rounds_down_to_mb_or_kb(size: int, expected: str) -> None:
    assert format_size(size) == expected


def test_setting_is_immutable() -> None:
    setting = Setting("work_mem", "4MB", None, "reason")
    with pytest.raises(FrozenInstanceError):
        setting.value = "8MB"  # type: ignore[misc]


@pytest.mark.parametrize("ram", RAMS)
@pytest.mark.parametrize("connections", CONNECTIONS)
@pytest.mark.parametrize("cores", [1, 4, 64])
def test_worst_case_sort_memory_plus_shared_buffers_fits_in_ram(
    ram: int, connections: int, cores: int
) -> None:
    settings = by_name(recommend(ram, cores, connections))
    work_mem = parse_size(settings["work_mem"].value)
    shared_buffers = parse_size(settings["shared_buffers"].value)

    assert connections * work_mem * SORT_HASH_NODES_PER_QUERY + shared_buffers <= ram
    assert worst_case_memory_bytes(list(settings.values())) <= ram


def test_work_mem_for_the_seed_scenario_is_far_below_the_seeds_512mb() -> None:
    settings = by_name(recommend(16 * GB, 4, 300))

    assert parse_size(settings["work_mem"].value) <= 512 * MB // 32
    assert settings["work_mem"].seed_value == "512MB"


def test_rendered_seed_scenario_warns_that_the_seeds_work_mem_risks_memory() -> None:
    lines = render(recommend(16 * GB, 4, 300), 16 * GB, 4, 300).splitlines()
    work_mem_line = next(i for i, line in enumerate(lines) if line.startswith("work_mem = "))
    seed_comment = lines[work_mem_line + 1]

    assert seed_comment.startswith("# seed: 512MB — ")
    assert "memory risk" in seed_comment
    assert "450GB" in seed_comment


def test_work_mem_falls_back_to_postgres_default_4mb_when_ram_allows() -> None:
    assert by_name(recommend(8 * GB, 4, 300))["work_mem"].value == "4MB"


def test_work_mem_below_4mb_says_there_are_too_many_connections() -> None:
    work_mem = by_name(recommend(2 * GB, 2, 1000))["work_mem"]

    assert parse_size(work_mem.value) < 4 * MB
    assert "too many" in work_mem.reason


def test_recommend_refuses_connections_that_cannot_get_postgres_minimum_work_mem() -> None:
    with pytest.raises(ValueError, match=r"^connections: 100000 connections cannot fit"):
        recommend(GB, 2, 100_000)


@pytest.mark.parametrize(
    ("ram", "cores", "connections", "message"),
    [
        (16 * MB, 4, 100, r"^ram: 16MB is below .* bare number means MB"),
        (16 * GB, 0, 100, r"^cores: 0 must be at least 1"),
        (16 * GB, 4, 0, r"^connections: 0 must be at least 1"),
    ],
)
def test_recommend_rejects_out_of_range_inputs(ram: int, cores: int, connections: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        recommend(ram, cores, connections)


@pytest.mark.parametrize(("ram", "expected"), [(2 * GB, "128MB"), (16 * GB, "1GB"), (64 * GB, "2GB")])
def test_maintenance_work_mem_is_a_sixteenth_of_ram_capped_at_2gb(ram: int, expected: str) -> None:
    setting = by_name(recommend(ram, 4, 100))["maintenance_work_mem"]

    assert setting.value == expected
    assert "HNSW" in setting.reason


def test_seed_values_that_match_get_no_seed_comment() -> None:
    text = render(recommend(64 * GB, 12, 300), 64 * GB, 12, 300)

    assert "# seed: 2GB" not in text
    assert "# seed: 300" not in text
    assert "# seed: 12 " not in text


@pytest.mark.parametrize("cores", [1, 2, 4, 6, 16, 64])
def test_parallel_workers_never_exceed_cores_or_worker_pool(cores: int) -> None:
    settings = by_name(recommend(16 * GB, cores, 100))
    per_gather = int(settings["max_parallel_workers_per_gather"].value)
    parallel = int(settings["max_parallel_workers"].value)

    assert parallel == cores
    assert parallel <= int(settings["max_worker_processes"].value)
    assert per_gather <= min(4, cores - 1)
    assert int(settings["max_parallel_maintenance_workers"].value) <= min(4, cores - 1)


def test_shared_preload_libraries_drops_vector_and_pg_cron() -> None:
    setting = by_name(recommend(16 * GB, 4, 100))["shared_preload_libraries"]

    assert setting.value == "pg_stat_statements"
    assert "pg_cron" in setting.seed_note
    assert "vector" in setting.seed_note


@pytest.mark.parametrize(("ram", "expected"), [(16 * GB, "off"), (32 * GB, "try"), (256 * GB, "try")])
def test_huge_pages_are_tried_only_from_32gb(ram: int, expected: str) -> None:
    assert by_name(recommend(ram, 4, 100))["huge_pages"].value == expected


def test_memory_fractions_of_ram() -> None:
    settings = by_name(recommend(16 * GB, 4, 100))

    assert settings["shared_buffers"].value == "4GB"
    assert settings["effective_cache_size"].value == "12GB"


def test_setting_names_are_unique() -> None:
    names = [setting.name for setting in recommend(16 * GB, 4, 300)]

    assert len(names) == len(set(names))


@pytest.mark.parametrize("ram", RAMS)
@pytest.mark.parametrize("connections", CONNECTIONS)
def test_rendered_output_is_name_equals_value_lines_and_comments(ram: int, connections: int) -> None:
    text = render(recommend(ram, 4, connections), ram, 4, connections)
    lines = text.splitlines()

    assert lines[0].startswith("#")
    assert all(line.startswith("#") or re.match(r"^\w+ = \S", line) for line in lines)


def test_rendered_header_states_the_inputs() -> None:
    header = render(recommend(16 * GB, 4, 300), 16 * GB, 4, 300).splitlines()[0]

    assert "16GB" in header
    assert "4 cores" in header
    assert "300 connections" in header


def test_render_quotes_string_values_and_leaves_numbers_bare() -> None:
    text = render(recommend(16 * GB, 4, 300), 16 * GB, 4, 300)

    assert "\nshared_preload_libraries = 'pg_stat_statements'  # " in text
    assert "\ntimezone = 'UTC'  # " in text
    assert "\n# seed: 'pg_stat_statements,vector,pg_cron' — " in text
    assert "\nrandom_page_cost = 1.1  # " in text


def test_render_puts_each_reason_in_a_trailing_comment() -> None:
    settings = recommend(16 * GB, 4, 300)
    text = render(settings, 16 * GB, 4, 300)

    for setting in settings:
        assert f"  # {setting.reason}\n" in text


def test_detect_machine_reports_positive_ram_and_cores() -> None:
    ram, cores = detect_machine()

    assert ram > 0
    assert cores >= 1


def test_the_embedded_server_takes_half_the_machine_and_the_ssd_planner_costs() -> None:
    settings = embedded_settings(16 * GB, 4)
    assert settings["shared_buffers"] == "2GB" and settings["effective_cache_size"] == "6GB"
    assert settings["random_page_cost"] == "1.1"
    assert set(settings) == set(EMBEDDED_SETTINGS)
    # a small machine still gets a working server (the formulas' floor), not a failure
    assert parse_size(embedded_settings(300 * MB, 1)["shared_buffers"]) == MIN_RAM // 4


def test_a_container_memory_limit_below_the_host_ram_is_the_machine_size(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    limit = tmp_path / "memory.max"
    limit.write_text("2147483648\n", encoding="ascii")
    monkeypatch.setattr(tuning, "_CGROUP_MEMORY_LIMITS", (limit,))
    assert detect_machine()[0] == 2 * GB
    limit.write_text("max\n", encoding="ascii")
    assert detect_machine()[0] > 0
