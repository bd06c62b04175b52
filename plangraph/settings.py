"""The one place configuration lives: paths and limits, overridable by PLANGRAPH_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Every setting plangraph reads. Each field can be set by the environment variable
    PLANGRAPH_<FIELD> (upper case), e.g. PLANGRAPH_STORE=/srv/plangraph/store."""

    corpus: Path = ROOT / "data" / "plans" / "corpus.toml"  # the corpus's metadata file
    store: Path = ROOT / "var" / "store"  # the on-disk pyoxigraph store
    graphs: Path = ROOT / "graphs"  # the published TriG dataset
    departments: Path = ROOT / "data" / "departments.toml"  # department registry
    lexicon: Path = ROOT / "data" / "ownership_lexicon.toml"  # owner-inference cues

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then PLANGRAPH_* variables, then explicit overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"PLANGRAPH_{f.name.upper()}")
            if raw is not None:
                values[f.name] = Path(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
