"""Where the data the program needs at run time lives: data/ in a checkout, or the same files
installed as package data (plangraph/data) by `pip install`."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The installed package data when present (a wheel), else the checkout's data/."""
    installed = ROOT / "plangraph" / "data"
    return installed if (installed / "plans" / "corpus.toml").is_file() else ROOT / "data"


DATA_DIR = data_dir()


def work_dir() -> Path:
    """Where the store and graphs/ go by default: the checkout, or (installed from a wheel) the
    folder plangraph is run from."""
    return ROOT if (ROOT / "pyproject.toml").is_file() else Path.cwd()
