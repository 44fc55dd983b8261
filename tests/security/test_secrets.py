"""Stored secrets: encrypted under a named key, never readable without it, and rotated in one transaction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from frontier.cli import main
from frontier.cli import secrets as secrets_cli
from frontier.db.embedded import EmbeddedPostgres
from frontier.db.session import Database
from frontier.ingest.models import ExternalDataSource
from frontier.security.secrets import SecretBox, SecretError, ciphertext_key_id, key_id, rotate_source_keys

OLD_KEY = "old-secret-key-for-tests-0123456789abcdefghijklmnop"
NEW_KEY = "new-secret-key-for-tests-0123456789abcdefghijklmnop"
OTHER_KEY = "some-key-nobody-configured-0123456789abcdefghijkl"
PLAINTEXT = "ghp_example_api_key_value"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def add_source(session: Session, name: str, api_key_encrypted: str | None) -> None:
    session.add(
        ExternalDataSource(
            source_name=name,
            source_type="github_api",
            base_url="https://api.github.com",
            api_key_encrypted=api_key_encrypted,
        )
    )
    session.flush()


def stored_keys(db: Database, prefix: str) -> dict[str, str | None]:
    with db.session() as session:
        rows = session.execute(
            select(ExternalDataSource.source_name, ExternalDataSource.api_key_encrypted).where(
                ExternalDataSource.source_name.startswith(prefix)
            )
        ).all()
    return {name: value for name, value in rows}


def test_decrypt_returns_what_encrypt_was_given() -> None:
    box = SecretBox(OLD_KEY)

    assert box.decrypt(box.encrypt(PLAINTEXT)) == PLAINTEXT


def test_ciphertext_names_its_key_and_hides_the_plaintext() -> None:
    box = SecretBox(OLD_KEY)

    ciphertext = box.encrypt(PLAINTEXT)

    assert ciphertext.startswith(f"fv1:{key_id(OLD_KEY)}:")
    assert ciphertext_key_id(ciphertext) == box.current_key_id == key_id(OLD_KEY)
    assert PLAINTEXT not in ciphertext


def test_key_id_is_not_a_hash_of_the_raw_secret() -> None:
    import hashlib

    assert not hashlib.sha256(OLD_KEY.encode()).hexdigest().startswith(key_id(OLD_KEY))
    assert re.fullmatch(r"[0-9a-f]{12}", key_id(OLD_KEY))


def test_two_encryptions_of_the_same_plaintext_differ() -> None:
    box = SecretBox(OLD_KEY)

    assert box.encrypt(PLAINTEXT) != box.encrypt(PLAINTEXT)


def test_older_keys_decrypt_but_the_current_one_encrypts() -> None:
    ciphertext = SecretBox(OLD_KEY).encrypt(PLAINTEXT)
    box = SecretBox(NEW_KEY, OLD_KEY)

    assert box.decrypt(ciphertext) == PLAINTEXT
    assert ciphertext_key_id(box.encrypt(PLAINTEXT)) == key_id(NEW_KEY)


def test_decrypt_with_an_unconfigured_key_names_that_key_id() -> None:
    ciphertext = SecretBox(OLD_KEY).encrypt(PLAINTEXT)

    with pytest.raises(SecretError, match=rf"key {key_id(OLD_KEY)}, which is not configured") as caught:
        SecretBox(NEW_KEY).decrypt(ciphertext)

    assert PLAINTEXT not in str(caught.value) and OLD_KEY not in str(caught.value)


def test_tampered_token_fails_authentication() -> None:
    box = SecretBox(OLD_KEY)
    ciphertext = box.encrypt(PLAINTEXT)
    # Flip one character in the middle of the token (the HMAC covers every byte).
    middle = len(ciphertext) // 2 + 10
    tampered = ciphertext[:middle] + ("A" if ciphertext[middle] != "A" else "B") + ciphertext[middle + 1 :]

    with pytest.raises(SecretError, match="failed authentication"):
        box.decrypt(tampered)


@pytest.mark.parametrize(
    "ciphertext",
    ["", PLAINTEXT, "fv1:abc:token", "fv2:0123456789ab:token", "fv1:0123456789ab:", "fv1:0123456789AB:tok"],
)
def test_malformed_ciphertext_is_refused(ciphertext: str) -> None:
    with pytest.raises(SecretError, match="not an encrypted secret"):
        SecretBox(OLD_KEY).decrypt(ciphertext)


def test_empty_secret_key_is_refused() -> None:
    with pytest.raises(SecretError, match="empty"):
        SecretBox(" ")


def test_repr_shows_key_ids_but_no_key() -> None:
    box = SecretBox(NEW_KEY, OLD_KEY)

    shown = repr(box) + str(box)

    assert key_id(NEW_KEY) in shown and key_id(OLD_KEY) in shown
    assert NEW_KEY not in shown and OLD_KEY not in shown


def test_rotate_re_encrypts_every_secret_under_the_new_key(db: Database) -> None:
    old = SecretBox(OLD_KEY)
    with db.session() as session:
        for i in range(3):
            add_source(session, f"rot-{i}", old.encrypt(f"{PLAINTEXT}-{i}"))
        add_source(session, "rot-none", None)

    with db.session() as session:
        count = rotate_source_keys(session, old, SecretBox(NEW_KEY))

    assert count == 3
    stored = stored_keys(db, "rot-")
    assert stored.pop("rot-none") is None
    new_only = SecretBox(NEW_KEY)
    for name, ciphertext in stored.items():
        assert ciphertext is not None
        assert ciphertext_key_id(ciphertext) == key_id(NEW_KEY)
        assert new_only.decrypt(ciphertext) == f"{PLAINTEXT}-{name.removeprefix('rot-')}"


def test_second_rotate_re_encrypts_nothing(db: Database) -> None:
    old = SecretBox(OLD_KEY)
    with db.session() as session:
        add_source(session, "again-1", old.encrypt(PLAINTEXT))
    with db.session() as session:
        assert rotate_source_keys(session, old, SecretBox(NEW_KEY)) == 1
    after_first = stored_keys(db, "again-")

    with db.session() as session:
        assert rotate_source_keys(session, SecretBox(OLD_KEY, NEW_KEY), SecretBox(NEW_KEY)) == 0

    assert stored_keys(db, "again-") == after_first


def test_rotate_with_an_undecryptable_row_names_it_and_changes_nothing(db: Database) -> None:
    old = SecretBox(OLD_KEY)
    with db.session() as session:
        add_source(session, "mixed-a", old.encrypt(PLAINTEXT))
        add_source(session, "mixed-b", old.encrypt(PLAINTEXT))
        add_source(session, "mixed-z-foreign", SecretBox(OTHER_KEY).encrypt(PLAINTEXT))
    before = stored_keys(db, "mixed-")

    with pytest.raises(SecretError, match="'mixed-z-foreign'") as caught, db.session() as session:
        rotate_source_keys(session, old, SecretBox(NEW_KEY))

    assert PLAINTEXT not in str(caught.value)
    assert key_id(OTHER_KEY) in str(caught.value)
    assert stored_keys(db, "mixed-") == before


def invoke_rotate(env: dict[str, str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(secrets_cli.app, ["rotate"], env={"COLUMNS": "200", **env})
    return result.exit_code, _ANSI.sub("", result.stdout), _ANSI.sub("", result.stderr)


def test_cli_rotate_with_equal_keys_exits_2() -> None:
    code, _, stderr = invoke_rotate({"FRONTIER_OLD_SECRET_KEY": OLD_KEY, "FRONTIER_NEW_SECRET_KEY": OLD_KEY})

    assert code == 2
    assert "same" in stderr and OLD_KEY not in stderr
    assert len([line for line in stderr.splitlines() if line.strip()]) == 1


def test_cli_rotate_with_an_empty_key_exits_2() -> None:
    result = CliRunner().invoke(secrets_cli.app, ["rotate", "--old-key", "", "--new-key", NEW_KEY])

    assert result.exit_code == 2
    assert "non-empty" in result.stderr


@pytest.mark.slow
def test_cli_rotate_re_encrypts_the_embedded_database(tmp_path: Path) -> None:
    upgrade = CliRunner().invoke(main.app, ["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    server = EmbeddedPostgres(tmp_path / "data")  # the autouse fixture's FRONTIER_DATA_DIR
    try:
        engine = create_engine(server.start())
        with sessionmaker(engine).begin() as session:
            add_source(session, "cli-source", SecretBox(OLD_KEY).encrypt(PLAINTEXT))
        engine.dispose()
        server.stop()  # the command takes the server over; this process's handle is the same one

        code, stdout, stderr = invoke_rotate(
            {"FRONTIER_OLD_SECRET_KEY": OLD_KEY, "FRONTIER_NEW_SECRET_KEY": NEW_KEY}
        )

        assert code == 0, stderr
        assert "re-encrypted 1 secret;" in stdout and "secret_key" in stdout
        assert OLD_KEY not in stdout + stderr and NEW_KEY not in stdout + stderr
        engine = create_engine(server.start())
        with engine.connect() as conn:
            ciphertext = conn.execute(
                select(ExternalDataSource.api_key_encrypted).where(
                    ExternalDataSource.source_name == "cli-source"
                )
            ).scalar_one()
        engine.dispose()
        assert ciphertext is not None
        assert SecretBox(NEW_KEY).decrypt(ciphertext) == PLAINTEXT
    finally:
        server.force_stop()


@pytest.mark.slow
def test_cli_rotate_on_an_unmigrated_database_asks_for_db_upgrade() -> None:
    code, _, stderr = invoke_rotate({"FRONTIER_OLD_SECRET_KEY": OLD_KEY, "FRONTIER_NEW_SECRET_KEY": NEW_KEY})

    assert code == 1
    assert "frontier db upgrade" in stderr
