"""The readers on the real plans and their renderings (.docx, web page, PDF), and on bad files.

Every rendering is made from a plan's text in data/plans/ by synth/renderings.py; reading it
back must give the plan's text (exactly for .docx, line by line for the web page and the PDF),
with the blocks pointing to the places in the file the text came from. Every bad file must
fail with one PlanError line that starts with the file's path and says what was expected.
"""

from __future__ import annotations

import html
import io
import random
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from derive import derive
from ingest.corpus import PLANS_DIR
from ingest.errors import PlanError
from ingest.parse import parse_document
from ingest.readers import read_source
from synth.renderings import (
    FOOTER_TEXT,
    NAV_ITEMS,
    SCRIPT_TEXT,
    SIDEBAR_ITEMS,
    paginate,
    split_notes,
    to_docx,
    to_html,
    to_pdf,
    to_pdf_text,
)
from tests.conftest import PLANS

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REF = re.compile(r"\[footnoteRef:(\d+)\]")
BOOKMARK = re.compile(r"\[bookmark: ?[^\]\n]*\]")
NOTE_LINE = re.compile(r"^\[(\d+): (.*)\]$")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def plan_text(key: str) -> str:
    """A plan's text as vendored."""
    return (PLANS_DIR / f"{key}.txt").read_text(encoding="utf-8")


def squeeze(text: str) -> str:
    """Text without any white space (wrapping and HTML rendering move it)."""
    return re.sub(r"\s+", "", text)


def title_of(key: str) -> str:
    """The plan's title for page headers: its first non-blank line is good enough here."""
    return next(line.strip() for line in plan_text(key).split("\n") if line.strip())[:30]


# --------------------------------------------------------------------------- plain text


@pytest.mark.parametrize("key", PLANS)
def test_plain_text_is_read_unchanged(key):
    """A vendored plan reads as its exact UTF-8 text, with no blocks (the text is the file)."""
    # luzhai.txt starts with bytes `file` takes for a DOS .COM executable; it is UTF-8 text.
    source = read_source(PLANS_DIR / f"{key}.txt")
    assert source.text == plan_text(key)
    assert (source.name, source.format, source.blocks) == (f"{key}.txt", "txt", ())


@pytest.mark.parametrize("key", PLANS)
def test_gb18030_copy_decodes_to_the_same_text(tmp_path, key):
    """A GB18030 (GBK) encoded copy decodes to the same text; .md is read like .txt."""
    path = tmp_path / f"{key}.md"
    path.write_bytes(plan_text(key).encode("gb18030"))
    source = read_source(path)
    assert source.text == plan_text(key)
    assert source.format == "md"


@pytest.mark.parametrize("key", PLANS)
def test_utf8_bom_is_stripped(tmp_path, key):
    """A UTF-8 byte-order mark is dropped, so offsets start at the first character."""
    path = tmp_path / f"{key}.txt"
    path.write_bytes(b"\xef\xbb\xbf" + plan_text(key).encode("utf-8"))
    assert read_source(path).text == plan_text(key)


def test_carriage_returns_are_kept_for_the_normaliser(tmp_path):
    """CRLF line ends are kept as decoded: offsets index the original; the normaliser folds them."""
    text = plan_text("luzhai").replace("\n", "\r\n")
    path = tmp_path / "luzhai.txt"
    path.write_bytes(text.encode("gb18030"))
    assert read_source(path).text == text


# --------------------------------------------------------------------------- docx


@pytest.mark.parametrize("key", PLANS)
def test_docx_rendering_reads_back_exactly(tmp_path, key):
    """A .docx rendering reads back as the plan text exactly, one block per paragraph."""
    text = plan_text(key)
    path = to_docx(text, tmp_path / f"{key}.docx")
    source = read_source(path)
    assert source.text == text
    assert source.format == "docx"
    assert len(source.blocks) == text.count("\n") + 1


def test_docx_footnotes_and_bookmarks_are_real_word_elements(tmp_path):
    """The markers become real Word footnotes and bookmarks, and come back as markers."""
    text = plan_text("panyu")
    path = to_docx(text, tmp_path / "panyu.docx")
    with zipfile.ZipFile(path) as zf:
        document = zf.read("word/document.xml").decode()
        footnotes = ET.fromstring(zf.read("word/footnotes.xml"))
    assert "[footnoteRef" not in document and "[bookmark" not in document
    refs = REF.findall(text)
    assert len(refs) == 41
    assert re.findall(r'<w:footnoteReference w:id="(\d+)"/>', document) == refs
    assert document.count("<w:bookmarkStart ") == len(BOOKMARK.findall(text)) == 2
    bodies = {
        n.get(W + "id"): "".join(t.text or "" for t in n.iter(W + "t"))
        for n in footnotes.iter(W + "footnote")
        if n.get(W + "type") is None
    }
    expected = dict(note for line in text.split("\n") for note in split_notes(line)[1])
    assert bodies == expected
    assert bodies["0"].startswith(" 国家和省规划目标设定为70%")


