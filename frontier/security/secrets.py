"""Secrets stored in the database (API keys of external sources): encrypted at rest, rotated in one go.

Encryption is cryptography's Fernet (AES-128-CBC + HMAC-SHA256, random IV) under a key derived with HKDF
from ``FRONTIER_SECRET_KEY``. Each ciphertext reads ``fv1:<key id>:<fernet token>``: the key id names the
key that made it, so decryption picks the right key and rotation can tell what is left to re-encrypt.
Plaintexts and keys never appear in messages, reprs or logs.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from frontier.config import Settings, resolve_secret_key
from frontier.db.base import Base
from frontier.errors import FrontierError

log = logging.getLogger(__name__)

FORMAT_VERSION = "fv1"
# The salt is fixed because every process must derive the same key from the secret alone; the secret itself
# carries the entropy (token_urlsafe(48)), so the salt and info only separate this use from others.
HKDF_SALT = b"frontier/secrets/hkdf-salt/v1"
HKDF_INFO = b"frontier secrets v1"
_KEY_ID_PREFIX = b"frontier key id v1\x00"  # the id hashes the derived key, never the raw secret
_KEY_ID_LENGTH = 12
_KEY_ID = re.compile(rf"[0-9a-f]{{{_KEY_ID_LENGTH}}}")


class SecretError(FrontierError):
    """A stored secret can't be encrypted or decrypted (bad format, unknown key, tampered token)."""


def _derive(secret: str) -> bytes:
    if not secret.strip():
        raise SecretError("the secret key is empty")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO)
    return hkdf.derive(secret.encode("utf-8"))


def _id_of_derived(derived: bytes) -> str:
    return hashlib.sha256(_KEY_ID_PREFIX + derived).hexdigest()[:_KEY_ID_LENGTH]


def key_id(secret: str) -> str:
    """The public id (12 hex characters) of the encryption key derived from ``secret``."""
    return _id_of_derived(_derive(secret))


def ciphertext_key_id(ciphertext: str) -> str:
    """The id of the key that made ``ciphertext``; SecretError when it isn't ``fv1:<key id>:<token>``."""
    return _parse(ciphertext)[0]


def _parse(ciphertext: str) -> tuple[str, str]:
    parts = ciphertext.split(":", 2)
    if len(parts) != 3 or parts[0] != FORMAT_VERSION or not _KEY_ID.fullmatch(parts[1]) or not parts[2]:
        raise SecretError(f"not an encrypted secret: expected '{FORMAT_VERSION}:<key id>:<token>'")
    return parts[1], parts[2]


class SecretBox:
    """Encrypts with the current key and decrypts with any configured key, chosen by the ciphertext's key id.

    ``SecretBox(current, *older)``: older keys are accepted for decryption only.
    """

    def __init__(self, current: str, *older: str) -> None:
        self._fernets: dict[str, Fernet] = {}
        for secret in (current, *older):
            derived = _derive(secret)
            self._fernets.setdefault(_id_of_derived(derived), Fernet(base64.urlsafe_b64encode(derived)))
        self.current_key_id = next(iter(self._fernets))

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Ids of the configured keys, the current one first."""
        return tuple(self._fernets)

    def encrypt(self, plaintext: str) -> str:
        """``plaintext`` encrypted under the current key, as ``fv1:<key id>:<fernet token>``."""
        token = self._fernets[self.current_key_id].encrypt(plaintext.encode("utf-8")).decode("ascii")
        return f"{FORMAT_VERSION}:{self.current_key_id}:{token}"

    def decrypt(self, ciphertext: str) -> str:
        """The plaintext of ``ciphertext``; SecretError on a bad format, unknown key or tampered token."""
        kid, token = _parse(ciphertext)
        fernet = self._fernets.get(kid)
        if fernet is None:
            raise SecretError(
                f"the secret was made with key {kid}, which is not configured; pass it with --old-key"
            )
        try:
            return fernet.decrypt(token).decode("utf-8")
        except (InvalidToken, UnicodeDecodeError) as error:
            raise SecretError(
                f"the secret under key {kid} failed authentication (corrupted or tampered with)"
            ) from error

    def __repr__(self) -> str:
        return f"SecretBox(key_ids={list(self.key_ids)!r})"


def box_from_settings(settings: Settings) -> SecretBox:
    """The box for ``FRONTIER_SECRET_KEY`` (or the embedded data dir's key file)."""
    return SecretBox(resolve_secret_key(settings))


@dataclass(frozen=True)
class EncryptedColumn:
    """A column holding SecretBox ciphertext, and the column that names its row in error messages."""

    model: type[Base]
    column: InstrumentedAttribute[str | None]
    label: InstrumentedAttribute[str]


# Every column encrypted with SecretBox, registered by the domain that owns it (``encrypted_column`` beside
# its model); rotation re-encrypts them all.
ENCRYPTED_COLUMNS: list[EncryptedColumn] = []


def encrypted_column(
    model: type[Base], column: InstrumentedAttribute[str | None], label: InstrumentedAttribute[str]
) -> None:
    """Declare a column holding SecretBox ciphertext (and the column naming its row in messages)."""
    entry = EncryptedColumn(model, column, label)
    if entry not in ENCRYPTED_COLUMNS:
        ENCRYPTED_COLUMNS.append(entry)


def rotate_source_keys(session: Session, old: SecretBox, new: SecretBox) -> int:
    """Re-encrypt every stored secret from ``old``'s keys to ``new``'s current key, in the caller's session.

    Rows already under ``new``'s current key are left as is, so a second run re-encrypts nothing. Returns how
    many secrets were re-encrypted. If any row fails to decrypt, raises SecretError naming that row and
    changes nothing (the rows are locked and only written once every one has decrypted).
    """
    count = 0
    for entry in ENCRYPTED_COLUMNS:
        count += _rotate_column(session, entry, old, new)
    log.info("re-encrypted %d secrets under key %s", count, new.current_key_id)
    return count


def _rotate_column(session: Session, entry: EncryptedColumn, old: SecretBox, new: SecretBox) -> int:
    rows = session.execute(
        select(entry.model, entry.label, entry.column)
        .where(entry.column.is_not(None))
        .order_by(entry.label)
        .with_for_update()
    ).all()
    where = f"{entry.model.__tablename__}.{entry.column.key}"
    pending: list[tuple[Base, str]] = []
    for row, label, ciphertext in rows:
        assert ciphertext is not None  # excluded by the query
        try:
            if ciphertext_key_id(ciphertext) == new.current_key_id:
                continue
            pending.append((row, old.decrypt(ciphertext)))
        except SecretError as error:
            raise SecretError(f"cannot decrypt {where} of '{label}': {error}") from error
    for row, plaintext in pending:
        setattr(row, entry.column.key, new.encrypt(plaintext))
    session.flush()
    return len(pending)
