"""Clean a reader's text for parsing while keeping a map back to every original character.

Removes conversion debris (Word footnote and bookmark markers, PDF page numbers, running
headers, footnote lines and superscripts, the table of contents) and joins sentences that page
breaks or hard wrapping split. Footnote bodies are kept as notes and their markers as positions,
so the structure stage can attach each note to the item it annotates.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from ingest.textmap import TextMap

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")

# Full-width ASCII variants and the ideographic space fold one-to-one to ASCII, so a folded text
# has the same offsets as the clean text it was folded from.
FOLD = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {0x3000: " ", 0xA0: " "}
_FOLDED = re.compile("[\uff01-\uff5e\u3000\xa0]")  # the keys of FOLD
_FOLD_CHARS = {chr(c): f for c, f in FOLD.items()}


def fold(text: str) -> str:
    """text.translate(FOLD), several times quicker on Chinese text (str.translate looks every
    character up in the table; this only the few full-width ones)."""
    return _FOLDED.sub(lambda m: _FOLD_CHARS[m.group()], text)


# CJK Radicals Supplement code points that PDF producers (Chromium's Skia with Noto CJK, Word)
# write for the simplified ideographs sharing their glyph; Unicode gives them no decomposition.
_RADICAL_SUPPLEMENT = dict(
    zip(
        map(
            ord,
            "⺌⺍⺟⺠⺧⺩⺫⺮⺷⺻⺽⻁⻄⻅⻆⻉⻊⻋⻑⻓⻔⻗⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
        ),
        "小小母民牛王目竹羊聿臼虎西见角贝足车長长门雨青韦页风飞食马骨鬼鱼鸟卤麦黄黾齐齿龙龟",
        strict=True,
    )
)
# Kangxi radicals whose NFKC form is traditional where simplified text has another ideograph.
_KANGXI_SIMPLIFIED = {0x2F3E: "户"}
# CJK fonts draw the em dash and the horizontal bar with one glyph; producers write either.
_DASH_ALIASES = {0x2015: "—"}


def _ideograph_folds() -> dict[int, str]:
    """Radical and compatibility code points → the one ideograph each stands for (NFKC).

    One character for one, so that folding keeps every offset of the decoded text.
    """
    table: dict[int, str] = {}
    ranges = (range(0x2F00, 0x2FD6), range(0xF900, 0xFB00), range(0x2F800, 0x2FA20))
    for code in itertools.chain(*ranges):
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    return table | _RADICAL_SUPPLEMENT | _KANGXI_SIMPLIFIED | _DASH_ALIASES


IDEOGRAPH_FOLD = _ideograph_folds()
# The blocks of every character IDEOGRAPH_FOLD changes (radicals, compatibility ideographs, the
# horizontal bar): most documents have none, and then need no translation. Ranges, not the
# characters one by one, so that the search is quick.
_IDEOGRAPH_FOLDED = re.compile("[\u2015\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")

TERMINAL = "。！？；：!?;:"
CLOSERS = "”’」』）)]"

_NEWLINES = re.compile(r"\r\n?")
_WORD_MARKER = re.compile(
    r"[ \t]*\[(?P<body>\d+):(?P<text>[^\[\]\n]*)\]"  # inline footnote body [3: …]
    r"|\[footnoteRef:(?P<ref>\d+)\]"  # footnote reference
    r"|\[bookmark:[^\]\n]*\]"
)
_PDF_NOTE_LINE = re.compile(rf"^[ \t]*(?P<mark>[{SUPERSCRIPTS}]+)[ \t]*(?P<text>\S.*)$", re.M)
_SUPER_MARK = re.compile(rf"[{SUPERSCRIPTS}]+")
_PAGE_NUMBER = re.compile(
    r"^[ \t]*(?:[—–\-－]{1,2}[ \t]*\d{1,4}[ \t]*[—–\-－]{1,2}"
    r"|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*共[ \t]*\d{1,4}[ \t]*页)?)[ \t]*$",
    re.M,
)
_FORM_FEED = re.compile(r"\f")
_TOC_LINE = re.compile(r"^.*(?:\.{3,}|…{2,}|·{3,}|\.{2,}\s*…)[ \t]*\d*[ \t]*$", re.M)
_TOC_LEADER = re.compile(r"\.{2}|…{2}|·{3}")  # what every _TOC_LINE holds
_TOC_TITLE = re.compile(r"^[ \t]*目[ \t\u3000]*录[ \t]*$", re.M)
_TRAILING_SPACE = re.compile(r"[ \t\u3000]+$", re.M)

# A line that starts a structural element is never joined to the line before it.
STRUCTURE_START = re.compile(
    r"^\s*(?:\d+\s*[.、．](?!\d)|[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+[、．.]"
    r"|(?:主要目标|策略措施|序\s*言|前\s*言)\s*[:：]?\s*$)"
)


@dataclass(frozen=True)
class RawNote:
    """A footnote body found while cleaning: its marker digits, text and original offsets."""

    marker: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Marker:
    """Where a footnote marker stood in the original text."""

    marker: str
    offset: int


@dataclass(frozen=True)
class Cleaned:
    """The output of normalisation: a clean text mapped to the original, with notes and markers."""

    text: TextMap
    notes: tuple[RawNote, ...]
    markers: tuple[Marker, ...]

    @cached_property
    def folded(self) -> str:
        """The clean text with full-width forms folded to ASCII, for pattern matching (once)."""
        return fold(self.text.text)


def normalise(raw: str) -> Cleaned:
    """Clean a document's decoded text; every clean character maps back to the original."""
    tm = TextMap.identity(raw)
    if _IDEOGRAPH_FOLDED.search(raw):
        tm = tm.translate(IDEOGRAPH_FOLD)
    tm = tm.sub(_NEWLINES, "\n")
    notes: list[RawNote] = []
    markers: list[Marker] = []

    def word(m: re.Match[str]) -> str:
        if m.group("body") is not None:
            start, end = tm.original(m.start(), m.end())
            notes.append(RawNote(m.group("body"), m.group("text").strip(), start, end))
        elif m.group("ref") is not None:
            markers.append(Marker(m.group("ref"), tm.starts[m.start()]))
        return ""

    tm = tm.sub(_WORD_MARKER, word)

    def pdf_note(m: re.Match[str]) -> str:
        start, end = tm.original(m.start(), m.end())
        notes.append(
            RawNote(m.group("mark").translate(_SUPER_TO_DIGIT), m.group("text").strip(), start, end)
        )
        return ""

    tm = tm.sub(_PDF_NOTE_LINE, pdf_note)

    def super_mark(m: re.Match[str]) -> str:
        markers.append(Marker(m.group().translate(_SUPER_TO_DIGIT), tm.starts[m.start()]))
        return ""

    tm = tm.sub(_SUPER_MARK, super_mark)
    tm = _drop_running_lines(tm)
    tm = _drop_page_furniture(tm)
    tm = _drop_toc(tm)
    tm = tm.sub(_TRAILING_SPACE, "")
    tm = _join_broken_lines(tm)
    notes.sort(key=lambda n: n.start)
    markers.sort(key=lambda m: m.offset)
    return Cleaned(tm, tuple(notes), tuple(markers))


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _drop_page_furniture(tm: TextMap) -> TextMap:
    """Drop page numbers, form feeds and the running headers or footers next to them."""
    text = tm.text
    breaks = [m.span() for m in _PAGE_NUMBER.finditer(text)]
    breaks += [m.span() for m in _FORM_FEED.finditer(text)]
    if not breaks:
        return tm
    lines = _line_spans(text)
    starts = [a for a, _ in lines]
    neighbours: list[tuple[int, int]] = []
    for a, _b in breaks:
        i = _line_index(starts, a)
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines) and not text[lines[j][0] : lines[j][1]].strip():
                j += step
            if 0 <= j < len(lines):
                neighbours.append(lines[j])
    counts = Counter(text[a:b].strip() for a, b in set(neighbours))  # each line once
    furniture = {
        t
        for t, n in counts.items()
        if n >= 2 and len(t) <= 40 and not STRUCTURE_START.match(t) and t[-1:] not in TERMINAL
    }
    drop = [(a, b + 1) for a, b in neighbours if text[a:b].strip() in furniture]
    drop += [(a, b) for a, b in breaks]
    return tm.delete(_merge(drop))


