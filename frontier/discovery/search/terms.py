"""Reading a search query: its words, misspelled technology names corrected, and the technologies it names.

A word is corrected only when nothing knows it: it is not a technology's name, slug or alias, and no content
item's search document (section, title, technology keywords, description) holds it. Candidates are the words
of technology names, slugs, aliases and section headings that start with the same letter and share trigrams
with it (pg_trgm's similarity >= 0.2); one is accepted when its difflib ratio is at least 0.8 ("pyhton" ->
"python", "kuberntes" -> "kubernetes"). Transposed letters share few trigrams ("pyhton"/"python": similarity
0.27), so trigrams only shortlist and the ratio decides.

Those words, and the documents' lexemes, are read once per process and model (``QueryVocabulary``), from
committed data, and dropped when a writer announces changed content (``frontier.cache.notify``: the API's
listener passes announcements to ``VOCABULARIES``). So reading a query needs no round trip to the database
(it cost a GIN bitmap of thousands of items per common word: 2.9 ms p50 at 100,000 items), except for a word
the vocabulary would correct: the database confirms that no document holds it (the query's English stem is
checked in process, with the Snowball stemmer PostgreSQL uses; the rare word it does not settle is asked).
"""

from __future__ import annotations

import difflib
import re
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import snowballstemmer
from sqlalchemy import text
from sqlalchemy.orm import Session

from frontier.errors import FieldProblem, InvalidInput
from frontier.inputs import NUL

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
# pg_trgm's words: runs of letters and digits (the vocabulary's words may hold "+", "#" or ".").
_TRIGRAM_WORD = re.compile(r"[a-z0-9]+")
# PostgreSQL's 'english' configuration stems with Snowball's English stemmer (version 2 in PostgreSQL 18;
# tests/discovery/test_search_terms.py checks that both stem the demo's words alike).
_STEMMER = snowballstemmer.stemmer("english")
_STEMMING = threading.Lock()

# Every word correction needs, in one round trip: the candidates (the words of technology names, slugs,
# aliases and section headings), the names that are never corrected, and the documents' lexemes.
_VOCABULARY = """
SELECT 'candidate' AS kind, word FROM (
    SELECT regexp_split_to_table(lower(name), '[^a-z0-9+#.]+') FROM technologies
    UNION SELECT slug FROM technologies
    UNION SELECT regexp_split_to_table(alias, '[^a-z0-9+#.]+') FROM technology_aliases
    UNION SELECT regexp_split_to_table(lower(section), '[^a-z0-9+#.]+')
    FROM section_centroids WHERE model_id = :model
) AS words(word)
WHERE length(word) >= :min_length
UNION ALL SELECT 'name', alias FROM technology_aliases
UNION ALL SELECT 'name', slug FROM technologies
UNION ALL SELECT 'name', lower(name) FROM technologies
UNION ALL SELECT 'lexeme', word FROM ts_stat('SELECT search_document FROM exploration_content')
WHERE word ~ '^[a-z]+$'
"""

# The words no document holds, of those the vocabulary would correct (stop words are known: never corrected).
_UNKNOWN = """
SELECT q.word FROM unnest(CAST(:words AS text[])) AS q(word)
WHERE numnode(plainto_tsquery('english', q.word)) > 0
  AND NOT EXISTS (
      SELECT 1 FROM exploration_content c WHERE c.search_document @@ plainto_tsquery('english', q.word)
  )
"""


@dataclass(frozen=True)
class QueryTerms:
    """A query read for search: ``text`` is what gets embedded (the query with corrections applied)."""

    query: str
    text: str
    words: tuple[str, ...]
    corrections: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()


def trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of ``word`` (lower case): each run of letters and digits padded with two spaces in
    front and one behind. Written here, not found in a library, to shortlist exactly as pg_trgm did."""
    grams: set[str] = set()
    for part in _TRIGRAM_WORD.findall(word):
        padded = f"  {part} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def similarity(first: frozenset[str], second: frozenset[str]) -> float:
    """pg_trgm's ``similarity``: shared trigrams over all distinct trigrams of both."""
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared) if shared else 0.0