@pytest.mark.parametrize("key", ["qujiang", "panyu"])
def test_docx_blocks_name_their_paragraphs(tmp_path, key):
    """Each block names the w:p its text was read from."""
    text = plan_text(key)
    path = to_docx(text, tmp_path / f"{key}.docx")
    source = read_source(path)
    with zipfile.ZipFile(path) as zf:
        paragraphs = list(ET.fromstring(zf.read("word/document.xml")).iter(W + "p"))
    for block in source.blocks:
        part, word, number = block.locator.split()
        assert (part, word) == ("word/document.xml", "paragraph")
        paragraph = paragraphs[int(number) - 1]
        shown = source.text[block.offset : block.offset + block.length]
        runs = "".join(t.text or "" for t in paragraph.iter(W + "t"))
        plain = REF.sub("", BOOKMARK.sub("", split_notes(shown)[0])).replace("\t", "")
        assert plain == runs
        assert source.locate(block.offset) == block.locator


def word_document(body: str) -> bytes:
    """A document.xml around a body, with the namespaces Word writes."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()


def test_docx_as_word_writes_it(tmp_path):
    """Split runs, tab stops, hyperlinks, tracked changes, fields, tables and text boxes."""
    lines = plan_text("luzhai").split("\n")
    title, period, goal = lines[0], lines[2], lines[5][:40]
    body = (
        # a title split over runs, with tab stops in the paragraph properties (not tabs)
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr>'
        f'<w:r><w:t>{title[:3]}</w:t></w:r><w:proofErr w:type="spellStart"/>'
        f"<w:r><w:rPr><w:b/></w:rPr><w:t>{title[3:]}</w:t></w:r></w:p>"
        # a hyperlink, an insertion and a deletion under change tracking
        f'<w:p><w:hyperlink r:id="rId9" xmlns:r="urn:r"><w:r><w:t>{period}</w:t></w:r>'
        '</w:hyperlink><w:ins w:id="1"><w:r><w:t xml:space="preserve"> 新</w:t></w:r></w:ins>'
        '<w:del w:id="2"><w:r><w:delText>删去</w:delText></w:r></w:del></w:p>'
        # a page-number field: its code is hidden, its result shown
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE '
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:r><w:tab/><w:t>页</w:t><w:br/><w:t>续</w:t></w:r></w:p>"
        # a table: one line per cell paragraph
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>指标</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>目标值</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        # a text box, whose fallback copy for old readers must not be read twice
        '<w:p><w:r><w:t>框外</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps">'
        f"<w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>{goal}</w:t></w:r></w:p>"
        "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        f"<w:txbxContent><w:p><w:r><w:t>{goal}</w:t></w:r></w:p></w:txbxContent></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    path = tmp_path / "word.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", word_document(body))
    source = read_source(path)
    assert source.text.split("\n") == [
        title,
        f"{period} 新",
        "3\t页",
        "续",
        "指标",
        "目标值",
        "框外",
        goal,
    ]
    assert [b.locator.rsplit(" ", 1)[1] for b in source.blocks] == list("1234567")


# --------------------------------------------------------------------------- html


def furniture_absent(source_text: str, original: str) -> None:
    """No menu, breadcrumb, sidebar, footer or script text of the page is in what was read."""
    pieces = [
        *NAV_ITEMS,
        *SIDEBAR_ITEMS,
        "当前位置",
        "发布时间",
        "浏览次数",
        "打印本页",
        "关闭窗口",
        "热点信息",
        "中国政府网",
        "请输入关键字",
        "分享到",
        "人民政府门户网站",
    ]
    pieces += [p for line in FOOTER_TEXT for p in line.split("\u3000")]
    pieces += re.findall(r"[\u4e00-\u9fff，]+", SCRIPT_TEXT)
    leaked = [p for p in pieces if p and p not in original and p in source_text]
    assert not leaked


def html_expectation(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """What a page of the text reads back as: lines squeezed, and the footnote bodies."""
    lines, notes = [], []
    for line in text.split("\n"):
        head, bodies = split_notes(line)
        notes += [(n, squeeze(body)) for n, body in bodies]
        if squeeze(BOOKMARK.sub("", head)):
            lines.append(squeeze(BOOKMARK.sub("", head)))
    return lines, notes


def html_result(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """A read page's lines squeezed, and its footnote body lines."""
    lines, notes = [], []
    for line in text.split("\n"):
        m = NOTE_LINE.match(line)
        if m:
            notes.append((m.group(1), squeeze(m.group(2))))
        elif squeeze(line):
            lines.append(squeeze(line))
    return lines, notes


