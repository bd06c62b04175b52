"""Full-text search over goal, measure and key-project text: an SQLite FTS5 index built with
the store, inside the store's generation, so a build's swap replaces both at once. An update of
a few plans (plangraph/update.py) writes their rows into a small delta beside it
(search-delta.sqlite) and leaves the index as the build wrote it: a new generation shares it with
the previous one by a hard link.

Chinese has no spaces between words, so the index uses FTS5's trigram tokenizer: any run of
three or more characters matches as a substring (孕产妇 in 降低孕产妇死亡率). A term of one
or two characters (妇女) is matched with LIKE over the same table, a scan of a few thousand rows
that still takes about a millisecond. Hits are ranked by BM25 (trigram terms) or by how often
and where the terms occur (short terms); snippets mark each match with <mark>.
"""

from __future__ import annotations

import contextlib
import functools
import html
import math
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Store

from ontology.namespaces import PREFIXES
from queryapi.background import Background

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

SEARCH_FILE = "search.sqlite"
MAX_TERMS = 8
CONTEXT_BEFORE, CONTEXT_AFTER = 30, 90
INDEX_QUERY = """
SELECT ?iri ?kind ?plan ?planTitle ?label ?text ?line WHERE {
  { ?plan pg:hasArea/pg:hasGoal ?iri . BIND("goal" AS ?kind) }
  UNION { ?plan pg:hasArea/pg:hasMeasure ?iri . BIND("measure" AS ?kind) }
  UNION { ?plan pg:hasKeyProject ?iri . BIND("project" AS ?kind) }
  ?plan dcterms:title ?planTitle .
  OPTIONAL { ?iri rdfs:label ?label }
  OPTIONAL { ?iri pg:text ?text }
  OPTIONAL { ?iri pg:span/pg:startLine ?line }
}
ORDER BY ?iri
"""


class SearchUnavailable(Exception):
    """No index to search: the store was built before search existed, or there is no store."""


@dataclass(frozen=True)
class Hit:
    """One matching goal, measure or key project."""

    iri: str
    kind: str
    plan: str
    planTitle: str
    label: str | None
    snippet: str
    score: float


@dataclass(frozen=True)
class Found:
    """A page of hits and how many there are in all."""

    total: int
    hits: list[Hit]


COLUMNS = ("iri", "kind", "plan", "planTitle", "label", "text", "line")
INSERT = "INSERT INTO items (iri, kind, plan, plan_title, label, text, line) VALUES (?,?,?,?,?,?,?)"


def index_rows_of(store: Store, plans: list[str] | None = None) -> list[tuple[str, ...]]:
    """The index rows of the store's goals, measures and key projects (of the given plans), by
    IRI: a build's workers ask it of each plan's graph alone, an update of the store."""
    query = INDEX_QUERY
    if plans is not None:
        values = " ".join(f"<{p}>" for p in plans)
        query = query.replace("WHERE {", f"WHERE {{\n  VALUES ?plan {{ {values} }}", 1)
    return [
        tuple(s[v].value if s[v] is not None else "" for v in COLUMNS)
        for s in store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
    ]


SCHEMA = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS {db}items USING fts5(label, text, iri UNINDEXED,"
    " kind UNINDEXED, plan UNINDEXED, plan_title UNINDEXED, line UNINDEXED, tokenize='trigram')"
)


