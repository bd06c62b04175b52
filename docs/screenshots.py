"""Write the README's screenshots of the web page (docs/screenshots/*.png).

Serves the store (`var/store`, built by `plangraph build`, or --store) with `plangraph serve` on a
free port and walks the same tour as the browser test (tests/browser.py) in Debian's headless
Chromium, one screenshot per view:

    .venv/bin/python docs/screenshots.py [--store var/store] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium, expect_timeout, tour  # noqa: E402
from tests.servers import plangraph_serve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not (args.store / "CURRENT").exists():
        sys.exit(f"{args.store}: no store; run `plangraph build` first, or pass --store DIR")
    expect_timeout(10_000)
    with plangraph_serve(args.store) as server, chromium() as browser:
        seen = tour(browser, server.url, args.out)
    for path in seen.screenshots:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