@pytest.mark.parametrize("key", PLANS)
def test_html_page_gives_the_article_alone(tmp_path, key):
    """A government page gives the plan line by line, without menus, sidebar, footer or script."""
    text = plan_text(key)
    path = to_html(text, tmp_path / f"{key}.html", title_of(key))
    source = read_source(path)
    assert source.format == "html"
    assert html_result(source.text) == html_expectation(text)
    assert REF.findall(source.text) == REF.findall(text)
    furniture_absent(source.text, text)
    assert "\n\n\n" not in source.text and source.text == source.text.strip()


@pytest.mark.parametrize("key", ["panyu", "kaiping"])
def test_html_blocks_name_their_source_lines(tmp_path, key):
    """Each block names the line of the HTML source its text starts on."""
    path = to_html(plan_text(key), tmp_path / f"{key}.html", title_of(key))
    source = read_source(path)
    page = path.read_text(encoding="utf-8").split("\n")
    assert source.blocks
    for block in source.blocks:
        assert block.locator.startswith("html line ")
        line = page[int(block.locator.split()[-1]) - 1]
        shown = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<sup>\d+</sup>", "", line)))
        said = source.text[block.offset : block.offset + block.length]
        said = REF.sub("", re.sub(r"^\[\d+: (.*)\]$", r"\1", said))
        assert squeeze(said)[:12] in squeeze(shown)


def test_html_gb_encoded_page_reads_the_same(tmp_path):
    """A GB-encoded page declaring charset=gb2312 reads as the UTF-8 page does."""
    text = plan_text("kaiping")
    utf8 = read_source(to_html(text, tmp_path / "a.html", title_of("kaiping")))
    gb = read_source(to_html(text, tmp_path / "b.htm", title_of("kaiping"), encoding="gb18030"))
    assert b'charset="gb2312"' in (tmp_path / "b.htm").read_bytes()[:300]
    assert gb.text == utf8.text


@pytest.mark.parametrize(
    ("variant", "old", "new"),
    [
        # no CMS content container: the densest block is taken
        (
            "plain",
            ('<div class="article">', '<div id="zoom" class="TRS_Editor">'),
            ('<div class="box">', '<div class="wrap">'),
        ),
        # an ASP.NET page: everything inside one form
        (
            "aspnet",
            ("<body>", "</body>"),
            ('<body><form id="form1" method="post">', "</form></body>"),
        ),
    ],
)
def test_html_article_is_found_in_other_layouts(tmp_path, variant, old, new):
    """The article is found without CMS class names, and inside a page-wide ASP.NET form."""
    text = plan_text("panyu")
    path = to_html(text, tmp_path / "panyu.html", title_of("panyu"))
    page = path.read_text(encoding="utf-8")
    for a, b in zip(old, new, strict=True):
        assert a in page
        page = page.replace(a, b)
    (tmp_path / f"{variant}.html").write_text(page, encoding="utf-8")
    source = read_source(tmp_path / f"{variant}.html")
    assert html_result(source.text) == html_expectation(text)
    furniture_absent(source.text, text)


def word_html_ref(m: re.Match[str]) -> str:
    """A footnote mark as Word's HTML export writes it (Word numbers notes from 1)."""
    k = int(m.group(1)) + 1
    return (
        f'</span><a href="#_ftn{k}" name="_ftnref{k}"><span class=MsoFootnoteReference>'
        f"[{k}]</span></a><span lang=ZH-CN>"
    )


