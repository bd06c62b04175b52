"""The one place configuration lives: paths and limits, overridable by PLANGRAPH_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import get_type_hints

from ingest.paths import DATA_DIR, work_dir


class SettingsError(ValueError):
    """A PLANGRAPH_* variable that cannot be read; names the variable and what it expects."""


@dataclass(frozen=True)
class Settings:
    """Every setting plangraph reads. Each field can be set by the environment variable
    PLANGRAPH_<FIELD> (upper case), e.g. PLANGRAPH_STORE=/srv/plangraph/store."""

    corpus: Path = DATA_DIR / "plans" / "corpus.toml"  # the corpus's metadata file
    store: Path = field(default_factory=lambda: work_dir() / "var" / "store")  # pyoxigraph store
    graphs: Path = field(default_factory=lambda: work_dir() / "graphs")  # the published TriG
    departments: Path = DATA_DIR / "departments.toml"  # department registry
    lexicon: Path = DATA_DIR / "ownership_lexicon.toml"  # owner-inference cues
    upstream: Path = DATA_DIR / "upstream" / "national-women-outline-2021-2030.tsv"  # the outline
    endpoint: str | None = None  # a remote SPARQL endpoint to query instead of the store
    host: str = "127.0.0.1"  # where `plangraph serve` listens
    port: int = 8000
    timeout: float = 30.0  # seconds before a query is stopped
    max_rows: int = 10_000  # rows (or triples) in one answer; the answer says when it is cut
    workers: int = 4  # query processes: at most this many queries run at once
    demote_after: float = 0.02  # seconds a query runs before its process is niced (0: never)
    jobs: int = 0  # processes parsing documents in a build (0: one per core)
    max_waiting: int = 64  # queries that may wait for a process; beyond that, 503 at once
    max_body: int = 1_000_000  # bytes in a request body (413 beyond)
    max_url: int = 8_192  # bytes in a request's path and query string (414 beyond)
    cache_mb: int = 64  # answers (and /sparql responses) kept until the next build (0: none)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then PLANGRAPH_* variables, then explicit overrides (None: not given)."""
        env = os.environ if environ is None else environ
        hints = get_type_hints(cls)
        values: dict[str, object] = {}
        for f in fields(cls):
            name = f"PLANGRAPH_{f.name.upper()}"
            raw = env.get(name)
            if raw is not None:
                values[f.name] = _convert(name, raw, hints[f.name])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def _convert(name: str, raw: str, kind: object) -> object:
    if kind is Path:
        return Path(raw)
    if kind in (int, float):
        try:
            value = kind(raw)  # type: ignore[operator]
        except ValueError:
            raise SettingsError(f"{name}={raw!r}: expected a number") from None
        if value < 0:
            raise SettingsError(f"{name}={raw!r}: expected a number, 0 or more")
        return value
    return raw or None
