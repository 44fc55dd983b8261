"""Reading a search query: its words, misspelled technology names corrected, and the technologies it names.

A word is corrected only when nothing knows it: it is not a technology's name, slug or alias, and no content
item's search document (section, title, technology keywords, description) holds it. Candidates come from
pg_trgm similarity to the words of technology names, slugs, aliases and section headings; one is accepted
when it starts with the same letter and its difflib ratio is at least 0.8 ("pyhton" -> "python",
"kuberntes" -> "kubernetes"). Transposed letters share few trigrams ("pyhton"/"python": similarity 0.27), so
trigrams only shortlist and the ratio decides.
"""

from __future__ import annotations

import difflib
import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from frontier.api.inputs import NUL
from frontier.errors import FieldProblem, InvalidInput

MAX_QUERY_CHARS = 200
MIN_CORRECTED_LENGTH = 4  # shorter words have too many near neighbours to correct safely
SHORTLIST_SIMILARITY = 0.2
ACCEPT_RATIO = 0.8
MAX_NAME_WORDS = 3
# One- and two-letter names (C, R, Go, JS) are English words or letters too: they count as a technology when
# typed in capitals or followed by one of these words.
SHORT_NAME = 2
NAME_CONTEXT = frozenset({"programming", "language", "lang", "code", "coding"})
# Words of letters and digits in any script; keeps c++, c#, node.js whole.
_TOKEN = re.compile(r"[^\W_][\w+#.]*[\w+#]|[^\W_]")

_CORRECTIONS = """
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
    WHERE length(word) >= :min_length AND EXISTS (SELECT 1 FROM unknown)
)
SELECT u.word, v.word AS candidate, similarity(u.word, v.word) AS score
FROM unknown u JOIN vocabulary v
  ON left(v.word, 1) = left(u.word, 1) AND similarity(u.word, v.word) >= :shortlist
ORDER BY u.word, score DESC, candidate
"""


@dataclass(frozen=True)
class QueryTerms:
    """A query read for search: ``text`` is what gets embedded (the query with corrections applied)."""

    query: str
    text: str
    words: tuple[str, ...]
    corrections: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()


def clean_query(query: str) -> str:
    """The query with whitespace runs collapsed; InvalidInput naming ``q`` if empty, too long or with NUL."""
    if NUL in query:
        raise InvalidInput([FieldProblem("q", "must not contain NUL (U+0000) characters")])
    cleaned = " ".join(query.split())
    if not cleaned:
        raise InvalidInput([FieldProblem("q", "must not be empty")])
    if len(cleaned) > MAX_QUERY_CHARS:
        raise InvalidInput([FieldProblem("q", f"must be at most {MAX_QUERY_CHARS} characters")])
    if not _TOKEN.search(cleaned):
        raise InvalidInput([FieldProblem("q", "must contain at least one letter or digit")])
    return cleaned


def read_query(session: Session, query: str, model_id: uuid.UUID) -> QueryTerms:
    """Clean the query, correct misspelled technology or section words, and list the phrases that may name a
    technology (see the module docstring). Raises InvalidInput naming ``q`` for an unusable query."""
    cleaned = clean_query(query)
    typed = _TOKEN.findall(cleaned)
    original = [token.lower() for token in typed]
    corrections = _corrections(session, original, model_id)
    words = tuple(corrections.get(word, word) for word in original)
    corrected_text = cleaned
    for wrong, right in corrections.items():
        corrected_text = re.sub(rf"(?i)(?<![\w+#.]){re.escape(wrong)}(?![\w+#])", right, corrected_text)
    return QueryTerms(
        query=cleaned,
        text=corrected_text,
        words=words,
        corrections=corrections,
        names=_names(words, typed),
    )


def _corrections(session: Session, words: list[str], model_id: uuid.UUID) -> dict[str, str]:
    candidates = sorted({w for w in words if len(w) >= MIN_CORRECTED_LENGTH and w.isalpha() and w.isascii()})
    if not candidates:
        return {}
    rows = session.execute(
        text(_CORRECTIONS),
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
    return {word: chosen[2] for word, chosen in sorted(best.items())}


def _names(words: tuple[str, ...], typed: list[str]) -> tuple[str, ...]:
    """Phrases of one to three words that may name a technology; short ones only when unambiguous."""
    found: list[str] = []
    for size in range(1, MAX_NAME_WORDS + 1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if size == 1 and len(phrase) <= SHORT_NAME:
                following = words[start + 1] if start + 1 < len(words) else ""
                if not (typed[start].isupper() or following in NAME_CONTEXT):
                    continue
            found.append(phrase)
    return tuple(dict.fromkeys(found))