def test_html_saved_from_word_keeps_its_footnotes(tmp_path):
    """A page as Word's "save as web page" writes it: GB-encoded, _ftnN links, no CMS markup."""
    paragraphs, notes, expected, expected_notes = [], [], [], []
    for line in plan_text("panyu").split("\n")[22:31]:
        head, bodies = split_notes(line)
        paragraphs.append(
            f"<p class=MsoNormal><span lang=ZH-CN>{REF.sub(word_html_ref, head)}</span></p>"
        )
        for n, body in bodies:
            k = int(n) + 1
            notes.append(
                f"<div style='mso-element:footnote' id=ftn{k}><p class=MsoFootnoteText>"
                f'<a href="#_ftnref{k}" name="_ftn{k}"><span class=MsoFootnoteReference>'
                f"[{k}]</span></a>{body}</p></div>"
            )
            expected_notes.append(f"[{k}: {body.strip()}]")
        expected.append(REF.sub(lambda m: f"[footnoteRef:{int(m.group(1)) + 1}]", head).strip())
    page = (
        '<html><head><meta http-equiv=Content-Type content="text/html; charset=gb2312">'
        "<style>p.MsoNormal {margin:0cm}</style></head><body lang=ZH-CN>\n"
        "<div class=WordSection1>\n" + "\n".join(paragraphs) + "\n</div>\n"
        "<div style='mso-element:footnote-list'><br clear=all><hr align=left size=1>\n"
        + "\n".join(notes)
        + "\n</div></body></html>"
    )
    path = tmp_path / "panyu.htm"
    path.write_bytes(page.encode("gb18030"))
    source = read_source(path)
    assert len(expected_notes) == 2
    # the <br> before the footnotes shows as a blank line, as in a browser
    assert source.text.split("\n") == [*expected, "", *expected_notes]


# --------------------------------------------------------------------------- pdf


def pdf_body(pages: list[str], title: str) -> tuple[str, list[str]]:
    """The running text of PDF-style pages (no headers, page numbers, footnotes) and notes."""
    body, notes = [], []
    for number, page in enumerate(pages, 1):
        lines = page.split("\n")
        if number > 1:
            assert lines[0] == title
            lines = lines[1:]
        assert re.fullmatch(rf" *(— {number} —|- {number} -)", lines[-1])
        assert ("—" in lines[-1]) == (number % 2 == 1)
        for line in lines[:-1]:
            (notes if line[:1] and line[:1] in "⁰¹²³⁴⁵⁶⁷⁸⁹" else body).append(line)
    return "".join(body), notes


def pdf_expectation(text: str) -> tuple[str, list[str]]:
    """What the PDF-style rendering of a text should say: running text squeezed, and notes."""
    shown, notes = [], []
    for line in text.split("\n"):
        head, bodies = split_notes(line)
        head = REF.sub(lambda m: m.group(1).translate(SUPERSCRIPT), BOOKMARK.sub("", head))
        if head.lstrip()[:1] in "⁰¹²³⁴⁵⁶⁷⁸⁹" and head.strip():
            notes.append(squeeze(head))  # qujiang's footnote lines stay footnote lines
        else:
            shown.append(head)
        notes += [squeeze(n.translate(SUPERSCRIPT) + body) for n, body in bodies]
    return squeeze("".join(shown)), notes


@pytest.mark.parametrize("key", PLANS)
def test_pdf_style_text_is_paginated_and_complete(tmp_path, key):
    """The PDF-style text has the page furniture it should and all of the plan."""
    text, title = plan_text(key), title_of(key)
    path = to_pdf_text(text, tmp_path / f"{key}.pdf.txt", title, width=38, lines_per_page=40)
    source = read_source(path)
    assert source.text == path.read_text(encoding="utf-8")
    pages = source.text.split("\n\f\n")
    assert len(pages) > 10
    body, notes = pdf_body(pages, title)
    expected_body, expected_notes = pdf_expectation(text)
    assert squeeze(body) == expected_body
    assert sorted(squeeze(n) for n in notes) == sorted(expected_notes)
    for page in pages:
        lines = page.split("\n")
        running = [x for x in lines[2:-2] if not x or x[:1] not in "⁰¹²³⁴⁵⁶⁷⁸⁹"]
        assert len(running) <= 40
        assert all(len(x.rstrip("⁰¹²³⁴⁵⁶⁷⁸⁹")) <= 38 for x in running)


