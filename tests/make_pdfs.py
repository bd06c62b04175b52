"""Regenerate the real-producer PDF fixtures in tests/data/pdf/ (run from the checkout's root).

    .venv/bin/python -m tests.make_pdfs

Each fixture is an excerpt of a seed plan (its preface and first areas, so the file stays small)
printed the way plans are published: by Chromium headless from a plain HTML page (with the
browser's running header and footer: date, title, file address and page count), and by
LibreOffice from the Word rendering when `libreoffice` is installed. The tests compare each
PDF's model with the model of the same excerpt as a .txt (see excerpt()).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"
OUT = Path(__file__).resolve().parent / "data" / "pdf"
FIXTURES = ("luzhai",)
AREAS_KEPT = 1  # development areas kept in an excerpt
_PREFACE = re.compile(r"^前\s*言\s*$", re.M)
_PART = re.compile(r"^[一二三四五六七八九十]+、发展领域", re.M)
_AREA_HEADING = re.compile(r"^（[一二三四五六七八九十]+）妇女", re.M)
_CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def excerpt(key: str) -> str:
    """A seed plan's title block and its first AREAS_KEPT areas (preface and principles left out).

    Chromium embeds Noto CJK as Type 3 glyph procedures, so a PDF's size grows with the
    characters it shows: a short excerpt keeps the fixture small.
    """
    text = (PLANS / f"{key}.txt").read_text(encoding="utf-8")
    preface = _PREFACE.search(text)
    headings = list(_AREA_HEADING.finditer(text))
    part = _PART.search(text)
    assert preface is not None and part is not None, f"{key}.txt: no 前言 or 发展领域 heading"
    body = text[part.start() : headings[AREAS_KEPT].start()]
    return text[: preface.start()].rstrip() + "\n\n" + body.rstrip() + "\n"


def plain_html(text: str, title: str) -> str:
    """The text as a plain printable page: one paragraph per non-blank line, A4 margins."""
    paragraphs = "\n".join(f"<p>{escape(line)}</p>" for line in text.split("\n") if line.strip())
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        "<style>@page { size: A4; margin: 20mm } body { font: 12pt 'Noto Sans CJK SC', sans-serif }"
        " p { margin: 0 0 4pt; text-indent: 2em }</style></head>\n"
        f"<body>\n{paragraphs}\n</body></html>\n"
    )


def chromium_pdf(text: str, title: str, out: Path) -> None:
    """Print the text to PDF with Chromium headless, keeping its default header and footer."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium not found; expected `apt-get install -y chromium`")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / f"{out.stem}.html"
        page.write_text(plain_html(text, title), encoding="utf-8")
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                browser,
                *_CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={out}",
                page,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def libreoffice_pdf(text: str, out: Path) -> bool:
    """Convert the Word rendering of the text to PDF with LibreOffice; False when not installed."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        return False
    from synth.renderings import to_docx

    with tempfile.TemporaryDirectory() as tmp:
        docx = to_docx(text, Path(tmp) / f"{out.stem}.docx")
        subprocess.run(
            [
                office,
                "--headless",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                docx,
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        shutil.move(Path(tmp) / f"{out.stem}.pdf", out)
    return True


def title_of(text: str) -> str:
    """The plan's title: its first non-blank line."""
    return next(line.strip() for line in text.split("\n") if line.strip())


def main() -> int:
    """Write tests/data/pdf/<producer>/<key>.pdf for every fixture plan."""
    for key in FIXTURES:
        text = excerpt(key)
        (OUT / "chromium").mkdir(parents=True, exist_ok=True)
        chromium_pdf(text, title_of(text), OUT / "chromium" / f"{key}.pdf")
        print(f"wrote {OUT / 'chromium' / f'{key}.pdf'}")
        (OUT / "libreoffice").mkdir(parents=True, exist_ok=True)
        if libreoffice_pdf(text, OUT / "libreoffice" / f"{key}.pdf"):
            print(f"wrote {OUT / 'libreoffice' / f'{key}.pdf'}")
        else:
            print("libreoffice not found; LibreOffice fixtures not regenerated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
