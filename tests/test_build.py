"""`plangraph build` at scale: documents parsed in worker processes, each plan streamed to the
store; a bad document still fails the build with FILE:LINE and changes nothing; a progress bar
on a terminal only."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.errors import PlanError
from plangraph.pipeline import POOL_MIN_DOCUMENTS, build
from plangraph.settings import Settings
from queryapi.store import open_store
from synth.corpus import synthesize

ROOT = Path(__file__).resolve().parent.parent
PLANGRAPH = Path(sys.executable).with_name("plangraph")


def test_a_bad_document_in_a_worker_fails_with_its_line_and_changes_nothing(tmp_path):
    """The pool path (enough documents for worker processes): the PlanError crosses the
    process boundary whole, and the store and graphs/ stay as they were."""
    corpus = synthesize(POOL_MIN_DOCUMENTS, 11, tmp_path / "corpus", formats=("txt",))
    settings = Settings.from_env(corpus=corpus.corpus_file, jobs=2)
    store, graphs = tmp_path / "store", tmp_path / "graphs"
    first = build(settings, [corpus.out / corpus.plans[0].file], store=store, graphs=graphs)
    before = {p.name: p.read_bytes() for p in graphs.iterdir()}
    bad = corpus.out / corpus.plans[-2].file
    text = bad.read_text(encoding="utf-8").rstrip()
    bad.write_text(text[: text.rindex("。") - 3], encoding="utf-8")  # cut mid-sentence
    with pytest.raises(PlanError) as caught:
        build(settings, store=store, graphs=graphs)
    assert caught.value.path == str(bad) and caught.value.line
    assert str(caught.value).startswith(f"{bad}:{caught.value.line}: the document stops")
    assert len(open_store(store)) == first.store.quads
    assert {p.name: p.read_bytes() for p in graphs.iterdir()} == before
    assert not list(tmp_path.glob(".graphs.building-*"))


def _build_output(stderr_tty: bool, store: Path) -> str:
    """The stderr of a build of one seed plan, on a terminal or on a pipe."""
    plan = ROOT / "data" / "plans" / "luzhai.txt"
    args = [str(PLANGRAPH), "build", str(plan), "--store", str(store), "--no-graphs"]
    if not stderr_tty:
        return subprocess.run(args, capture_output=True, text=True, timeout=120).stderr
    main, child = pty.openpty()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=child, timeout=120)
    os.close(child)
    assert done.returncode == 0
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return b"".join(chunks).decode(errors="replace")


def test_a_progress_bar_on_a_terminal_only(tmp_path):
    assert "building" in _build_output(True, tmp_path / "a")
    assert _build_output(False, tmp_path / "b") == ""
