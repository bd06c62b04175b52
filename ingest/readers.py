"""Readers: one document file (.txt .md .docx .html .pdf) → its decoded text and a map back.

Each reader returns a `SourceText` whose `text` is what every later offset indexes into (Unicode
code points) and whose `blocks` say where each stretch of it came from in the original file.
Readers only decode and extract; they never clean: line endings, page furniture, conversion
markers and the like are left for the normaliser, which keeps its own map back to this text.

Conventions shared with the normaliser (they are those of the Word-converted plan panyu.txt):

* a footnote reference is written ``[footnoteRef:N]`` where it stands;
* a Word footnote's body is appended to its paragraph's line as `` [N: body] `` (with the
  leading space Word puts after the footnote mark kept, so a body usually reads ``[N:  …]``);
  an HTML footnote body (an element with id ``fnN``) becomes a line of its own, ``[N: body]``;
* a Word bookmark is written ``[bookmark: NAME]``;
* PDF pages are joined with ``"\\n\\f\\n"``, the form feed marking the page break.

Every failure is a `PlanError` naming the file, with a one-line message saying what is wrong
and what was expected; no zipfile, XML, codec or pypdf exception leaks out.
"""

from __future__ import annotations

import codecs
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from ingest.errors import PlanError
from ingest.model import Block, SourceText

MAX_FILE_BYTES = 100 * 1024 * 1024  # any input file
MAX_PART_BYTES = 50 * 1024 * 1024  # any one member of a .docx archive, as declared and as read
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024  # all members of a .docx archive together, as declared
MAX_RATIO = 200  # uncompressed / compressed size of a .docx member larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000
MIN_ARTICLE_CJK = 200  # CJK characters an HTML page's article must have

TEXT_EXPECTED = "expected a UTF-8 or GB18030 text document"
DOCX_EXPECTED = "expected a Word .docx document"
HTML_EXPECTED = "expected an HTML page with the plan's text"
PDF_EXPECTED = "expected a PDF with selectable text"


def read_source(path: Path) -> SourceText:
    """Read one plan document into its decoded text, choosing the reader by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        shown = f"'{suffix}'" if suffix else "without a suffix"
        raise PlanError(
            str(path), f"unsupported format {shown}; expected .txt, .md, .docx, .html or .pdf"
        )
    data = _read_bytes(path)
    try:
        source = reader(path, data)
    except RecursionError as err:  # hostile nesting in XML or HTML
        raise PlanError(
            str(path), f"markup nested too deeply; expected a plan document in {suffix} format"
        ) from err
    if not source.text.strip():
        raise PlanError(str(path), "empty document, expected a plan's text")
    return source


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing unreadable or oversized files with a PlanError."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PlanError(
                str(path),
                f"file too large ({size // (1024 * 1024)} MB); expected a plan document of at "
                f"most {MAX_FILE_BYTES // (1024 * 1024)} MB",
            )
        return path.read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise PlanError(
            str(path), f"cannot read the file ({reason}); expected a readable plan document"
        ) from err


def _one_line(err: BaseException, limit: int = 160) -> str:
    """An exception's message squeezed onto one short line, for use inside a PlanError."""
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- plain text

_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1a") + b"\x7f"
_BINARY_CONTROL_SHARE = 0.02


def _looks_binary(data: bytes) -> bool:
    """True for bytes that are no text document: NUL bytes or many control characters."""
    if b"\x00" in data:
        return True
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls > _BINARY_CONTROL_SHARE * len(data)


def _mostly_utf8(data: bytes) -> bool:
    """True when bytes that are not valid UTF-8 are still nearly all UTF-8 (a few bad bytes).

    GB18030 text read as UTF-8 fails on almost every character; damaged UTF-8 on a few.
    """
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd")
    multibyte = sum(1 for c in loose if c > "\x7f") - bad
    return multibyte >= 10 * bad


