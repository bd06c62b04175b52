"""Reading the configuration files (corpus, registry, lexicon): one-line errors naming the file,
the PLANGRAPH_* variable that points at it and the fix."""

from __future__ import annotations

import tomllib
from pathlib import Path


class ConfigError(ValueError):
    """A configuration file that cannot be used: ``FILE: what is wrong; what to do``."""


def read_toml(path: Path, variable: str) -> dict:
    """The TOML table in a configuration file, or a ConfigError saying what to fix."""
    fix = f"set {variable} to a TOML file or unset it for the shipped one"
    if not path.exists():
        raise ConfigError(f"{path}: no such file; {fix}")
    if path.is_dir():
        raise ConfigError(f"{path}: is a directory; {fix}")
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not TOML ({err}); {fix}") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot be read ({err.strerror}); {fix}") from None


def shape_error(path: Path, variable: str, err: Exception) -> ConfigError:
    """A ConfigError for a file that is TOML but not of the expected shape."""
    return ConfigError(
        f"{path}: not a valid {variable.removeprefix('PLANGRAPH_').lower()} file ({err}); "
        f"fix it after the shipped one's header, or unset {variable}"
    )