EDGE_LINES = 3  # lines at a page's top and bottom that may be running headers or footers
_DIGITS = re.compile(r"\d+")


def _page_edges(text: str) -> list[list[tuple[int, int]]]:
    """Per page (pages split at form feeds), the spans of its first and last non-blank lines."""
    edges: list[list[tuple[int, int]]] = []
    page: list[tuple[int, int]] = []
    for a, b in [*_line_spans(text), (len(text), len(text))]:
        line = text[a:b]
        if "\f" in line or a == len(text):
            edges.append(page[:EDGE_LINES] + page[EDGE_LINES:][-EDGE_LINES:])
            page = []
        elif line.strip():
            page.append((a, b))
    return edges


def _running_key(line: str) -> str:
    """A line compared across pages: no spaces, numbers masked (page 3/39 is page 4/39)."""
    return _DIGITS.sub("#", re.sub(r"\s+", "", line))


def _drop_running_lines(tm: TextMap) -> TextMap:
    """Drop running headers and footers: lines at the edges of at least half of the pages.

    Browsers print a date, the title and the file's address with a page count on every page;
    office suites a title or page numbers. The first page's top lines stay (they are the title).
    """
    text = tm.text
    edges = _page_edges(text)
    if len(edges) < 2:
        return tm
    counts = Counter(k for page in edges for k in {_running_key(text[a:b]) for a, b in page})
    least = max(2, (len(edges) + 1) // 2)
    drop = []
    for number, page in enumerate(edges):
        for i, (a, b) in enumerate(page):
            line = text[a:b].strip()
            if number == 0 and i < EDGE_LINES:
                continue
            running = counts[_running_key(line)] >= least and len(line) <= 100
            if running and not STRUCTURE_START.match(line):
                drop.append((a, min(b + 1, len(text))))
    return tm.delete(_merge(drop)) if drop else tm


def _line_index(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(set(ranges)):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _toc_lines(text: str) -> list[re.Match[str]]:
    """_TOC_LINE.finditer(text), trying only the lines that hold a leader.

    A match starts at a line start and its leader begins on that line, so only lines holding
    one can start a match; trying the others (`^.*` backtracks along each) is most of the cost.
    """
    found: list[re.Match[str]] = []
    done = 0
    for leader in _TOC_LEADER.finditer(text):
        start = text.rfind("\n", 0, leader.start()) + 1
        if start < done:
            continue
        m = _TOC_LINE.match(text, start)
        if m:
            found.append(m)
            done = m.end()
        else:
            done = start + 1  # this line starts no match
    return found


def _drop_toc(tm: TextMap) -> TextMap:
    """Drop a table of contents: its title and the dot-leader lines after it."""
    text = tm.text
    drop = [(m.start(), min(m.end() + 1, len(text))) for m in _toc_lines(text)]
    if not drop:
        return tm
    drop += [(m.start(), m.end()) for m in _TOC_TITLE.finditer(text[: drop[0][0]])]
    return tm.delete(_merge(drop))


def _wrap_width(lengths: list[int]) -> int | None:
    """The width a hard-wrapped text was wrapped at, if most lines share one length."""
    candidates = [n for n in lengths if 16 <= n <= 90]
    if len(candidates) < 20:
        return None
    width, count = Counter(candidates).most_common(1)[0]
    return width if count >= 0.25 * len(lengths) else None


def _join_broken_lines(tm: TextMap) -> TextMap:
    """Join a line to the next when a page break or hard wrap cut the sentence between them."""
    text = tm.text
    lines = _line_spans(text)
    nonblank = [(a, b) for a, b in lines if b > a and text[a:b].strip()]
    width = _wrap_width([b - a for a, b in nonblank])
    drop: list[tuple[int, int]] = []
    for (a, b), (c, _d) in itertools.pairwise(nonblank):
        line = text[a:b].strip()
        nxt = text[c:_d]
        long_line = len(line) >= 60 or (width is not None and len(line) >= 0.9 * width)
        if long_line and not ends_sentence(line) and not STRUCTURE_START.match(nxt):
            drop.append((b, c + len(nxt) - len(nxt.lstrip())))
    return tm.delete(drop) if drop else tm


def ends_sentence(line: str) -> bool:
    """True when a line ends with sentence-final punctuation (maybe inside closing quotes)."""
    line = line.rstrip(CLOSERS) if len(line) > 1 and line[-2:-1] in TERMINAL else line
    return line[-1:] in TERMINAL
