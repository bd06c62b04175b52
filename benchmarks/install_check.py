"""Install the project into a fresh venv outside the checkout and run it from elsewhere:
`plangraph parse`, `build` and `validate` must work on the package data alone.

An install takes 20–45 s, too slow for the test suite; run it before a release or in CI:
.venv/bin/python benchmarks/install_check.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path) -> str:
    """Run a command, failing loudly with its stderr."""
    out = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {out.returncode}\n{out.stderr}")
    return out.stdout


def main() -> None:
    """Install, then parse a shipped plan, build the corpus and validate it, from a temp dir."""
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        started = time.perf_counter()
        run(sys.executable, "-m", "venv", str(where / "venv"), cwd=where)
        run(str(where / "venv/bin/pip"), "install", "--quiet", str(ROOT), cwd=where)
        installed = time.perf_counter() - started
        plangraph = str(where / "venv/bin/plangraph")
        shipped = run(
            str(where / "venv/bin/python"),
            "-c",
            "from ingest.corpus import PLANS_DIR; print(PLANS_DIR)",
            cwd=where,
        ).strip()
        assert str(ROOT) not in shipped, f"the installed package reads the checkout: {shipped}"
        run(plangraph, "parse", str(Path(shipped) / "luzhai.txt"), cwd=where)
        print(run(plangraph, "build", cwd=where))  # the store and graphs/ go in the folder run from
        assert (where / "var" / "store" / "CURRENT").exists() and (where / "graphs").is_dir()
        print(run(plangraph, "validate", cwd=where).splitlines()[0])
        print(run(plangraph, "query", "ASK { ?p a pg:Plan }", cwd=where))
        print(f"install {installed:.1f} s; package data from {shipped}")


if __name__ == "__main__":
    main()
