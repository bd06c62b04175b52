"""Renderings of a plan's text as the other formats it is published in (tests and `plangraph synth`).

Each function takes a plan's text (as read from data/plans/*.txt) and writes one file: a Word
.docx, a government web page, the text layer of a paginated PDF, or a real PDF. The Word
conversion markers the text may carry (``[footnoteRef:N]``, inline bodies `` [N: …] `` and
``[bookmark: X]``, the conventions of panyu.txt) become what the format really has: Word
footnotes and bookmarks, <sup> marks and a footnote list, or superscript marks with the
footnote at the foot of the page. Standard library only.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

# A line's trailing footnote bodies, " [N: body] " each, exactly as panyu.txt has them …
_NOTES_STRICT = re.compile(r"(?: \[\d+: [^\[\]\n]*\] )+$")
_NOTE_STRICT = re.compile(r" \[(\d+): ([^\[\]\n]*)\] ")
# … or written more loosely.
_NOTES_LOOSE = re.compile(r"(?:[ \t]*\[\d+:[^\[\]\n]*\])+[ \t]*$")
_NOTE_LOOSE = re.compile(r"\[(\d+): ?([^\[\]\n]*)\]")
_MARKERS = re.compile(r"\[footnoteRef:(\d+)\]|\[bookmark: ?([^\]\n]*)\]")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_ZIP_TIME = (2022, 6, 29, 0, 0, 0)


def split_notes(line: str) -> tuple[str, list[tuple[str, str]]]:
    """Split a line into its text and the footnote bodies appended to it, if each has a mark."""
    m = _NOTES_STRICT.search(line)
    notes = _NOTE_STRICT.findall(m.group()) if m else []
    if not m:
        m = _NOTES_LOOSE.search(line)
        notes = _NOTE_LOOSE.findall(m.group()) if m else []
    if not m:
        return line, []
    head = line[: m.start()]
    refs = set(re.findall(r"\[footnoteRef:(\d+)\]", head))
    if not all(n in refs for n, _ in notes):
        return line, []
    return head, notes


# --------------------------------------------------------------------------- docx

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = _R_NS

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>"""

_PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>
</Relationships>"""

_DOCUMENT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_REL}/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="{_REL}/footnotes" Target="footnotes.xml"/>
</Relationships>"""

