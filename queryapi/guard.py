"""What a SPARQL request may run: its form, and a refusal for updates and for SERVICE.

The check runs before any engine sees the text: pyoxigraph would make a SERVICE request itself,
invisibly to Python. Strings, IRIs and comments are set aside; in what remains, any `SERVICE`
that does not sit inside a variable or the local part of a prefixed name refuses the query. The
rule is deliberately wider than the grammar (pyoxigraph reads `SERVICE:x` as the keyword), and a
codepoint escape (\\u0053ERVICE) is decoded and checked too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ontology.namespaces import PREFIXES

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD")

_OPAQUE = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|\#[^\n\r]*"
)
_TOKEN = re.compile(
    r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
    rf"|(?P<opaque>{_OPAQUE})"
    r"|(?P<name>[?$]\w+|_:[\w.\-]*|@[A-Za-z]+(?:-[A-Za-z0-9]+)*|(?:[^\W\d][\w.\-]*)?:(?:[\w:%.\-]|\\.)*)"
    r"|(?P<word>[^\W\d]\w*)"
    r"|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\S",
    re.DOTALL,
)
_SERVICE = re.compile("service", re.IGNORECASE)
_NAME_CHARS = re.compile(r"[\w.\-:%]*$")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class QueryRefused(Exception):
    """A request this endpoint will not run; `code` names the rule that refused it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CheckedQuery:
    """A query that may run: its text, its form (None when it cannot be told, so the engine
    reports the syntax error) and the dataset it names itself (FROM and FROM NAMED IRIs)."""

    text: str
    form: str | None
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        """Whether the query names its own dataset, which then replaces the union default."""
        return bool(self.from_graphs or self.from_named)


@dataclass(frozen=True)
class _Token:
    kind: str  # iri, name, word or other
    text: str


@dataclass(frozen=True)
class _Scan:
    tokens: list[_Token]  # everything but strings and comments
    residue: str  # the text with strings, IRIs and comments blanked

    @property
    def words(self) -> list[str]:
        return [t.text.upper() for t in self.tokens if t.kind == "word"]


def _scan(text: str) -> _Scan:
    tokens: list[_Token] = []
    parts: list[str] = []
    for m in _TOKEN.finditer(text):
        if m.group("opaque"):
            parts.append(" ")
            continue
        kind = m.lastgroup or "other"
        tokens.append(_Token(kind, m.group(0)))
        parts.append(" " if kind == "iri" else m.group(0))
    return _Scan(tokens, " ".join(parts))


@dataclass(frozen=True)
class _Dataset:
    graphs: list[str]  # after FROM
    named: list[str]  # after FROM NAMED


def _dataset(tokens: list[_Token]) -> _Dataset:
    """The IRIs after FROM and after FROM NAMED, prefixed names expanded."""
    prefixes = dict(PREFIXES)
    dataset = _Dataset([], [])
    for i, token in enumerate(tokens):
        word = token.text.upper() if token.kind == "word" else ""
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text.rstrip(":")] = tokens[i + 2].text[1:-1]
        if word != "FROM":
            continue
        rest = tokens[i + 1 : i + 3]
        named = bool(rest) and rest[0].text.upper() == "NAMED"
        rest = rest[1:] if named else rest[:1]
        if not rest:
            continue
        target = rest[0]
        into = dataset.named if named else dataset.graphs
        if target.kind == "iri":
            into.append(target.text[1:-1])
        elif target.kind == "name" and ":" in target.text:
            prefix, _, local = target.text.partition(":")
            if prefix in prefixes:
                into.append(prefixes[prefix] + re.sub(r"\\(.)", r"\1", local))
    return dataset


def _names_a_service(residue: str) -> bool:
    """True if `service` occurs anywhere but inside a variable or a prefixed name's local part."""
    for m in _SERVICE.finditer(residue):
        before = _NAME_CHARS.search(residue, 0, m.start())
        lead = residue[before.start() : m.start()] if before else ""
        sigil = residue[before.start() - 1] if before and before.start() > 0 else ""
        if ":" not in lead and sigil not in "?$":
            return True
    return False


def _decoded(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _ESCAPE.sub(one, text)


def check_query(text: str) -> CheckedQuery:
    """The query's form, or QueryRefused for an update or anything that could reach a server."""
    scans = [_scan(text)]
    if "\\" in text:
        scans.append(_scan(_decoded(text)))
    if any(_names_a_service(s.residue) for s in scans):
        raise QueryRefused(
            "service-refused",
            "SERVICE is not allowed: this endpoint never queries other servers; "
            "run federated queries from your own client",
        )
    words = scans[0].words
    update = next((w for w in words if w in UPDATE_KEYWORDS), None)
    form = next((w for w in words if w in FORMS), None)
    if update and (form is None or words.index(update) < words.index(form)):
        raise QueryRefused(
            "update-refused",
            f"updates are not supported ({update}): this endpoint is read-only; "
            "rebuild the store with `plangraph build` to change the data",
        )
    dataset = _dataset(scans[0].tokens)
    return CheckedQuery(text, form, tuple(dataset.graphs), tuple(dataset.named))


def with_row_limit(query: CheckedQuery, limit: int) -> str | None:
    """A SELECT query's text made to stop after `limit` rows, when its tokens say for sure how:
    unchanged when its own top-level LIMIT is at most `limit`, with `LIMIT limit` appended after
    its solution modifiers when it has no LIMIT; None otherwise (not a SELECT, a trailing
    VALUES, a larger LIMIT, unbalanced braces), and the caller caps the rows itself."""
    if query.form != "SELECT":
        return None
    tokens = _scan(query.text).tokens
    depth, tail_start = 0, None
    for i, token in enumerate(tokens):
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                tail_start = i + 1
        elif depth == 0 and token.kind == "word" and token.text.upper() == "VALUES":
            return None  # a trailing VALUES block: the LIMIT would have to go before it
    if depth != 0 or tail_start is None:
        return None
    tail = tokens[tail_start:]
    words = [t.text.upper() for t in tail if t.kind == "word"]
    if any(w in FORMS for w in words):
        return None
    if "LIMIT" in words:
        at = next(i for i, t in enumerate(tail) if t.kind == "word" and t.text.upper() == "LIMIT")
        given = tail[at + 1].text if at + 1 < len(tail) else ""
        return query.text if given.isdigit() and int(given) <= limit else None
    return f"{query.text}\nLIMIT {limit}\n"  # on its own line: the text may end in a comment