class IndexWriter:
    """A new search index being written, a fresh file: rows are held as they come (a build adds
    each plan's rows as its worker hands them over) until `start` or `close` writes them.

    A build's writer is `forked`: its rows go to a process of its own, which inserts them and
    optimises the index. A thread would not do: SQLite gives the GIL back at every row and then
    waits for it, so beside a build's busy main thread 506,303 rows took 259 s instead of 11.
    The process is forked before the build has grown (a fork of a 3,000-plan build's full
    process took 5 s) and sent the rows at `start`, once the build's workers are done, so that
    it takes the core they leave."""

    def __init__(self, path: Path, writer: tuple[BaseProcess, Connection] | None = None) -> None:
        self.path = path
        self.rows = 0
        self._waiting: list[tuple[str, ...]] = []
        self._writer, self._pipe = writer or (None, None)  # else rows are inserted at close
        self._sending: Background[list[tuple[str, ...]]] | None = None

    @classmethod
    def forked(cls, path: Path) -> IndexWriter:
        """A writer whose rows are inserted by a process forked now."""
        import multiprocessing  # here: an update never starts one

        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        writer = context.Process(
            target=_index_process, args=(path, theirs, ours), name="index", daemon=True
        )
        writer.start()
        theirs.close()
        return cls(path, (writer, ours))

    def add(self, rows: list[tuple[str, ...]]) -> None:
        """Hold rows (as index_rows_of gives them) for the next start or close."""
        self._waiting.extend(rows)
        self.rows += len(rows)

    def start(self) -> None:
        """Hand the rows held so far to the writing process (sent by a thread: a pipe is full
        long before the process has inserted them); nothing without one."""
        if self._pipe is None or not self._waiting:
            return
        if self._sending is None:
            self._sending = Background(functools.partial(_send_rows, self._pipe), "index")
        self._sending.put(self._waiting)
        self._waiting = []

    def close(self) -> int:
        """Write what waits, merge the index's segments into one and close it; the rows."""
        if self._pipe is None:
            db = _new_index(self.path)
            with db:
                db.executemany(INSERT, self._waiting)
            _finish_index(db)
        else:
            with contextlib.suppress(OSError):  # a broken pipe: the process says why, or died
                self.start()
                if self._sending is not None:
                    self._sending.close()
                self._pipe.send(None)
            try:
                answer = self._pipe.recv()
            except EOFError:
                answer = "the writing process ended without a word (killed?)"
            self._pipe.close()
            assert self._writer is not None
            self._writer.join()
            if answer != "done":
                raise OSError(f"{self.path}: cannot write the search index: {answer}")
        self._waiting = []
        return self.rows


def _send_rows(pipe: Connection, rows: list[tuple[str, ...]]) -> None:
    """Send rows in batches: the process inserts one while the next is pickled."""
    for i in range(0, len(rows), 20000):
        pipe.send(rows[i : i + 20000])


def _new_index(path: Path) -> sqlite3.Connection:
    """A new index file, open; no journal: a failed build deletes the whole generation. No
    merging of segments while rows come (automerge 0): _finish_index merges them all once,
    and the inserts cost a third less."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(SCHEMA.format(db=""))
    db.execute("INSERT INTO items(items, rank) VALUES('automerge', 0)")
    return db


def _finish_index(db: sqlite3.Connection) -> None:
    """Merge the index's segments into one (faster searches) and close it."""
    with db:
        db.execute("INSERT INTO items(items) VALUES('optimize')")
    db.close()


def _index_process(path: Path, pipe: Connection, parents: Connection) -> None:
    """The forked writer: inserts the batches of rows it is sent until None, then finishes the
    index and answers "done" (or the error); it ends when the build does (EOF on the pipe)."""
    parents.close()
    try:
        db = _new_index(path)
        while (rows := pipe.recv()) is not None:
            with db:
                db.executemany(INSERT, rows)
        _finish_index(db)
        pipe.send("done")
    except EOFError:  # the build ended without closing the writer: it failed
        return
    except (OSError, sqlite3.Error) as err:
        pipe.send(f"{type(err).__name__}: {err}")


def build_index(store: Store, path: Path) -> int:
    """Write the search index of the store's goals, measures and key projects; their count."""
    index = IndexWriter(path)
    index.add(index_rows_of(store))
    return index.close()


def delta_path(path: Path) -> Path:
    """The index's delta beside it (search-delta.sqlite): what updates changed since the build."""
    return path.with_name(path.stem + "-delta" + path.suffix)


def update_index(store: Store, path: Path, removed: list[str], added: list[str]) -> int:
    """Record a change of plans (IRIs) in the index's delta, in one SQLite transaction: their
    rows of the index are dropped (table `dropped`) and the added plans' rows, read from the
    store, go into the delta's own items; the index itself is never written after the build,
    so a store generation's copy can share it by a hard link. The count of rows added."""
    rows = index_rows_of(store, added) if added else []
    with sqlite3.connect(delta_path(path)) as db:
        db.execute(SCHEMA.format(db=""))
        db.execute("CREATE TABLE IF NOT EXISTS dropped (plan TEXT PRIMARY KEY)")
        for plan in sorted(set(removed) | set(added)):
            db.execute("INSERT OR IGNORE INTO dropped VALUES (?)", (plan,))
            db.execute("DELETE FROM items WHERE plan = ?", (plan,))
        db.executemany(INSERT, rows)
    db.close()
    return len(rows)