_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{_W_NS}">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>
<w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="18"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>
<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>
</w:styles>"""

_SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-2"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="-1"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>"
)
_REF_STYLE = '<w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'


def _docx_runs(text: str) -> str:
    """WordprocessingML runs for plain text: tabs as w:tab, CR kept as a character reference."""
    out = []
    for i, piece in enumerate(_XML_INVALID.sub("", text).split("\t")):
        if i:
            out.append("<w:r><w:tab/></w:r>")
        if piece:
            body = xml_escape(piece).replace("\r", "&#13;")
            out.append(f'<w:r><w:t xml:space="preserve">{body}</w:t></w:r>')
    return "".join(out)


def to_docx(text: str, path: Path) -> Path:
    """Write text as a minimal valid .docx: one paragraph per line, real footnotes and bookmarks.

    Round trip: reading the file back with ingest.readers gives the text unchanged (form feeds
    and control characters other than tab and CR, which XML cannot hold, are dropped).
    """
    paragraphs: list[str] = []
    footnotes: dict[str, str] = {}
    bookmark = 0
    for line in text.split("\n"):
        head, notes = split_notes(line)
        bodies = dict(notes)
        parts = ["<w:p>"]
        pos = 0
        for m in _MARKERS.finditer(head):
            parts.append(_docx_runs(head[pos : m.start()]))
            pos = m.end()
            if m.group(1) is not None and m.group(1) in bodies:
                note_id = m.group(1)
                parts.append(f'<w:r>{_REF_STYLE}<w:footnoteReference w:id="{note_id}"/></w:r>')
                footnotes.setdefault(note_id, bodies[note_id])
            elif m.group(2) is not None:
                name = xml_escape(m.group(2), {'"': "&quot;"})
                parts.append(
                    f'<w:bookmarkStart w:id="{bookmark}" w:name="{name}"/>'
                    f'<w:bookmarkEnd w:id="{bookmark}"/>'
                )
                bookmark += 1
            else:
                parts.append(_docx_runs(m.group()))  # a mark without a body stays literal
        parts.append(_docx_runs(head[pos:]))
        parts.append("</w:p>")
        paragraphs.append("".join(parts))
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W_NS}" xmlns:r="{_R_NS}"><w:body>'
        + "\n".join(paragraphs)
        + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    notes_xml = "".join(
        f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f"<w:r>{_REF_STYLE}<w:footnoteRef/></w:r>{_docx_runs(body)}</w:p></w:footnote>"
        for note_id, body in footnotes.items()
    )
    footnotes_xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:footnotes xmlns:w="{_W_NS}">{_SEPARATORS}{notes_xml}</w:footnotes>'
    )
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _PACKAGE_RELS),
            ("word/document.xml", document),
            ("word/_rels/document.xml.rels", _DOCUMENT_RELS),
            ("word/styles.xml", _STYLES),
            ("word/footnotes.xml", footnotes_xml),
        ):
            zf.writestr(
                zipfile.ZipInfo(name, _ZIP_TIME),
                data.encode("utf-8"),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return path


# --------------------------------------------------------------------------- html

NAV_ITEMS = ("首页", "政务公开", "政策文件", "政务服务", "互动交流", "走进本区", "专题专栏")
SIDEBAR_ITEMS = (
    "区政府常务会议召开研究部署近期重点工作",
    "关于开展安全生产大检查的通知",
    "我区召开优化营商环境工作推进会",
    "2022年政府信息公开工作年度报告",
)
FOOTER_TEXT = (
    "版权所有：区人民政府办公室　主办单位：区政务服务数据管理局",
    "网站标识码：4402030001　粤ICP备05012345号　粤公网安备 44020302000123号",
    "联系电话：0751-6683126　地址：区政府大院一号楼　建议使用1366×768分辨率浏览",
)
SCRIPT_TEXT = "var msg = '欢迎访问本网站，请使用谷歌浏览器浏览'; document.title += '';"


def _site_name(title: str) -> str:
    """A plausible site name from the plan's title (the region before 妇女/规划)."""
    region = re.split(r"妇女|儿童|国民经济|规划", title, maxsplit=1)[0] or "某区"
    return f"{region}人民政府门户网站"


def to_html(text: str, path: Path, title: str, encoding: str = "utf-8") -> Path:
    """Write text as a government web page: the article inside menus, sidebar and footer.

    One <p> per line (an empty line is <p>&nbsp;</p>), footnote marks as <sup>N</sup>, their
    bodies in an <ol class="footnotes"> at the end of the article, bookmarks as named anchors.
    With encoding="gb18030" the page is GB-encoded and declares the usual charset=gb2312.
    """
    paragraphs: list[str] = []
    notes: dict[str, str] = {}
    for line in text.split("\n"):
        head, bodies = split_notes(line)
        known = dict(bodies)
        out, pos = [], 0
        for m in _MARKERS.finditer(head):
            out.append(escape(head[pos : m.start()], quote=False))
            pos = m.end()
            if m.group(1) is not None and m.group(1) in known:
                out.append(f"<sup>{m.group(1)}</sup>")
                notes.setdefault(m.group(1), known[m.group(1)])
            elif m.group(2) is not None:
                out.append(f'<a name="{escape(m.group(2))}"></a>')
            else:
                out.append(escape(m.group(), quote=False))
        out.append(escape(head[pos:], quote=False))
        body = "".join(out)
        paragraphs.append(f"<p>{body}</p>" if body.strip() else "<p>&nbsp;</p>")
    footnotes = "".join(
        f'\n<li id="fn{n}" value="{n}">{escape(body.strip(), quote=False)}</li>'
        for n, body in notes.items()
    )
    site = escape(_site_name(title))
    charset = "gb2312" if encoding.lower().replace("-", "") in ("gb18030", "gbk") else encoding
    nav = "".join(f'<li><a href="/col{i}/">{item}</a></li>' for i, item in enumerate(NAV_ITEMS))
    side = "".join(
        f'<li><a href="/art/{i}.html">{item}</a></li>' for i, item in enumerate(SIDEBAR_ITEMS)
    )
    foot = "".join(f"<p>{line}</p>" for line in FOOTER_TEXT)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}_{site}</title>
