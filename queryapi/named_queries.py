"""Named SPARQL queries read from `.rq` files: the REST API's own (`queryapi/rest/`) and the
analysts' cookbook (`queries/`), each with `# question:` and `# parameters:` header lines.

A cookbook query states its parameters as a `VALUES` line of defaults; here that line is taken
out, and a caller's values are bound as a VALUES block of terms pyoxigraph writes
(queryapi.answer.bound_text), never as raw text. A parameter's type is its default's: an IRI,
an integer, a decimal or a (language-tagged) string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from queryapi.guard import CheckedQuery, check_query
from queryapi.workers import Term

REST_DIR = Path(__file__).resolve().parent / "rest"
XSD = "http://www.w3.org/2001/XMLSchema#"
_HEADER = re.compile(r"^#\s*(question|parameters):\s*(.*)$", re.MULTILINE)
_VALUES = re.compile(r"^\s*VALUES\s+(\(?[?$][^{]*)\{\s*\(?(.*?)\)?\s*\}\s*$", re.MULTILINE)
_TERM = re.compile(r'<([^>]*)>|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z-]+))?|([+-]?\d+\.\d+)|([+-]?\d+)')


class ParameterError(ValueError):
    """A value that does not fit its parameter's type; names the parameter and the type."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a named query: its variable, type, default and what it means."""

    name: str
    type: str  # "iri", "integer", "decimal" or "string"
    default: str | None = None
    language: str | None = None  # the language tag a string is bound with
    description: str = ""

    def term(self, raw: str) -> Term:
        """The value as the RDF term this parameter takes, or ParameterError."""
        if self.type == "iri":
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*", raw):
                raise ParameterError(f"{self.name}={raw!r}: expected an absolute IRI")
            return Term("iri", raw)
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", raw.strip()):
                raise ParameterError(f"{self.name}={raw!r}: expected an integer")
            return Term("literal", str(int(raw)), XSD + "integer")
        if self.type == "decimal":
            try:
                value = Decimal(raw.strip())
            except InvalidOperation:
                raise ParameterError(f"{self.name}={raw!r}: expected a decimal number") from None
            if not value.is_finite():
                raise ParameterError(f"{self.name}={raw!r}: expected a finite decimal number")
            return Term("literal", format(value, "f"), XSD + "decimal")
        if "\x00" in raw:
            raise ParameterError(f"{self.name}: a string without NUL characters expected")
        return Term("literal", raw, language=self.language)


@dataclass(frozen=True)
class NamedQuery:
    """A query ready to run with bound parameters: its name, question, parameters and text."""

    name: str
    question: str
    parameters: tuple[Parameter, ...]
    query: CheckedQuery
    path: Path

    def bind(self, values: dict[str, str]) -> tuple[tuple[str, Term], ...]:
        """Substitutions for the given values, defaults for the others (ParameterError)."""
        known = {p.name for p in self.parameters}
        unknown = sorted(set(values) - known)
        if unknown:
            expected = ", ".join(sorted(known)) or "none"
            raise ParameterError(f"{unknown[0]}: no such parameter; expected {expected}")
        out = []
        for p in self.parameters:
            raw = values.get(p.name, p.default)
            if raw is not None:
                out.append((p.name, p.term(raw)))
        return tuple(out)


def _headers(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2).strip() for m in _HEADER.finditer(text)}


def _descriptions(header: str) -> dict[str, str]:
    """Each `?name …` piece of a `# parameters:` header, by name."""
    pieces = re.split(r",\s*(?=\?)", header)
    out = {}
    for piece in pieces:
        m = re.match(r"\?(\w+)\s*(.*)", piece.strip())
        if m:
            out[m.group(1)] = m.group(2).strip(" —-")
    return out


def _default(m: re.Match[str]) -> tuple[str, str, str | None]:
    iri, string, lang, decimal, integer = m.groups()
    if iri is not None:
        return "iri", iri, None
    if string is not None:
        return "string", re.sub(r"\\(.)", r"\1", string), lang
    if decimal is not None:
        return "decimal", decimal, None
    return "integer", integer, None


def load_query(path: Path, template: bool = False) -> NamedQuery:
    """A named query from its file. With `template`, the parameters are the variables of its
    first VALUES line (a cookbook query); otherwise those its `# parameters:` line names."""
    text = path.read_text(encoding="utf-8")
    headers = _headers(text)
    described = _descriptions(headers.get("parameters", ""))
    parameters: list[Parameter] = []
    if template and (values := _VALUES.search(text)):
        names = re.findall(r"[?$](\w+)", values.group(1))
        defaults = [_default(m) for m in _TERM.finditer(values.group(2))]
        if len(defaults) != len(names):
            raise ValueError(f"{path}: the VALUES line binds {len(names)} variables, not one row")
        for name, (kind, default, lang) in zip(names, defaults, strict=True):
            parameters.append(Parameter(name, kind, default, lang, described.get(name, "")))
        text = text[: values.start()] + text[values.end() + 1 :]
    elif not template:
        parameters = [Parameter(name, "iri", description=d) for name, d in described.items()]
    return NamedQuery(
        path.stem, headers.get("question", ""), tuple(parameters), check_query(text), path
    )


def load_folder(folder: Path, template: bool = False) -> dict[str, NamedQuery]:
    """Every `.rq` file of a folder by name (none when the folder is absent)."""
    if not folder.is_dir():
        return {}
    return {p.stem: load_query(p, template) for p in sorted(folder.glob("*.rq"))}
