"""The `plangraph` command as a user runs it: a real process, real files, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANGRAPH = Path(sys.executable).with_name("plangraph")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PLANGRAPH), *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_parse_prints_a_table_per_plan():
    out = run("parse", *(f"data/plans/{k}.txt" for k in ("qujiang", "luzhai")))
    assert out.returncode == 0, out.stderr
    assert "韶关市曲江区妇女发展规划（2021—2030年）" in out.stdout
    assert "韶曲府办〔2022〕7号" in out.stdout
    rows = re.findall(r"^\s+1\s+妇女与健康\s+(\d+)\s+(\d+)", out.stdout, re.M)
    assert rows == [("13", "12"), ("10", "12")]


def test_parse_json_dumps_the_model():
    out = run("parse", "--json", "data/plans/panyu.txt")
    assert out.returncode == 0, out.stderr
    [plan] = json.loads(out.stdout)
    assert plan["title"] == "广州市番禺区妇女发展规划（2021—2030年）"
    assert len(plan["areas"]) == 8
    goal = plan["areas"][0]["goals"][1]
    assert goal["targets"][0]["value"] == "7.5" and goal["targets"][0]["unit"] == "1/10万"
    assert set(goal["span"]) == {"start", "end", "line"}


def test_a_bad_file_in_a_batch_fails_alone(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    notice = tmp_path / "notice.txt"
    notice.write_text(
        "关于做好春节期间安全生产工作的通知。\n各单位要切实做好值班值守。\n", encoding="utf-8"
    )
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(b"PK\x03\x04 not really a zip")
    out = run("parse", str(empty), "data/plans/kaiping.txt", str(notice), str(bomb))
    assert out.returncode == 2
    assert "开平市妇女发展规划" in out.stdout
    errors = out.stderr.strip().splitlines()
    assert len(errors) == 3
    for line, path in zip(errors, (empty, notice, bomb), strict=True):
        assert line.startswith(f"error: {path}")
    assert "Traceback" not in out.stderr


def commands():
    """Every (command path, option) pair of the CLI, from click itself."""
    import click

    from plangraph.cli import main

    out = []

    def walk(cmd: click.Command, path: str) -> None:
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, f"{path} {name}".strip())
            return
        out.append((path, None))
        for param in cmd.params:
            if isinstance(param, click.Option):
                out.extend((path, opt) for opt in param.opts if opt.startswith("--"))

    walk(main, "")
    return out


@pytest.mark.parametrize(("command", "option"), commands())
def test_every_command_and_option_is_documented(command, option):
    """The README's command table names every command and every option (Datasette's rule)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"plangraph {command}" in readme
    if option:
        row = next(line for line in readme.splitlines() if f"`plangraph {command}" in line)
        assert option in row, f"{option} of `plangraph {command}` is not in its README row"


def test_query_refuses_service_in_one_line_and_never_connects(built_store):
    from tests.servers import listening

    with listening() as listener:
        query = f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"
        out = run("query", "--store", str(built_store), query)
    assert listener.connections == 0
    assert out.returncode == 2
    assert out.stderr.startswith("error: query: SERVICE is not allowed")
    assert out.stderr.count("\n") == 1


def test_query_says_updates_are_not_supported(built_store):
    out = run("query", "--store", str(built_store), "INSERT DATA { <a:s> <a:p> <a:o> }")
    assert out.returncode == 2
    assert (
        out.stderr.startswith("error: query: updates are not supported")
        and out.stderr.count("\n") == 1
    )


def test_query_syntax_error_is_one_line(built_store):
    out = run("query", "--store", str(built_store), "SELECT * {")
    assert out.returncode == 2
    assert out.stderr.startswith("error: query: error at 1:11") and out.stderr.count("\n") == 1


def test_a_runaway_query_is_stopped_at_the_timeout(built_store):
    import time

    started = time.monotonic()
    out = run(
        "query",
        "--store",
        str(built_store),
        "--timeout",
        "2",
        "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    )
    assert (
        time.monotonic() - started < 2 + 6
    )  # the deadline, plus starting Python on a busy machine
    assert out.returncode == 2
    assert "stopped after 2 s" in out.stderr and out.stderr.count("\n") == 1


def test_ctrl_c_stops_a_query_with_exit_130(built_store):
    import signal
    import time

    process = subprocess.Popen(
        [
            str(PLANGRAPH),
            "query",
            "--store",
            str(built_store),
            "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 130
    assert err.strip() == "error: interrupted; the query was stopped"


def test_bad_setting_is_one_line_and_exit_2(tmp_path):
    out = subprocess.run(
        [str(PLANGRAPH), "query", "ASK {}"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PLANGRAPH_TIMEOUT": "soon"},
    )
    assert out.returncode == 2
    assert out.stderr.strip() == "error: PLANGRAPH_TIMEOUT='soon': expected a number"


def test_query_over_a_remote_endpoint_gives_the_same_table(built_store, oxigraph_server, tmp_path):
    from queryapi.push import push_store
    from queryapi.store import open_store

    push_store(open_store(built_store), oxigraph_server.store_url)
    query = tmp_path / "targets-everywhere.rq"  # every region's plans, not the default city's
    text = (ROOT / "queries/targets-of-indicator.rq").read_text("utf-8")
    query.write_text(text.replace("region/liuzhou>", "region/china>"), "utf-8")
    local = run("query", "--store", str(built_store), f"@{query}")
    remote = run("query", "--endpoint", oxigraph_server.query_url, f"@{query}")
    assert local.returncode == remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout and "(5 rows)" in local.stdout
    refused = run(
        "query", "--endpoint", oxigraph_server.query_url, "INSERT DATA { <a:s> <a:p> <a:o> }"
    )
    assert refused.returncode == 2 and "updates are not supported" in refused.stderr


def test_serve_without_a_store_or_on_a_taken_port_is_one_line(tmp_path, built_store):
    import socket

    missing = run("serve", "--store", str(tmp_path / "none"))
    assert missing.returncode == 2
    assert missing.stderr.startswith(f"error: {tmp_path / 'none'}: no store here")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        busy = run("serve", "--store", str(built_store), "--port", str(port))
    assert busy.returncode == 2
    assert busy.stderr.startswith(f"error: 127.0.0.1:{port}: cannot listen")
    assert busy.stderr.count("\n") == 1
