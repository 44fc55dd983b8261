"""Help pages in a command line's words: ``--limit INTEGER``, ``--as-of YYYY-MM-DD``, ``search QUERY``.

Typer labels each parameter with its Python type (``<bool>``, ``<str>``, ``<%Y-%m-%d>``) and writes a
required argument as ``{query}`` in the usage line. It offers no hook for the parameter classes it builds,
so ``install()`` replaces the few methods that draw these labels, once, when ``frontier.cli`` is imported.
"""

from __future__ import annotations

import re

import typer
from typer.core import TyperArgument, TyperOption

# Typer's label (without its <>) -> the word a help page shows.
_WORDS = {
    "str": "TEXT",
    "int": "INTEGER",
    "int range": "INTEGER",
    "float": "NUMBER",
    "float range": "NUMBER",
    "bool": "BOOLEAN",
    "path": "PATH",
    "file": "FILE",
    "dir": "DIRECTORY",
    "datetime": "DATETIME",
    "UUID": "UUID",
}
_DATE_FIELDS = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "HH", "%M": "MM", "%S": "SS"}
_LIST = re.compile(r"^list\[(.*)\]$")


def plain_label(typer_label: str) -> str:
    """``<int>`` -> ``INTEGER``, ``<%Y-%m-%d>`` -> ``YYYY-MM-DD``, ``<list[str]>`` -> ``TEXT``,
    ``<default|seed>`` -> ``default|seed``."""
    label = typer_label.removeprefix("<").removesuffix(">")
    listed = _LIST.match(label)
    if listed:  # a repeatable option: the help says "repeatable", the label names one value
        label = listed.group(1)
    if label in _WORDS:
        return _WORDS[label]
    if "%" in label:
        return re.sub(r"%[YmdHMS]", lambda field: _DATE_FIELDS[field.group()], label)
    return label


def _option_label(self: TyperOption, ctx: typer.Context) -> str | None:
    if self.metavar is not None:
        return self.metavar
    if self.is_flag or self.count:  # a switch takes no value: nothing to label
        return None
    return plain_label(self.display_type(ctx))


def _argument_label(self: TyperArgument, ctx: typer.Context) -> str | None:
    return plain_label(self.display_type(ctx))


def _argument_name(self: TyperArgument) -> str:
    return self.metavar if self.metavar is not None else (self.name or "").upper()


def _argument_usage(self: TyperArgument) -> str:
    name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
    return f"{name}..." if self.nargs != 1 else name


def install() -> None:
    """Make every Typer help page use these labels (idempotent)."""
    TyperOption.display_type_rich = _option_label  # type: ignore[method-assign,assignment]
    TyperArgument.display_type_rich = _argument_label  # type: ignore[method-assign,assignment]
    TyperArgument.display_name_raw = property(_argument_name)  # type: ignore[method-assign,assignment]
    TyperArgument._usage_display_name = _argument_usage  # type: ignore[method-assign]
