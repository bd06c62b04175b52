"""The one error type of the ingest stage: names the file, the place and what was expected."""

from __future__ import annotations


class PlanError(Exception):
    """A document that cannot be read as a plan.

    str(err) is one line: ``FILE[:LINE]: what is wrong; what was expected``.
    """

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.message = message
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type[PlanError], tuple[str, str, int | None]]:
        """Pickle by the fields, so the error crosses from a build process intact."""
        return (PlanError, (self.path, self.message, self.line))