def _decode_text(path: Path, data: bytes) -> str:
    """Decode a text file: UTF-8 (BOM stripped) or else GB18030, refusing binary data."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if _looks_binary(data):
        raise PlanError(str(path), f"binary file, {TEXT_EXPECTED}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        utf8_error = err
    # Text that is nearly all valid UTF-8 is damaged UTF-8, not GB18030: decoding it as GB18030
    # might succeed and silently give nonsense.
    if _mostly_utf8(data):
        raise PlanError(
            str(path),
            f"invalid UTF-8 at byte {utf8_error.start}; {TEXT_EXPECTED}",
        ) from utf8_error
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as err:
        share = data.decode("gb18030", errors="replace").count("\ufffd") / max(len(data), 1)
        if share > 0.01:
            raise PlanError(str(path), f"binary file, {TEXT_EXPECTED}") from err
        raise PlanError(
            str(path), f"neither UTF-8 nor GB18030 (bad byte at {err.start}); {TEXT_EXPECTED}"
        ) from err


def _read_text(path: Path, data: bytes) -> SourceText:
    """Read a .txt or .md file; its decoded text is the original, so no blocks are needed."""
    text = _decode_text(path, data)
    fmt = "md" if path.suffix.lower() == ".md" else "txt"
    return SourceText(name=path.name, text=text, format=fmt)


# --------------------------------------------------------------------------- docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_SKIP_IN_RUNS = {
    _W + name
    for name in (
        "pPr",
        "rPr",
        "sectPr",
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "delInstrText",
        "footnoteRef",
        "endnoteRef",
        "fldData",
    )
} | {_MC_FALLBACK}
_NOTE_TYPES_SKIPPED = {"separator", "continuationSeparator", "continuationNotice"}


class _Docx:
    """A .docx archive opened with guards against zip bombs and hostile XML."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise PlanError(
                str(path), f"not a zip archive (damaged or truncated?); {DOCX_EXPECTED}"
            )
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except Exception as err:  # BadZipFile, LargeZipFile, OSError, ValueError …
            raise PlanError(
                str(path), f"damaged zip archive ({_one_line(err)}); {DOCX_EXPECTED}"
            ) from err
        if len(infos) > MAX_MEMBERS:
            raise PlanError(str(path), f"zip archive with {len(infos)} members; {DOCX_EXPECTED}")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MAX_PART_BYTES:
                raise PlanError(
                    str(path),
                    f"archive member {info.filename} would unpack to "
                    f"{info.file_size} bytes (limit {MAX_PART_BYTES}); "
                    f"{DOCX_EXPECTED}, not a zip bomb",
                )
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise PlanError(
                    str(path),
                    f"archive member {info.filename} is compressed "
                    f"{info.file_size // max(info.compress_size, 1)}:1 (limit "
                    f"{MAX_RATIO}:1); {DOCX_EXPECTED}, not a zip bomb",
                )
        if total > MAX_ARCHIVE_BYTES:
            raise PlanError(
                str(path),
                f"archive would unpack to {total} bytes (limit "
                f"{MAX_ARCHIVE_BYTES}); {DOCX_EXPECTED}, not a zip bomb",
            )
        self.names = {info.filename for info in infos}

    def read(self, name: str) -> bytes:
        """A member's bytes, read with a bound so that a lying size header cannot blow memory."""
        try:
            with self.zip.open(name) as member:
                data = member.read(MAX_PART_BYTES + 1)
        except Exception as err:  # BadZipFile, zlib.error, NotImplementedError, EOFError …
            raise PlanError(
                str(self.path), f"damaged archive member {name} ({_one_line(err)}); {DOCX_EXPECTED}"
            ) from err
        if len(data) > MAX_PART_BYTES:
            raise PlanError(
                str(self.path),
                f"archive member {name} unpacks to more than "
                f"{MAX_PART_BYTES} bytes; {DOCX_EXPECTED}, not a zip bomb",
            )
        return data

    def xml(self, name: str) -> ET.Element:
        """A member parsed as XML; documents with a DOCTYPE (entity expansion) are refused."""
        data = self.read(name)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise PlanError(
                str(self.path), f"{name} declares a DOCTYPE or entities; {DOCX_EXPECTED}"
            )
        try:
            return ET.fromstring(data)
        except ET.ParseError as err:
            raise PlanError(
                str(self.path), f"{name} is not well-formed XML ({_one_line(err)}); {DOCX_EXPECTED}"
            ) from err

    def related(self, source: str, kind: str) -> str | None:
        """The member a part's relationship of the given type points to, if any."""
        folder, _, base = source.rpartition("/")
        rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
        if rels not in self.names:
            return None
        for rel in self.xml(rels).iter(_PKG_RELS):
            if rel.get("Type", "").endswith("/" + kind) and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                joined = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else (f"{folder}/{target}" if folder else target)
                )
                return _normpath(joined)
        return None


