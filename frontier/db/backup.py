"""Backups with the wheel's own pg_dump, pg_restore and psql (custom format; a restore is one transaction).

A restore makes the database what restoring into an empty one would: in ONE transaction psql drops every
schema, recreates an empty ``public`` and runs the SQL that pg_restore reads out of the file; it commits only
when pg_restore has read the whole file. ``pg_restore --clean`` can't do this: its drops fail on the monthly
partitions of ``observations`` ("cannot drop inherited constraint") and it leaves behind what the file lacks.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from frontier.db.embedded import bin_dir
from frontier.db.session import libpq_url
from frontier.errors import FieldProblem, FrontierError, InvalidInput

# Empties the database the way a new one is: no schema but a public one owned by the database's owner.
_EMPTY_THE_DATABASE = rb"""
SET client_min_messages = warning;
BEGIN;
DO $$
DECLARE doomed name;
BEGIN
    FOR doomed IN SELECT nspname FROM pg_namespace
                  WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\_%'
    LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', doomed);
    END LOOP;
END $$;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMENT ON SCHEMA public IS 'standard public schema';
"""
_NOTHING_CHANGED = "nothing was changed"


def backup(url: str, target: Path) -> None:
    """Write the whole database to ``target`` (pg_dump custom format), replacing it only on success."""
    target = target.expanduser().resolve()
    if not target.parent.is_dir():
        raise InvalidInput([FieldProblem("FILE", f"folder {target.parent} does not exist")])
    partial = target.with_name(target.name + ".partial")
    args = ["--format=custom", "--no-owner", f"--file={partial}", f"--dbname={libpq_url(url)}"]
    result = subprocess.run(
        [str(bin_dir() / "pg_dump"), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise FrontierError(f"backup failed, {target} was not written: {_cause(result.stderr)}")
    partial.replace(target)


def restore(url: str, source: Path) -> None:
    """Replace the database's contents with a backup, in a single transaction (all or nothing).

    Raises InvalidInput when the file is missing or not a complete backup, FrontierError (naming the server's
    error) when the server refuses it; either way the database is left as it was.
    """
    source = source.expanduser().resolve()
    if not source.is_file():
        raise InvalidInput([FieldProblem("FILE", f"{source} is not a file")])
    reader, writer = _restore_in_one_transaction(url, source)
    # A reader that died of a signal was cut off by a failing psql: then the server's error is the cause.
    if reader.returncode > 0:
        raise InvalidInput(
            [
                FieldProblem(
                    "FILE",
                    f"{source} is not a complete backup made by 'frontier db backup' "
                    f"({_cause(reader.stderr)}); {_NOTHING_CHANGED}: restore another backup file",
                )
            ]
        )
    if writer.returncode != 0 or reader.returncode != 0:
        raise FrontierError(
            f"restore failed, {_NOTHING_CHANGED}: {_cause(writer.stderr)}; "
            "fix that and run 'frontier db restore' again"
        )


@dataclass(frozen=True)
class _Finished:
    returncode: int
    stderr: str


def _restore_in_one_transaction(url: str, source: Path) -> tuple[_Finished, _Finished]:
    """Run pg_restore's SQL through psql after _EMPTY_THE_DATABASE; COMMIT only if pg_restore read it all."""
    psql = [str(bin_dir() / "psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--no-password"]
    read_end, write_end = os.pipe()
    with tempfile.TemporaryFile() as reader_log, tempfile.TemporaryFile() as writer_log:
        writer = subprocess.Popen(
            [*psql, f"--dbname={libpq_url(url)}"],
            stdin=read_end,
            stdout=subprocess.DEVNULL,
            stderr=writer_log,
        )
        os.close(read_end)
        with os.fdopen(write_end, "wb") as script:
            _write(script, _EMPTY_THE_DATABASE)
            reader = subprocess.run(
                [str(bin_dir() / "pg_restore"), "--no-owner", "--file=-", str(source)],
                stdin=subprocess.DEVNULL,
                stdout=script,
                stderr=reader_log,
                check=False,
            )
            if reader.returncode == 0:
                _write(script, b"\nCOMMIT;\n")
            else:
                # psql would run a half-read statement at end of input: end it with the transaction open
                # instead, so the server rolls everything back.
                writer.kill()
        writer.wait()
        return _finished(reader.returncode, reader_log), _finished(writer.returncode, writer_log)


def _write(script: IO[bytes], data: bytes) -> None:
    try:
        script.write(data)
        script.flush()
    except BrokenPipeError:
        pass  # psql has stopped; its own error says why


def _finished(returncode: int, log: IO[bytes]) -> _Finished:
    log.seek(0)
    return _Finished(returncode, log.read().decode(errors="replace"))


def _cause(stderr: str) -> str:
    """The tool's first error line, without its prefixes (pg_restore's or the server's ERROR line)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for marker in ("ERROR:", "error:", "FATAL:"):
        for line in lines:
            if marker in line:
                return " ".join(line.split(marker, 1)[1].split())
    return lines[-1] if lines else "(no message)"
