"""``python -m pubconv``: the command-line interface."""

from .cli import run

run()
