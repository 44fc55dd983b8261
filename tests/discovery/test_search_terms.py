"""Reading a query in process: the same corrections as pg_trgm gave in SQL, PostgreSQL's stems, and a
vocabulary read from committed data and dropped when content is announced."""

from __future__ import annotations

import difflib
import json
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from frontier.cache.backends import MemoryBackend
from frontier.cache.notify import InvalidationListener, announce
from frontier.cache.service import Cache
from frontier.db.session import Database
from frontier.discovery.search.service import serving_model
from frontier.discovery.search.terms import (
    ACCEPT_RATIO,
    MIN_CORRECTED_LENGTH,
    SHORTLIST_SIMILARITY,
    Vocabularies,
    english_stem,
    query_words,
    read_query,
    similarity,
    trigrams,
)
from tests.cache.test_notify import eventually

LABELLED = json.loads((Path(__file__).parent / "queries.json").read_text(encoding="utf-8"))["queries"]
# How queries were read before the vocabulary moved into the process: pg_trgm shortlists in SQL, the same
# difflib ratio decides (frontier/discovery/search/terms.py, as search_terms.py, until November 2026). The reference here.
PG_TRGM_CANDIDATES = """
WITH unknown AS MATERIALIZED (
    SELECT q.word FROM unnest(CAST(:words AS text[])) AS q(word)
    WHERE numnode(plainto_tsquery('english', q.word)) > 0
      AND NOT EXISTS (SELECT 1 FROM technology_aliases a WHERE a.alias = q.word)
      AND NOT EXISTS (SELECT 1 FROM technologies t WHERE t.slug = q.word OR lower(t.name) = q.word)
      AND NOT EXISTS (
          SELECT 1 FROM exploration_content c WHERE c.search_document @@ plainto_tsquery('english', q.word)
      )
), vocabulary AS (
    SELECT DISTINCT word FROM (
        SELECT regexp_split_to_table(lower(name), '[^a-z0-9+#.]+') FROM technologies
        UNION ALL SELECT slug FROM technologies
        UNION ALL SELECT regexp_split_to_table(alias, '[^a-z0-9+#.]+') FROM technology_aliases
        UNION ALL SELECT regexp_split_to_table(lower(section), '[^a-z0-9+#.]+')
        FROM section_centroids WHERE model_id = :model
    ) AS words(word)
    WHERE length(word) >= :min_length
)
SELECT u.word, v.word AS candidate, similarity(u.word, v.word) AS score
FROM unknown u JOIN vocabulary v
  ON left(v.word, 1) = left(u.word, 1) AND similarity(u.word, v.word) >= :shortlist
ORDER BY u.word, score DESC, candidate
"""
DEMO_WORDS = """
SELECT word FROM ts_stat($$SELECT to_tsvector('simple', coalesce(section, '') || ' ' || title || ' '
    || content_keywords_text(technology_keywords) || ' ' || coalesce(description, '')) FROM exploration_content$$)
WHERE word ~ '^[a-z]{4,}$'
"""


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as opened:
        yield opened


def pg_trgm_corrections(session: Session, words: list[str], model_id: uuid.UUID) -> dict[str, str]:
    """The reference: each unknown word's accepted candidate as the SQL reading chose it."""
    candidates = sorted({w for w in words if len(w) >= MIN_CORRECTED_LENGTH and w.isalpha() and w.isascii()})
    rows = session.execute(
        text(PG_TRGM_CANDIDATES),
        {
            "words": candidates,
            "model": model_id,
            "min_length": MIN_CORRECTED_LENGTH - 1,
            "shortlist": SHORTLIST_SIMILARITY,
        },
    ).all()
    best: dict[str, tuple[float, float, str]] = {}
    for word, candidate, score in rows:
        ratio = difflib.SequenceMatcher(None, word, candidate).ratio()
        if ratio >= ACCEPT_RATIO and (ratio, score, candidate) > best.get(word, (0.0, 0.0, "")):
            best[word] = (ratio, float(score), candidate)
    # a word whose best candidate is itself changed nothing; the in-process reading leaves it out
    return {word: chosen[2] for word, chosen in sorted(best.items()) if chosen[2] != word}


