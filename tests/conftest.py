"""Shared fixtures: the real corpus parsed once per session, a built store, a SPARQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from derive import derive
from ingest.corpus import CorpusEntry, load_corpus
from ingest.parse import ParsedDocument, parse_document
from plangraph.pipeline import build
from plangraph.settings import Settings
from tests.servers import Server, oxigraph_serve

PLANS = ["qujiang", "panyu", "kaiping", "luzhai"]


@pytest.fixture(scope="session")
def corpus() -> list[CorpusEntry]:
    return load_corpus()


@pytest.fixture(scope="session")
def parsed(corpus: list[CorpusEntry]) -> dict[str, ParsedDocument]:
    """Each seed plan read and given its area types (owners are left to the tests that need them)."""
    docs = {e.key: parse_document(e.path, corpus) for e in corpus}
    for doc in docs.values():
        derive(doc.plan)
    return docs


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four plans built once into a store of this test session's own."""
    store = tmp_path_factory.mktemp("built") / "store"
    build(Settings.from_env(), store=store)
    return store


@pytest.fixture(scope="module")
def pushed_oxigraph(built_store, tmp_path_factory):
    """A real `oxigraph serve` holding the four plans, pushed graph by graph by `plangraph push`."""
    from queryapi.push import push_store
    from queryapi.store import open_store

    with oxigraph_serve(tmp_path_factory.mktemp("remote")) as remote:
        push_store(open_store(built_store), remote.store_url)
        yield remote


# --- W3C protocol tests: a per-category tally, printed at the end of the session ---------
#
# test_w3c_protocol.py marks each case with @pytest.mark.w3c(units=[category, ...]), runs it
# on each kind of the `server` fixture (whose param has a .name), and records ("w3c_outcomes", [(category, outcome), ...]) in its user_properties.  Reports
# carry user_properties, and under pytest-xdist pytest_runtest_logreport runs in the controller
# on the reports the workers send, so the tally is complete with -n 2 as well.

W3C_OUTCOMES = ("passed", "failed", "xfailed", "skipped")


class W3CTally:
    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], dict[str, int]] = {}

    def add(self, server: str, category: str, outcome: str) -> None:
        row = self.counts.setdefault((server, category), dict.fromkeys(W3C_OUTCOMES, 0))
        row[outcome] += 1

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if "w3c_units" not in props:
            return
        server, units = props["w3c_server"], props["w3c_units"]
        if report.when == "setup" and not report.passed:
            for category in units:  # not run: skipped (feature, server missing) or an error
                self.add(server, category, "skipped" if report.skipped else "failed")
        elif report.when == "call":
            outcomes = props.get("w3c_outcomes") or [(c, "failed") for c in units]
            xfailed = hasattr(report, "wasxfail") and report.skipped
            for category, outcome in outcomes:
                self.add(
                    server, category, "xfailed" if xfailed and outcome == "failed" else outcome
                )

    @pytest.hookimpl
    def pytest_terminal_summary(
        self, terminalreporter, exitstatus: int, config: pytest.Config
    ) -> None:
        if not self.counts or hasattr(config, "workerinput"):
            return
        tr = terminalreporter
        tr.section("W3C SPARQL 1.1 Protocol / Graph Store Protocol")
        tr.write_line("(units: one per protocol test; one per request for graph store tests)")
        tr.write_line(f"{'server':<10} {'category':<18}" + "".join(f"{o:>9}" for o in W3C_OUTCOMES))
        order = {
            c: i
            for i, c in enumerate(
                ("query", "update", "negative", "graph-store read", "graph-store write")
            )
        }
        for (server, category), row in sorted(
            self.counts.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 9))
        ):
            tr.write_line(
                f"{server:<10} {category:<18}" + "".join(f"{row[o]:>9}" for o in W3C_OUTCOMES)
            )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "w3c(units): a W3C protocol test and its tally units")
    config.pluginmanager.register(W3CTally(), "w3c-tally")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if (mark := item.get_closest_marker("w3c")) is not None:
            server = item.callspec.params["server"].name  # type: ignore[attr-defined]
            item.user_properties += [("w3c_server", server), ("w3c_units", mark.kwargs["units"])]


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real `oxigraph serve` (read-write, union default graph) on a free loopback port with an
    empty on-disk store, for the session. Tests share it, so they put whole graphs (PUT
    replaces them) under their own graph IRIs."""
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server