<link rel="stylesheet" href="/css/style.css">
<style>.TRS_Editor p {{ text-indent: 2em; line-height: 1.8; }}</style>
</head>
<body>
<div class="header"><div class="logo"><a href="/"><img src="/img/logo.png" alt="{site}"></a>
<span class="site-name">{site}</span></div>
<div class="search"><form action="/search"><input type="text" name="q" value="请输入关键字">
<button type="submit">搜索</button></form></div></div>
<nav class="main-nav"><ul>{nav}</ul></nav>
<div class="container">
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/col1/">政务公开</a> &gt;
<a href="/col2/">政策文件</a></div>
<div class="main-left">
<div class="article">
<h1 class="article-title">{escape(title)}</h1>
<div class="article-info">发布时间：2022-06-29　来源：区政府办公室
　浏览次数：<span>1234</span></div>
<div class="share-bar">分享到：<a href="#">微信</a><a href="#">微博</a><a href="#">QQ空间</a></div>
<div id="zoom" class="TRS_Editor">
{chr(10).join(paragraphs)}
{f'<ol class="footnotes">{footnotes}</ol>' if footnotes else ""}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a>
<a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
</div>
<div class="sidebar"><h3>热点信息</h3><ul>{side}</ul>
<h3>相关链接</h3><ul><li><a href="http://www.gov.cn/">中国政府网</a></li></ul></div>
</div>
<div class="footer">{foot}</div>
<script type="text/javascript">{SCRIPT_TEXT}</script>
</body>
</html>
"""
    path = Path(path)
    path.write_bytes(page.encode(encoding))
    return path


# --------------------------------------------------------------------------- pdf

_MARKS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def _wrap(paragraph: str, width: int) -> list[tuple[int, int]]:
    """Hard-wrap a paragraph at width characters, never starting a line with a footnote mark.

    A line that is itself a footnote (it starts with a mark) is not wrapped: the normaliser
    reads a PDF footnote as one line.
    """
    if paragraph.lstrip()[:1] in tuple(_MARKS):
        return [(0, len(paragraph))]
    lines: list[tuple[int, int]] = []
    pos = 0
    while pos < len(paragraph):
        end = min(pos + width, len(paragraph))
        while end < len(paragraph) and paragraph[end] in _MARKS:
            end += 1  # a mark stays with the character it annotates
        lines.append((pos, end))
        pos = end
    return lines


def _pdf_paragraph(line: str) -> tuple[str, list[tuple[int, str]]]:
    """A line as a PDF shows it (superscript marks, no bookmarks, no tabs) and its footnotes.

    The footnotes come as (offset of the mark in the shown line, footnote line).
    """
    head, bodies = split_notes(line.replace("\t", " "))
    known = dict(bodies)
    out: list[str] = []
    notes: list[tuple[int, str]] = []
    pos = length = 0
    for m in _MARKERS.finditer(head):
        out.append(head[pos : m.start()])
        length += m.start() - pos
        pos = m.end()
        if m.group(1) is not None and m.group(1) in known:
            mark = m.group(1).translate(_SUPERSCRIPT)
            notes.append((length, f"{mark} {known[m.group(1)].strip()}"))
            out.append(mark)
            length += len(mark)
        elif m.group(2) is None:
            out.append(m.group())
            length += len(m.group())
    out.append(head[pos:])
    return "".join(out), notes


def _page_number(number: int, width: int) -> str:
    """The centred page-number footer: — 12 — on odd pages, - 12 - on even ones."""
    label = f"— {number} —" if number % 2 else f"- {number} -"
    return " " * max((width - len(label)) // 2, 0) + label


def paginate(text: str, title: str, width: int = 38, lines_per_page: int = 40) -> list[list[str]]:
    """Lay text out as PDF pages would show it: each page's lines, furniture included.

    Every non-blank line is a paragraph, hard-wrapped at width, with a blank line between
    paragraphs; Word footnote marks become superscript digits and their bodies footnote lines
    at the foot of the page that has the mark; Word bookmarks are dropped and tabs become
    spaces, as in a PDF text layer. Each page holds at most lines_per_page lines of text and
    footnotes (more only when one line's footnotes do not fit); pages after the first start
    with the running header (the title) and every page ends with a centred page number.
    """
    items: list[tuple[str, list[str]]] = []  # a shown line and the footnotes of its marks
    for raw in text.split("\n"):
        shown, notes = _pdf_paragraph(raw)
        if not shown.strip():
            continue
        for start, end in _wrap(shown, width):
            items.append((shown[start:end], [note for at, note in notes if start <= at < end]))
        items.append(("", []))

    pages: list[list[str]] = []
    body: list[str] = []
    feet: list[str] = []

    def close_page() -> None:
        """Finish the page being filled: header, text, footnotes, page number."""
        while body and not body[-1]:
            body.pop()
        number = len(pages) + 1
        page = [title, ""] if number > 1 else []
        page += body
        if feet:
            page += ["", *feet]
        page += ["", _page_number(number, width)]
        pages.append(page)
        body.clear()
        feet.clear()

    for line, notes in items:
        if not body and not line:
            continue  # no blank line at the top of a page
        if body and len(body) + len(feet) + len(notes) + 1 > lines_per_page:
            close_page()
            if not line:
                continue
        body.append(line)
        feet.extend(notes)
    if body:
        close_page()
    return pages


def to_pdf_text(
    text: str, path: Path, title: str, width: int = 38, lines_per_page: int = 40
) -> Path:
    """Write the text a PDF's text layer gives for the plan (see paginate), as UTF-8 text.

    Pages are joined by a line holding a form feed ("\\n\\f\\n"), as the PDF reader joins them.
    """
    pages = paginate(text, title, width, lines_per_page)
    path = Path(path)
    path.write_text("\n\f\n".join("\n".join(page) for page in pages), encoding="utf-8")
    return path


def _pdf_string(line: str) -> str:
    """A line as a PDF hex string in the UniGB-UTF16-H encoding (UTF-16BE codes)."""
    return "<" + (line or " ").encode("utf-16-be").hex().upper() + ">"


def to_pdf(text: str, path: Path, title: str, width: int = 38, lines_per_page: int = 40) -> Path:
    """Write the plan as a real PDF laid out as paginate says, in the CID font STSong-Light.

    The font is not embedded (as with every PDF using Adobe's standard Chinese fonts); the text
    is shown in the predefined UniGB-UTF16-H encoding, which text extractors map back to
    Unicode, so the text layer read back equals to_pdf_text's output. Blank lines are shown as
    a space so that extraction keeps them.
    """
    pages = paginate(text, title, width, lines_per_page)
    objects: list[bytes] = [b"", b""]  # 1 catalog, 2 page tree: filled in at the end

    def add(obj: bytes) -> int:
        """Add a PDF object; its number."""
        objects.append(obj)
        return len(objects)

    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >>"
    )
    cidfont = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
        b"/FontDescriptor %d 0 R /DW 1000 >>" % descriptor
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UTF16-H "
        b"/Encoding /UniGB-UTF16-H /DescendantFonts [%d 0 R] >>" % cidfont
    )
    size = min(11.0, 480 / max(width, 1))
    leading = min(size * 1.3, 740 / max(lines_per_page + 8, 1))
    kids = []
    for lines in pages:
        ops = ["BT", f"/F1 {size:.2f} Tf", f"{leading:.2f} TL", "56 790 Td"]
        for i, line in enumerate(lines):
            if i:
                ops.append("T*")
            ops.append(f"{_pdf_string(line)} Tj")
        ops.append("ET")
        stream = zlib.compress("\n".join(ops).encode("ascii"))
        contents = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
        kids.append(
            add(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, contents)
            )
        )
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    info = add(
        b"<< /Title <%s> /Producer (plangraph tests) >>"
        % ("\ufeff" + title).encode("utf-16-be").hex().upper().encode("ascii")
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info,
        xref,
    )
    path = Path(path)
    path.write_bytes(bytes(out))
    return path