def _normpath(name: str) -> str:
    """A zip member name with '.' and '..' steps resolved."""
    parts: list[str] = []
    for part in PurePosixPath(name).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _docx_paragraphs(element: ET.Element) -> Iterator[ET.Element]:
    """Every w:p under an element in document order (text-box paragraphs after their holder)."""
    for child in element:
        if child.tag == _MC_FALLBACK:
            continue  # the same content as its mc:Choice, for older readers
        if child.tag == _W + "p":
            yield child
        yield from _docx_paragraphs(child)


def _docx_runs_text(paragraph: ET.Element, refs: list[str]) -> str:
    """The visible text of one paragraph, with footnote and bookmark markers; collects refs."""
    out: list[str] = []

    def walk(element: ET.Element) -> None:
        """Append the text of an element's children in document order."""
        for child in element:
            tag = child.tag
            if tag in _SKIP_IN_RUNS or tag == _W + "p":
                continue  # properties, deleted text, field codes; nested paragraphs go alone
            if tag == _W + "t":
                out.append(child.text or "")
            elif tag == _W + "tab" or tag == _W + "ptab":
                out.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                out.append("\n")
            elif tag == _W + "noBreakHyphen":
                out.append("-")
            elif tag == _W + "footnoteReference":
                note_id = child.get(_W + "id", "")
                out.append(f"[footnoteRef:{note_id}]")
                refs.append(note_id)
            elif tag == _W + "bookmarkStart":
                out.append(f"[bookmark: {child.get(_W + 'name', '')}]")
            else:
                walk(child)

    walk(paragraph)
    return "".join(out)


def _docx_footnotes(doc: _Docx, part: str | None) -> dict[str, str]:
    """Footnote id → body text on one line (paragraphs joined by a space)."""
    if part is None or part not in doc.names:
        return {}
    notes: dict[str, str] = {}
    for note in doc.xml(part).iter(_W + "footnote"):
        if note.get(_W + "type") in _NOTE_TYPES_SKIPPED:
            continue
        paras = [_docx_runs_text(p, []) for p in _docx_paragraphs(note)]
        notes[note.get(_W + "id", "")] = " ".join(paras).replace("\n", " ")
    return notes


def _read_docx(path: Path, data: bytes) -> SourceText:
    """Read a .docx with zipfile and ElementTree: one line per paragraph, footnotes inline."""
    doc = _Docx(path, data)
    main = doc.related("", "officeDocument")
    if main is None or main not in doc.names:
        main = "word/document.xml"
    if main not in doc.names:
        raise PlanError(str(path), f"zip archive without {main}; {DOCX_EXPECTED}")
    root = doc.xml(main)
    if root.tag != _W + "document":
        raise PlanError(str(path), f"{main} is not a WordprocessingML document; {DOCX_EXPECTED}")
    footnotes = _docx_footnotes(doc, doc.related(main, "footnotes"))
    body = root.find(_W + "body")
    lines: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for number, paragraph in enumerate(_docx_paragraphs(body if body is not None else root), 1):
        refs: list[str] = []
        line = _docx_runs_text(paragraph, refs)
        for note_id in dict.fromkeys(refs):
            if note_id in footnotes:
                line += f" [{note_id}: {footnotes[note_id]}] "
        lines.append(line)
        blocks.append(Block(offset, len(line), f"{main} paragraph {number}"))
        offset += len(line) + 1
    return SourceText(name=path.name, text="\n".join(lines), format="docx", blocks=tuple(blocks))


