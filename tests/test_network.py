"""The department–measure network: loads add up to the measures, GraphML round-trips."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from plangraph.pipeline import dataset_for, parse_all
from plangraph.settings import Settings
from queryapi.network import reports
from queryapi.store import build_store, open_store

PLANGRAPH = Path(sys.executable).with_name("plangraph")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    settings = Settings.from_env()
    path = tmp_path_factory.mktemp("network") / "store"
    build_store(dataset_for(settings, parse_all(settings)), path)
    return path


def test_each_measure_has_one_lead_in_the_network(store_dir):
    """Per plan, the leads add up to the plan's measures (one lead each)."""
    measures = {
        "guangzhou-panyu-women-2021-2030": 89,
        "jiangmen-kaiping-women-2021-2030": 93,
        "liuzhou-luzhai-women-2021-2030": 96,
        "shaoguan-qujiang-women-2021-2030": 85,
    }
    got = {
        r.key: (r.measures, sum(d.lead for d in r.departments))
        for r in reports(open_store(store_dir))
    }
    for key, n in measures.items():
        assert got[key] == (n, n)
    assert got["all"] == (sum(measures.values()), sum(measures.values()))


def test_command_writes_graphml(store_dir, tmp_path):
    out = subprocess.run(
        [
            str(PLANGRAPH),
            "analyze",
            "departments",
            "--store",
            str(store_dir),
            "--graphml",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "all plans, by department type" in out.stdout
    g = nx.read_graphml(tmp_path / "departments-all.graphml")
    assert any(d.get("label") == "卫生健康" for _, d in g.nodes(data=True))