def index_rows(
    path: Path, sql: str, args: list[str], outer: str = "{}", outer_args: Sequence[object] = ()
) -> list[tuple]:
    """The rows of `sql` (a SELECT … FROM items WHERE …) over the index as updates left it: the
    build's rows but for the plans the delta dropped, and the delta's own rows; `outer` is a
    query over them as `({})` (an order and a page, a count), with its own `outer_args`."""
    delta = delta_path(path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if delta.is_file():  # the plans updates changed: their rows from the delta instead
            db.execute("ATTACH DATABASE ? AS delta", (f"file:{delta}?mode=ro",))
            changed = sql.replace("FROM items", "FROM delta.items")  # MATCH, bm25: unqualified
            sql = f"{sql} AND plan NOT IN (SELECT plan FROM delta.dropped) UNION ALL {changed}"
            args = args + args
        return db.execute(outer.format(sql), [*args, *outer_args]).fetchall()
    except sqlite3.OperationalError as err:
        raise SearchUnavailable(f"{path}: {err}; rebuild the store") from None
    finally:
        db.close()


def terms_of(q: str) -> list[str]:
    """The query's terms: whitespace-separated, duplicates dropped, at most MAX_TERMS."""
    return list(dict.fromkeys(q.split()))[:MAX_TERMS]


def _like(term: str) -> str:
    return "%" + re.sub(r"([%_\\])", r"\\\1", term) + "%"


def _snippet(label: str, text: str, pattern: re.Pattern[str]) -> str:
    """The text around the first match (the label when the text has none), HTML-escaped,
    every match wrapped in <mark>."""
    source = text if pattern.search(text) else label
    found = pattern.search(source)
    start = max(0, found.start() - CONTEXT_BEFORE) if found else 0
    end = min(len(source), (found.end() if found else 0) + CONTEXT_AFTER)
    piece = source[start:end]
    out, at = [], 0
    for m in pattern.finditer(piece):
        out.append(html.escape(piece[at : m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        at = m.end()
    out.append(html.escape(piece[at:]))
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(source) else "")


def _score(label: str, text: str, terms: list[str]) -> float:
    hits = sum(3 * label.lower().count(t.lower()) + text.lower().count(t.lower()) for t in terms)
    return round(hits / math.log2(2 + len(text) / 50), 4)


def search(
    path: Path,
    q: str,
    limit: int = 20,
    offset: int = 0,
    plan: str | None = None,
    kind: str | None = None,
) -> Found:
    """The hits for `q` (all its terms must occur), best first, one page of them."""
    terms = terms_of(q)
    if not terms:
        return Found(0, [])
    if not path.is_file():
        raise SearchUnavailable(f"{path.parent}: the store has no search index; rebuild it")
    long_terms = [t for t in terms if len(t) >= 3]
    where, args = [], []
    if long_terms:
        where.append("items MATCH ?")
        args.append(" ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
    for t in terms:
        if len(t) < 3:
            where.append("(label LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\')")
            args += [_like(t), _like(t)]
    if plan:
        where.append("plan = ?")
        args.append(plan)
    if kind:
        where.append("kind = ?")
        args.append(kind)
    rank = "bm25(items, 3.0, 1.0)" if long_terms else "0"
    sql = (
        f"SELECT iri, kind, plan, plan_title, label, text, {rank} AS rank FROM items"
        f" WHERE {' AND '.join(where)}"
    )
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    if long_terms:  # ranked and paged by SQLite: a common word has tens of thousands of hits
        ranked = "SELECT * FROM ({}) ORDER BY round(rank, 4), iri LIMIT ? OFFSET ?"
        page = index_rows(path, sql, args, ranked, (limit, offset))
        total = index_rows(path, sql, args, "SELECT count(*) FROM ({})")[0][0]
        scored = [(round(-r[6], 4), r) for r in page]
    else:  # scored here by how often the short terms occur, the label counting thrice
        rows = index_rows(path, sql, args)
        ranked = sorted(
            ((_score(r[4] or "", r[5] or "", terms), r) for r in rows),
            key=lambda x: (-x[0], x[1][0]),
        )
        total, scored = len(ranked), ranked[offset : offset + limit]
    hits = [
        Hit(r[0], r[1], r[2], r[3], r[4] or None, _snippet(r[4] or "", r[5] or "", pattern), s)
        for s, r in scored
    ]
    return Found(total, hits)