# --------------------------------------------------------------------------- html

_GB_NAMES = {
    "gb2312",
    "gbk",
    "gb18030",
    "x-gbk",
    "cp936",
    "ms936",
    "windows-936",
    "csgb2312",
    "gb_2312-80",
    "gb_2312",
    "euc-cn",
    "x-euc-cn",
    "chinese",
}
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)|<\?xml[^>]*encoding\s*=\s*["']"""
    rb"""([A-Za-z0-9_.:\-]+)""",
    re.I,
)


def _decode_html(path: Path, data: bytes) -> str:
    """Decode a page by its BOM, else as UTF-8 if valid, else by its meta charset or GB18030."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    if _looks_binary(data):
        raise PlanError(str(path), f"binary file, {HTML_EXPECTED}")
    try:
        return data.decode("utf-8")  # valid UTF-8 with CJK text is never really GBK
    except UnicodeDecodeError:
        pass
    declared = None
    m = _META_CHARSET.search(data[:4096])
    if m:
        name = (m.group(1) or m.group(2)).decode("ascii").lower()
        try:
            declared = codecs.lookup("gb18030" if name in _GB_NAMES else name).name
        except LookupError:
            declared = None
    # Nearly-valid UTF-8 is UTF-8 whatever the page declares; otherwise trust the declaration,
    # except a UTF-8 one (the bytes just said otherwise): Chinese pages then are GB18030.
    if _mostly_utf8(data):
        codec = "utf-8"
    else:
        codec = declared if declared not in (None, "utf-8") else "gb18030"
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        # A few bad bytes, as browsers tolerate them: replaced, never re-read in another
        # encoding (damaged UTF-8 read as GB18030 would be nonsense).
        return data.decode(codec, errors="replace")


_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
    "keygen",
}
_CLOSES_P = {
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
}
_BLOCK = _CLOSES_P | {
    "tr",
    "tbody",
    "thead",
    "tfoot",
    "caption",
    "body",
    "html",
    "option",
    "title",
    "legend",
    "summary",
}
_NOISE_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "iframe",
    "select",
    "button",
    "input",
    "textarea",
    "svg",
    "canvas",
    "object",
    "embed",
    "head",
    "map",
    "audio",
    "video",
}
_NOISE_CLASS = re.compile(
    r"nav|menu|footer|header|breadcrumb|crumb|share|sidebar|side-bar"
    r"|copyright|toolbar",
    re.I,
)
_CONTENT_CLASS = re.compile(r"zoom|trs_|article|content|detail|main-?text|artibody", re.I)
_STRONG_CONTENT = re.compile(r"zoom|trs_|artibody", re.I)
_FOOTNOTE_ID = re.compile(r"^(?:fn|_?ftn|footnote-?)(\d+)$", re.I)
_FOOTNOTE_HREF = re.compile(r"^#(?:fn|_?ftn|footnote-?)(\d+)$", re.I)
_BACKLINK_HREF = re.compile(r"^#(?:fnref|_?ftnref|footnote-?ref-?)\d+$", re.I)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_MAX_DEPTH = 200


class _Node:
    """An element of the parsed page: tag, attributes, children (nodes or text) and position."""

    __slots__ = ("attrs", "children", "line", "parent", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None, line: int) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.line = line
        self.children: list[_Node | _Text] = []

    def label(self) -> str:
        """The element's id and class, for matching CMS naming conventions."""
        return f"{self.attrs.get('id', '')} {self.attrs.get('class', '')}"


class _Text:
    """A run of character data and the source line it starts on."""

    __slots__ = ("line", "text")

    def __init__(self, text: str, line: int) -> None:
        self.text = text
        self.line = line


