"""The password policy (NIST SP 800-63B, 3.1.1.2): at least 12 characters (the schemas), and not a common,
repetitive or context-derived password; no composition rules.

Guessability is judged by zxcvbn (common-password lists, names, keyboard patterns, repeats, sequences, dates,
l33t), given the account's own email and name as extra words. Derivation from those is also checked directly:
zxcvbn rates "alice.example1" for alice@example.org as strong, since separators and digits add guesses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_SCORE = 3  # zxcvbn's "safely unguessable: moderate protection from an offline slow-hash attack"
# zxcvbn's time grows faster than the length (8 s for 256 characters): judge a prefix. A password whose first
# 64 characters are guessable is weak whatever follows; a strong one stays strong.
JUDGED_LENGTH = 64
MIN_OWN_LETTERS = 4  # letters left once the account's own words, digits and punctuation are taken away
_WORD = re.compile(r"[^\W\d_]{3,}")  # runs of 3+ letters


def context_words(*values: str | None) -> list[str]:
    """The words of an account's email and name that a password must not be built from."""
    words = {"frontier"}
    for value in values:
        words.update(word.lower() for word in _WORD.findall(value or ""))
    return sorted(words, key=len, reverse=True)  # longest first, so "example" goes before "exam"


def password_problem(password: str, context: Iterable[str]) -> str | None:
    """What is wrong with ``password`` for an account with these ``context`` words; None when it is fine."""
    judged = password[:JUDGED_LENGTH]
    words = list(context)
    rest = judged.lower()
    for word in words:
        rest = rest.replace(word, "")
    letters = sum(ch.isalpha() for ch in judged)
    if letters >= MIN_OWN_LETTERS > sum(ch.isalpha() for ch in rest):
        return "is built from your email or name; choose words unrelated to your account"
    result = zxcvbn(judged, user_inputs=words, max_length=JUDGED_LENGTH)
    if result["score"] < MIN_SCORE:
        warning = str(result["feedback"].get("warning") or "").rstrip(".")
        why = f" ({warning[0].lower()}{warning[1:]})" if warning else ""
        return f"is too easy to guess{why}; a few unrelated words make a strong password"
    return None