@pytest.mark.parametrize("key", PLANS)
def test_real_pdf_text_layer_reads_back(tmp_path, key):
    """A real PDF reads back as its text layer, page by page with a form feed between."""
    text, title = plan_text(key), title_of(key)
    path = to_pdf(text, tmp_path / f"{key}.pdf", title)
    source = read_source(path)
    assert source.format == "pdf"
    expected = "\n\f\n".join("\n".join(page) for page in paginate(text, title))
    # blank lines are shown as a space so that extraction keeps them
    assert [x.rstrip() for x in source.text.split("\n")] == [
        x.rstrip() for x in expected.split("\n")
    ]
    pages = source.text.split("\n\f\n")
    assert [b.locator for b in source.blocks] == [f"page {n}" for n in range(1, len(pages) + 1)]
    for block, page in zip(source.blocks, pages, strict=True):
        assert source.text[block.offset : block.offset + block.length] == page
        assert source.locate(block.offset + block.length // 2) == block.locator


def test_pdf_with_only_an_owner_password_reads(tmp_path):
    """Government PDFs often restrict printing with an owner password: they still read."""
    path = tmp_path / "luzhai.pdf"
    path.write_bytes(encrypted_pdf(tmp_path, ""))
    plain = read_source(to_pdf(plan_text("luzhai"), tmp_path / "plain.pdf", title_of("luzhai")))
    assert read_source(path).text == plain.text


@pytest.mark.parametrize("key", PLANS)
def test_real_pdf_gives_the_same_plan(tmp_path, corpus, parsed, key):
    """A real PDF of a plan parses to the same model as its text file."""
    original = parsed[key]
    path = to_pdf(original.source.text, tmp_path / f"{key}.pdf", original.plan.title)
    rendered = parse_document(path, corpus)
    derive(rendered.plan)

    def comparable(value):
        """The model without spans, white space squeezed out of every string."""
        if isinstance(value, str):
            return squeeze(value)
        if isinstance(value, dict):
            return {k: comparable(v) for k, v in value.items()}
        if isinstance(value, list):
            return [comparable(v) for v in value]
        return value

    assert comparable(rendered.plan.to_dict(spans=False)) == comparable(
        original.plan.to_dict(spans=False)
    )


# --------------------------------------------------------------------------- bad files


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """A zip with a 1 GiB member of zeros, streamed through deflate: about 4.5 MB on disk."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as member:
            for _ in range(1024):
                member.write(chunk)
    return path


def lying_sizes(bomb: Path, size: int) -> bytes:
    """The bomb with its 1 GiB member declaring a small size in both of its headers."""
    data = bytearray(bomb.read_bytes())
    name = b"word/document.xml"
    local, central = data.index(name) - 30, data.rindex(name) - 46
    assert data[local : local + 4] == b"PK\x03\x04" and data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, local + 22, size)
    struct.pack_into("<I", data, central + 24, size)
    return bytes(data)


def zip_of(members: dict[str, bytes], level: int = 6) -> bytes:
    """A zip archive of the given members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def encrypted_pdf(tmp_path: Path, user_password: str) -> bytes:
    """A real PDF of a plan, encrypted (RC4, which pypdf handles without extra packages)."""
    from pypdf import PdfReader, PdfWriter

    plain = to_pdf(plan_text("luzhai"), tmp_path / "plain.pdf", title_of("luzhai"))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bytes(tmp_path: Path, key: str = "panyu") -> bytes:
    """A valid .docx rendering of a plan."""
    return to_docx(plan_text(key), tmp_path / "valid.docx").read_bytes()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00"
    b"\x00\x5c\x72\xa8\x66\x00\x00\x00\x0aIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + bytes(200)
NO_ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>首页</title>
<script>var s = "{cjk}";</script></head><body>
<div class="header"><h1>某区人民政府门户网站</h1><p>{cjk}</p></div>
<nav><ul>{links}</ul></nav>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开</div>
<div class="list"><ul>{links}</ul></div>
<div class="footer"><p>{cjk}</p><p>版权所有 粤ICP备05012345号</p></div>
</body></html>"""


def no_article_page() -> bytes:
    """A portal page: menus, lists of links and a long footer, but no article."""
    words = plan_text("kaiping")[200:800].replace("\n", "")
    links = "".join(
        f'<li><a href="/a/{i}.html">{words[i * 20 : i * 20 + 20]}</a></li>' for i in range(25)
    )
    return NO_ARTICLE.format(cjk=words, links=links).encode("utf-8")


def damaged_utf8() -> bytes:
    """A plan in UTF-8 with one byte gone bad (it must not be taken for GB18030)."""
    data = bytearray(plan_text("panyu").encode("utf-8"))
    data[5000] = 0xFF
    return bytes(data)


BAD_FILES = {
    # name: (what to write — bytes, or a function of tmp_path and the bomb — , expected words)
    "empty.txt": (b"", "empty document, expected a plan's text"),
    "blank.txt": (" \n\t\u3000\r\n\u3000 \n".encode(), "empty document"),
    "bom-only.md": (b"\xef\xbb\xbf\n", "empty document"),
    "random.txt": (random.Random(2022).randbytes(4096), "binary file, expected a UTF-8 or GB18030"),
    "image.txt": (PNG, "binary file"),
    "program.txt": (ELF, "binary file"),
    "utf16.txt": ("2021—2030年妇女发展规划\n".encode("utf-16-le") * 50, "binary file"),
    "damaged.txt": (damaged_utf8(), r"invalid UTF-8 at byte (4998|4999|5000); expected a UTF-8"),
    "truncated.docx": (
        lambda tmp, bomb: docx_bytes(tmp)[: len(docx_bytes(tmp)) // 2],
        "not a zip archive",
    ),
    "archive.docx": (
        lambda tmp, bomb: zip_of({"readme.txt": "妇女发展规划".encode()}),
        "without word/document.xml; expected a Word .docx document",
    ),
    "bomb.docx": (lambda tmp, bomb: bomb.read_bytes(), "not a zip bomb"),
    "lying.docx": (lambda tmp, bomb: lying_sizes(bomb, 4000), "damaged archive member .*CRC"),
    "dense.docx": (
        lambda tmp, bomb: zip_of({"word/document.xml": bytes(20 << 20)}, level=9),
        r"compressed \d+:1",
    ),
    "entities.docx": (
        lambda tmp, bomb: zip_of(
            {
                "word/document.xml": (
                    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
                    b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
                )
            }
        ),
        "DOCTYPE",
    ),
    "malformed.docx": (
        lambda tmp, bomb: zip_of(
            {"word/document.xml": word_document("<w:p><w:r><w:t>妇女</w:r></w:p>")}
        ),
        "not well-formed XML",
    ),
    "not-word.docx": (
        lambda tmp, bomb: zip_of({"word/document.xml": b"<html>x</html>"}),
        "not a WordprocessingML document",
    ),
    "blank.docx": (
        lambda tmp, bomb: to_docx("\n\n", tmp / "b.docx").read_bytes(),
        "empty document",
    ),
    "portal.html": (
        no_article_page(),
        "no article found in the HTML page; expected a page with the plan's text",
    ),
    "image.html": (PNG, "binary file"),
    "plan.xyz": (b"plan", "unsupported format '.xyz'; expected .txt, .md, .docx, .html or .pdf"),
    "plan": (b"plan", "unsupported format without a suffix"),
    "garbage.pdf": (random.Random(7).randbytes(3000), "not a PDF file"),
    "broken.pdf": (b"%PDF-1.4\n" + random.Random(8).randbytes(3000), "unreadable PDF"),
    "truncated.pdf": (
        lambda tmp, bomb: to_pdf(plan_text("luzhai"), tmp / "t.pdf", "鹿寨").read_bytes()[:30000],
        "unreadable PDF",
    ),
    "locked.pdf": (
        lambda tmp, bomb: encrypted_pdf(tmp, "secret"),
        "encrypted PDF that needs a password",
    ),
    "scanned.pdf": (
        lambda tmp, bomb: to_pdf("", tmp / "s.pdf", "空白").read_bytes(),
        r"no text layer; expected a PDF with selectable text \(scanned PDFs need",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_fails_with_one_clear_line(request, tmp_path, name):
    """Each bad file fails with one PlanError line naming it and what was expected."""
    content, expected = BAD_FILES[name]
    path = tmp_path / name
    if callable(content):
        bomb = request.getfixturevalue("bomb") if name in ("bomb.docx", "lying.docx") else None
        content = content(tmp_path, bomb)
    path.write_bytes(content)
    with pytest.raises(PlanError) as err:
        read_source(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message and "expected" in message
    assert re.search(expected, message), message


@pytest.mark.parametrize("name", ["missing.txt", "folder.docx"])
def test_unreadable_path_fails_with_one_clear_line(tmp_path, name):
    """A missing file or a directory fails with a PlanError, not an OSError."""
    path = tmp_path / name
    if name.startswith("folder"):
        path.mkdir()
    with pytest.raises(PlanError, match=r"cannot read the file \(.+\); expected") as err:
        read_source(path)
    assert str(err.value).startswith(str(path))