class _TreeBuilder(HTMLParser):
    """A forgiving tree builder: implied end tags, stray end tags ignored, depth bounded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None, 1)
        self.stack = [self.root]

    def _close(self, tag: str, stop: set[str]) -> None:
        """Close the innermost open `tag`, unless an element in `stop` is open inside it."""
        for i in range(len(self.stack) - 1, 0, -1):
            name = self.stack[i].tag
            if name == tag:
                del self.stack[i:]
                return
            if name in stop:
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element, closing the ones its start implies closed."""
        if tag in _CLOSES_P:
            self._close("p", {"table", "td", "th", "li", "div", "section", "article", "button"})
        if tag == "li":
            self._close("li", {"ul", "ol", "table"})
        elif tag in ("dt", "dd"):
            self._close("dt", {"dl", "table"})
            self._close("dd", {"dl", "table"})
        elif tag == "tr":
            self._close("tr", {"table"})
        elif tag in ("td", "th"):
            self._close("td", {"tr", "table"})
            self._close("th", {"tr", "table"})
        elif tag == "option":
            self._close("option", {"select"})
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.stack[-1], self.getpos()[0])
        self.stack[-1].children.append(node)
        if tag not in _VOID and len(self.stack) < _MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closed tag: an element without content."""
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.stack[-1], self.getpos()[0])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        """Close the innermost open element of this name; a stray end tag is ignored."""
        if tag == "br":  # </br> acts as <br> in browsers
            self.handle_startendtag("br", [])
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        """Keep character data (entities already unescaped) with its line."""
        self.stack[-1].children.append(_Text(data, self.getpos()[0]))


class _Page:
    """A parsed page: counts its text, finds the article and its footnotes."""

    def __init__(self, root: _Node) -> None:
        self.root = root
        self.cjk: dict[int, int] = {}  # id(node) → CJK characters outside page furniture
        self.cjk_text: dict[int, int] = {}  # the same, outside links too
        self.footnotes: dict[str, _Node] = {}  # footnote number → body element
        self.candidates: list[_Node] = []  # CMS content containers
        self._survey(root, in_noise=False)

    @staticmethod
    def noisy(node: _Node, render: bool) -> bool:
        """True for navigation, scripts and page furniture; forms too when rendering.

        Forms are not furniture while searching: many government sites wrap the whole page in
        one (ASP.NET). Inside the article they are dropped (search boxes, comment forms).
        """
        if node.tag in _NOISE_TAGS or (render and node.tag == "form"):
            return True
        if node.tag in ("html", "body", "main", "article", "#root"):
            return False
        label = node.label()
        return bool(_NOISE_CLASS.search(label)) and not _STRONG_CONTENT.search(label)

    def _survey(self, node: _Node, in_noise: bool) -> tuple[int, int]:
        """Count CJK characters per element; note content candidates and footnote bodies."""
        total = text_only = 0
        for child in node.children:
            if isinstance(child, _Text):
                n = len(_CJK.findall(child.text))
                total += n
                text_only += n
                continue
            noisy = self.noisy(child, render=False)
            a, b = self._survey(child, in_noise or noisy)
            if not noisy:
                total += a
                text_only += 0 if child.tag == "a" else b
        self.cjk[id(node)] = total
        self.cjk_text[id(node)] = text_only
        if not in_noise:
            m = _FOOTNOTE_ID.match(node.attrs.get("id", ""))
            if m:
                self.footnotes.setdefault(m.group(1), node)
            if node.tag in ("article", "main") or _CONTENT_CLASS.search(node.label()):
                self.candidates.append(node)
        return total, text_only

    @staticmethod
    def contains(outer: _Node, inner: _Node) -> bool:
        """True when inner is outer or lies inside it."""
        node: _Node | None = inner
        while node is not None:
            if node is outer:
                return True
            node = node.parent
        return False

    @staticmethod
    def depth(node: _Node) -> int:
        """How deep an element is nested."""
        n = 0
        while node.parent is not None:
            node, n = node.parent, n + 1
        return n

    def article(self) -> _Node | None:
        """The element holding the plan: the richest CMS content container, else the densest."""
        page_text = self.cjk_text[id(self.root)]
        best = max(self.candidates, key=lambda n: self.cjk[id(n)], default=None)
        if best is not None:
            # The innermost container that still holds nearly all of it: the text without the
            # title, date and source line that CMS templates put above it.
            inner = [
                n
                for n in self.candidates
                if self.contains(best, n) and self.cjk[id(n)] >= 0.9 * self.cjk[id(best)]
            ]
            best = max(inner, key=self.depth)
            if self.cjk[id(best)] >= MIN_ARTICLE_CJK and self.cjk[id(best)] >= 0.5 * page_text:
                return best
        # No usable container: descend from the root into the child that holds nearly all the
        # text, not counting link text (what menus and lists of related articles are made of).
        node = self.root
        while True:
            children = [
                c for c in node.children if isinstance(c, _Node) and not self.noisy(c, render=False)
            ]
            richest = max(children, key=lambda c: self.cjk_text[id(c)], default=None)
            if richest is None or self.cjk_text[id(richest)] < 0.9 * self.cjk_text[id(node)]:
                break
            node = richest
        return node if self.cjk_text[id(node)] >= MIN_ARTICLE_CJK else None


class _LineWriter:
    """Collects rendered text into lines, each with the HTML source line it starts on."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, int]] = []
        self.parts: list[str] = []
        self.line = 0

    def add(self, text: str, line: int) -> None:
        """Append inline text to the current line."""
        if not self.line and text.strip():
            self.line = line
        self.parts.append(text)

    def flush(self, line: int = 0, blank: bool = False, pre: bool = False) -> None:
        """End the current line; an empty one is kept only when blank is asked for.

        Runs of ASCII white space collapse to one space (outside <pre>), and a line is
        stripped of white space at both ends, no-break and ideographic spaces included, so a
        line of only &nbsp; or \u3000 becomes empty.
        """
        raw = "".join(self.parts)
        text = (raw if pre else _ASCII_SPACE.sub(" ", raw)).strip()
        if text or blank:
            self.lines.append((text, self.line or line))
        self.parts = []
        self.line = 0