@dataclass(frozen=True)
class QueryVocabulary:
    """What correcting a query needs, read once (module docstring)."""

    names: frozenset[str]  # technology names (lower case), slugs and aliases: never corrected
    lexemes: frozenset[str]  # the documents' lexemes of ASCII letters
    candidates: dict[str, tuple[tuple[str, frozenset[str]], ...]]  # by first letter, with their trigrams

    @classmethod
    def read(cls, session: Session, model_id: uuid.UUID) -> QueryVocabulary:
        """The vocabulary as ``session`` sees it."""
        rows = session.execute(
            text(_VOCABULARY), {"model": model_id, "min_length": MIN_CORRECTED_LENGTH - 1}
        ).all()
        kinds: dict[str, set[str]] = defaultdict(set)
        for kind, word in rows:
            kinds[kind].add(word)
        candidates: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        for word in sorted(kinds["candidate"]):
            candidates[word[0]].append((word, trigrams(word)))
        return cls(
            names=frozenset(kinds["name"]),
            lexemes=frozenset(kinds["lexeme"]),
            candidates={letter: tuple(words) for letter, words in candidates.items()},
        )

    def nearest(self, word: str) -> str | None:
        """The accepted candidate for ``word``: best difflib ratio, then trigram similarity, then the later
        word; None when none is accepted."""
        grams = trigrams(word)
        best: tuple[float, float, str] | None = None
        for candidate, candidate_grams in self.candidates.get(word[0], ()):
            score = similarity(grams, candidate_grams)
            if score < SHORTLIST_SIMILARITY:
                continue
            ratio = difflib.SequenceMatcher(None, word, candidate).ratio()
            if ratio >= ACCEPT_RATIO and (best is None or (ratio, score, candidate) > best):
                best = (ratio, score, candidate)
        return best[2] if best else None

    def known(self, word: str) -> bool:
        """Whether some document holds ``word`` (its English stem is a lexeme), or it names a technology.
        False also means "not known here": a stop word's stem is no lexeme either."""
        return word in self.names or english_stem(word) in self.lexemes


class Vocabularies:
    """Each model's ``QueryVocabulary`` in this process, read from committed data on first use and dropped
    when content changes (``invalidate_tags``, as a cache; ``frontier.cache.notify``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[tuple[str, uuid.UUID], QueryVocabulary] = {}

    def get(self, session: Session, model_id: uuid.UUID) -> QueryVocabulary:
        """The model's vocabulary, read on a connection of its own when missing: a vocabulary outlives the
        session, so it must not see that session's uncommitted (perhaps rolled back) writes."""
        engine = session.get_bind().engine
        key = (engine.url.render_as_string(hide_password=True), model_id)
        with self._lock:  # one reader per process; the others wait for its result
            vocabulary = self._loaded.get(key)
            if vocabulary is None:
                with Session(engine) as own:
                    vocabulary = self._loaded[key] = QueryVocabulary.read(own, model_id)
            return vocabulary

    def invalidate_tags(self, *tags: str) -> None:
        """Drop every vocabulary when ``content`` is among the announced tags."""
        if "content" in tags:
            with self._lock:
                self._loaded.clear()


VOCABULARIES = Vocabularies()


def english_stem(word: str) -> str:
    """``word``'s stem (lower case) as PostgreSQL's 'english' configuration makes its lexeme."""
    with _STEMMING:  # a stemmer keeps state while it works
        return str(_STEMMER.stemWord(word))


def query_words(query: str) -> list[str]:
    """The cleaned query's words, lower case (InvalidInput as ``clean_query``)."""
    return [token.lower() for token in _TOKEN.findall(clean_query(query))]


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
    corrections = _corrections(session, original, VOCABULARIES.get(session, model_id))
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


def _corrections(session: Session, words: list[str], vocabulary: QueryVocabulary) -> dict[str, str]:
    """Each unknown word's accepted candidate; the database is asked only about words the vocabulary would
    correct and does not know (a word whose best candidate is itself is never corrected)."""
    proposed = {}
    for word in sorted({w for w in words if len(w) >= MIN_CORRECTED_LENGTH and w.isalpha() and w.isascii()}):
        candidate = None if word in vocabulary.names else vocabulary.nearest(word)
        if candidate not in (None, word) and not vocabulary.known(word):
            proposed[word] = candidate
    if not proposed:
        return {}
    unknown = set(session.scalars(text(_UNKNOWN), {"words": sorted(proposed)}))
    return {word: candidate for word, candidate in proposed.items() if word in unknown}


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
