"""``python -m frontier``."""

from frontier.cli.main import app

app(prog_name="frontier")