class _Renderer:
    """Renders an element's text: blocks become lines, footnotes become the shared markers."""

    def __init__(self, page: _Page) -> None:
        self.page = page
        self.out = _LineWriter()

    def footnote_ref(self, node: _Node) -> str | None:
        """The footnote number a <sup> or <a href="#fnN"> refers to, if it is a footnote mark."""
        if node.tag == "a":
            m = _FOOTNOTE_HREF.match(node.attrs.get("href", "").strip())
            return m.group(1) if m and m.group(1) in self.page.footnotes else None
        if node.tag == "sup":
            text = _plain(node).strip().strip("[]【】()（）").strip()
            if text.isdigit() and text in self.page.footnotes:
                return text
            links = [c for c in node.children if isinstance(c, _Node) and c.tag == "a"]
            if len(links) == 1:
                return self.footnote_ref(links[0])
        return None

    def render(self, node: _Node, pre: bool = False) -> None:
        """Render a node's children into the line writer."""
        for child in node.children:
            if isinstance(child, _Text):
                first, *rest = child.text.split("\n") if pre else [child.text]
                self.out.add(first, child.line)
                for i, piece in enumerate(rest, 1):
                    self.out.flush(child.line + i - 1, blank=True, pre=True)
                    self.out.add(piece, child.line + i)
                continue
            if _Page.noisy(child, render=True):
                continue
            self.element(child, pre)

    def element(self, node: _Node, pre: bool) -> None:
        """Render one element."""
        tag = node.tag
        number = _FOOTNOTE_ID.match(node.attrs.get("id", ""))
        if number and self.page.footnotes.get(number.group(1)) is node:
            self.footnote_body(node)
            return
        ref = self.footnote_ref(node) if tag in ("sup", "a") else None
        if ref is not None:
            self.out.add(f"[footnoteRef:{ref}]", node.line)
        elif tag == "a" and (
            _BACKLINK_HREF.match(node.attrs.get("href", "").strip())
            or "footnote-back" in node.attrs.get("class", "")
        ):
            return
        elif tag == "br":
            self.out.flush(node.line, blank=True, pre=pre)
        elif tag in ("td", "th"):
            self.out.add(" ", node.line)
            self.render(node, pre)
            self.out.add(" ", node.line)
        elif tag in _BLOCK:
            inner_pre = pre or tag == "pre"
            self.out.flush(pre=pre)
            before = len(self.out.lines)
            self.render(node, inner_pre)
            self.out.flush(pre=inner_pre)
            if tag == "p" and len(self.out.lines) == before:
                self.out.flush(node.line, blank=True)  # an empty paragraph: a blank line
        elif tag == "img":
            alt = node.attrs.get("alt", "")
            if _CJK.search(alt):
                self.out.add(alt, node.line)
        else:
            self.render(node, pre)

    def footnote_body(self, node: _Node) -> None:
        """Render a footnote body element as one line "[N: body]"."""
        number = _FOOTNOTE_ID.match(node.attrs.get("id", ""))
        assert number is not None
        inner = _Renderer(self.page)
        inner.render(node)
        inner.out.flush()
        body = " ".join(text for text, _ in inner.out.lines if text)
        body = body.replace("\u21a9\ufe0e", "").replace("\u21a9", "").strip()
        self.out.flush()
        self.out.add(f"[{number.group(1)}: {body}]", node.line)
        self.out.flush()


