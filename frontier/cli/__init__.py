"""The ``frontier`` command line: one Typer sub-app per domain (see main.py)."""

from frontier.cli import help_format

help_format.install()
