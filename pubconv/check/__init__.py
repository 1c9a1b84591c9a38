"""``pubconv check``: validate citation files with stable rule codes (issue 4).

The public surface: :func:`check_text` (one decoded text), :func:`check_paths`
(files and directories, cross-file duplicates), :data:`RULES` (the rule table),
:class:`Config` / :func:`load_config` (``[tool.pubconv.check]``) and :func:`render`
(text, json, github and sarif output).

.. versionadded:: 0.2
"""

from __future__ import annotations

from . import config as config
from .config import Config, ConfigError, load_config
from .engine import CheckReport, check_paths, check_text, iter_citation_files
from .output import FORMATS, render
from .rules import RULES, Rule

__all__ = [
    "FORMATS",
    "RULES",
    "CheckReport",
    "Config",
    "ConfigError",
    "Rule",
    "check_paths",
    "check_text",
    "iter_citation_files",
    "load_config",
    "render",
]