def _plain(node: _Node) -> str:
    """All character data under a node."""
    return "".join(c.text if isinstance(c, _Text) else _plain(c) for c in node.children)


def _read_html(path: Path, data: bytes) -> SourceText:
    """Read a web page: find the article among the page furniture and render it as lines."""
    markup = _decode_html(path, data)
    builder = _TreeBuilder()
    try:
        builder.feed(markup)
        builder.close()
    except (AssertionError, ValueError, RecursionError) as err:  # html.parser on odd markup
        raise PlanError(str(path), f"unparseable HTML ({_one_line(err)}); {HTML_EXPECTED}") from err
    page = _Page(builder.root)
    article = page.article()
    if article is None:
        raise PlanError(
            str(path), "no article found in the HTML page; expected a page with the plan's text"
        )
    renderer = _Renderer(page)
    renderer.render(article)
    renderer.out.flush()
    for node in page.footnotes.values():  # footnote bodies kept outside the article
        if not page.contains(article, node):
            renderer.footnote_body(node)
    lines: list[tuple[str, int]] = []
    for text, line in renderer.out.lines:
        if not text and (not lines or not lines[-1][0]):
            continue  # collapse runs of blank lines, drop leading ones
        lines.append((text, line))
    while lines and not lines[-1][0]:
        lines.pop()
    blocks: list[Block] = []
    offset = 0
    for text, line in lines:
        if text:
            blocks.append(Block(offset, len(text), f"html line {line}"))
        offset += len(text) + 1
    text = "\n".join(t for t, _ in lines)
    return SourceText(name=path.name, text=text, format="html", blocks=tuple(blocks))


# --------------------------------------------------------------------------- pdf

PAGE_BREAK = "\n\f\n"


def _read_pdf(path: Path, data: bytes) -> SourceText:
    """Read a PDF's text layer with pypdf, page by page, pages joined by a form feed line."""
    if b"%PDF-" not in data[:1024]:
        raise PlanError(str(path), f"not a PDF file (no %PDF- header); {PDF_EXPECTED}")
    from pypdf import PdfReader  # imported here: only PDF input needs it

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PlanError(
                str(path), f"encrypted PDF that needs a password; {PDF_EXPECTED} and no password"
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except PlanError:
        raise
    except Exception as err:  # pypdf raises many types on damaged files
        raise PlanError(
            str(path), f"unreadable PDF ({type(err).__name__}: {_one_line(err)}); {PDF_EXPECTED}"
        ) from err
    if not "".join(pages).strip():
        raise PlanError(
            str(path),
            "no text layer; expected a PDF with selectable text (scanned PDFs need OCR first)",
        )
    blocks: list[Block] = []
    offset = 0
    for number, page in enumerate(pages, 1):
        blocks.append(Block(offset, len(page), f"page {number}"))
        offset += len(page) + len(PAGE_BREAK)
    return SourceText(
        name=path.name, text=PAGE_BREAK.join(pages), format="pdf", blocks=tuple(blocks)
    )


_READERS: dict[str, Callable[[Path, bytes], SourceText]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".docx": _read_docx,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
}