def misspelt(query: str, rng: random.Random) -> str:
    """The query with one letter of each longer word swapped, dropped, added or changed."""

    def typo(word: str) -> str:
        if len(word) < MIN_CORRECTED_LENGTH:
            return word
        at, kind = rng.randrange(1, len(word) - 1), rng.randrange(4)
        letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
        return [
            word[:at] + word[at + 1] + word[at] + word[at + 2 :],
            word[:at] + word[at + 1 :],
            word[:at] + letter + word[at:],
            word[:at] + letter + word[at + 1 :],
        ][kind]

    return " ".join(typo(word) for word in query.split())


def test_corrections_are_the_ones_pg_trgm_gave(session: Session) -> None:
    model_id = serving_model(session).model_id
    rng = random.Random(20261201)
    queries = [label["query"] for label in LABELLED]
    queries += [misspelt(query, rng) for query in queries for _ in range(2)]
    corrected = 0
    for query in queries:
        terms = read_query(session, query, model_id)

        assert terms.corrections == pg_trgm_corrections(session, query_words(query), model_id), query
        corrected += bool(terms.corrections)
    assert corrected >= 100  # the misspelt queries exercise the corrections


def test_trigram_similarity_is_pg_trgms(session: Session) -> None:
    words = ["python", "pyhton", "c++", "node.js", "electron.js", "kubernetes", "kuberntes", "x", "ab", "2d"]
    pairs = [(a, b) for a in words for b in words]
    expected = session.execute(
        text("SELECT similarity(a, b) FROM unnest(CAST(:a AS text[]), CAST(:b AS text[])) AS p(a, b)"),
        {"a": [a for a, _ in pairs], "b": [b for _, b in pairs]},
    ).scalars()

    for (a, b), pg in zip(pairs, expected, strict=True):
        assert similarity(trigrams(a), trigrams(b)) == pytest.approx(pg, abs=1e-6), (a, b)


def test_the_stemmer_stems_the_demos_words_as_postgresql_does(session: Session) -> None:
    words = list(session.scalars(text(DEMO_WORDS)))
    stems = session.execute(
        text(
            "SELECT w, tsvector_to_array(to_tsvector('english', w)) FROM unnest(CAST(:w AS text[])) AS q(w) "
            "WHERE numnode(plainto_tsquery('english', w)) > 0"
        ),
        {"w": words},
    ).all()
    assert len(stems) > 1000
    for word, (stem,) in stems:
        assert english_stem(word) == stem, word


def test_the_vocabulary_is_read_from_committed_data_only(session: Session) -> None:
    model_id = serving_model(session).model_id
    session.execute(
        text(
            "INSERT INTO technology_aliases (alias, technology_id) SELECT 'zqxlang', id FROM technologies LIMIT 1"
        )
    )
    vocabularies = Vocabularies()

    assert "zqxlang" not in vocabularies.get(session, model_id).names


def test_a_content_announcement_drops_the_vocabularies(session: Session) -> None:
    model_id = serving_model(session).model_id
    vocabularies = Vocabularies()
    first = vocabularies.get(session, model_id)

    vocabularies.invalidate_tags("trends")
    assert vocabularies.get(session, model_id) is first
    vocabularies.invalidate_tags("content")
    assert vocabularies.get(session, model_id) is not first


def test_the_api_listener_passes_announcements_to_the_vocabularies(migrated_engine: Engine) -> None:
    vocabularies = Vocabularies()
    with Session(migrated_engine) as session:
        model_id = serving_model(session).model_id
        first = vocabularies.get(session, model_id)
    listener = InvalidationListener(migrated_engine, Cache(MemoryBackend()), also=(vocabularies,))
    listener.start()
    try:
        assert listener.wait_listening(10)
        with Session(migrated_engine) as session, session.begin():
            announce(session, "content")  # a notification only: nothing else is written

        with Session(migrated_engine) as session:
            assert eventually(lambda: vocabularies.get(session, model_id) is not first)
    finally:
        listener.stop()
