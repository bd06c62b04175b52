"""Regions from the gazetteer, titles, plan keys, oversized documents and one-line errors,
on copies of the seed plans written to a temporary folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest.corpus import load_corpus, slug
from ingest.errors import PlanError
from ingest.parse import parse_document, parse_source
from ingest.readers import read_source
from ingest.regions import gazetteer, name_level, title_region
from ontology.dataset import build_dataset
from ontology.iris import RegionNames

ROOT = Path(__file__).resolve().parent.parent
LUZHAI = ROOT / "data" / "plans" / "luzhai.txt"
PLANGRAPH = Path(sys.executable).with_name("plangraph")


def renamed(tmp_path: Path, name: str, region: str, before: str = "") -> Path:
    """The Luzhai plan under another file name, titled for another region."""
    text = LUZHAI.read_text(encoding="utf-8").replace(
        "鹿寨县妇女发展规划\n", f"{region}妇女发展规划\n", 1
    )
    path = tmp_path / name
    path.write_text(before + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "code", "level", "city", "province"),
    [
        ("开平市", "440783", "county", "江门市", "广东省"),
        ("韶关市曲江区", "440205", "county", "韶关市", "广东省"),
        ("鹿寨县", "450223", "county", "柳州市", "广西壮族自治区"),
        ("宜宾市", "511500", "municipal", None, "四川省"),
        ("贵州省", "520000", "provincial", None, "贵州省"),
        ("仙桃市", "429004", "county", None, "湖北省"),
        ("北京市朝阳区", "110105", "county", None, "北京市"),
    ],
)
def test_the_gazetteer_knows_code_level_and_parents(name, code, level, city, province):
    where = gazetteer().find(name)
    assert where is not None
    assert (where.region.code, where.region.level) == (code, level)
    assert (where.city.name if where.city else None) == city
    assert where.province is not None and where.province.name == province


def test_an_ambiguous_name_alone_is_not_guessed():
    assert gazetteer().find("朝阳区") is None


def test_names_keep_their_suffix_and_level():
    assert title_region("杭州市儿童发展规划（2021—2030年）") == "杭州市"
    assert title_region("贵州省妇女发展规划（2021—2030年）") == "贵州省"
    assert name_level("贵州省妇女发展规划（2021—2030年）") == "provincial"
    assert name_level("开平市妇女发展规划（2021—2030年）") == "county"
    assert name_level("中国妇女发展纲要（2021—2030年）") == "national"


def test_a_plan_outside_the_corpus_gets_its_region_from_the_gazetteer(tmp_path):
    doc = parse_document(renamed(tmp_path, "children-county.txt", "开平市"), load_corpus())
    plan = doc.plan
    assert plan.key == "children-county"
    assert (plan.region, plan.level, plan.parent_region) == ("开平市", "county", "江门市")
    quads = build_dataset([doc], load_corpus()).quads()
    codes = {
        q.subject.value: q.object.value for q in quads if q.predicate.value.endswith("regionCode")
    }
    parent = {
        q.subject.value: q.object.value for q in quads if q.predicate.value.endswith("partOf")
    }
    ingested = {q.subject.value for q in quads if q.predicate.value.endswith("hasArea")}
    [region] = {
        q.object.value
        for q in quads
        if q.predicate.value.endswith("jurisdiction") and q.subject.value in ingested
    }
    chain = [region]
    while chain[-1] in parent:
        chain.append(parent[chain[-1]])
    # its chain; the plans it cites have theirs (鹿寨县's, the document being Luzhai's renamed)
    assert [codes.get(r) for r in chain] == ["440783", "440700", "440000", None]


def test_a_city_plan_is_municipal_under_its_province(tmp_path):
    plan = parse_document(renamed(tmp_path, "yibin.txt", "宜宾市"), load_corpus()).plan
    assert (plan.region, plan.level, plan.parent_region) == ("宜宾市", "municipal", None)


def test_the_title_is_not_the_notice_sentence_quoting_it(tmp_path):
    notice = "各县（区）人民政府：\n现将《宜宾市妇女发展规划（2021—2030年）》印发给你们，请认真贯彻执行。\n"
    plan = parse_document(renamed(tmp_path, "yibin.txt", "宜宾市", notice), load_corpus()).plan
    assert plan.title == "宜宾市妇女发展规划（2021—2030年）"
    assert plan.region == "宜宾市"


def test_no_title_is_an_error_not_the_preface(tmp_path):
    lines = LUZHAI.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "untitled.txt"
    path.write_text("".join(lines[3:]), encoding="utf-8")
    with pytest.raises(PlanError, match=r"untitled.txt:\d+: no title line .*expected"):
        parse_document(path, load_corpus())


def test_ascii_file_names_give_word_keys():
    assert slug("children-county") == "children-county"
    assert slug("Plan_2021 v2") == "plan-2021-v2"
    assert slug("鹿寨县") == "lu-zhai-xian"


def test_a_document_of_many_plans_is_refused_by_size(tmp_path):
    path = tmp_path / "repeated.txt"
    path.write_text(LUZHAI.read_text(encoding="utf-8") * 30, encoding="utf-8")
    with pytest.raises(
        PlanError, match=r"too long \(.* characters, limit 100,000\); expected one plan"
    ):
        parse_source(read_source(path), None, max_chars=100_000)


@pytest.mark.parametrize(
    "plan",
    [LUZHAI, ROOT / "tests" / "data" / "plans" / "yibin-women.txt"],
    ids=["numbered", "bare"],
)
def test_numbering_that_starts_again_and_again_is_refused(tmp_path, plan):
    """Areas numbered or bare (regression: bare headings were all taken as restarts)."""
    parse_document(plan, load_corpus())
    path = tmp_path / "repeated.txt"
    path.write_text(plan.read_text(encoding="utf-8") * 4, encoding="utf-8")
    with pytest.raises(
        PlanError, match=r"repeated.txt:\d+: area numbering starts again .* one plan"
    ):
        parse_document(path, load_corpus())


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(101 * 1024 * 1024)  # sparse: no disk, no time
    with pytest.raises(PlanError, match=r"too large .*MB"):
        parse_document(path, load_corpus())


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PLANGRAPH), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
    )


def one_line_error(out: subprocess.CompletedProcess[str], *words: str) -> None:
    assert out.returncode == 2, out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    for word in words:
        assert word in out.stderr, out.stderr


def test_bad_configuration_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("x = [", encoding="utf-8")
    shape = tmp_path / "shape.toml"
    shape.write_text("[a]\nfile = 3\n", encoding="utf-8")
    store = str(tmp_path / "store")
    one_line_error(
        run("build", "--store", store, "--no-graphs", PLANGRAPH_LEXICON=str(bad)),
        "bad.toml",
        "not TOML",
        "PLANGRAPH_LEXICON",
    )
    one_line_error(
        run("build", "--store", store, "--no-graphs", PLANGRAPH_LEXICON=str(tmp_path / "no.toml")),
        "no.toml",
        "no such file",
    )
    one_line_error(
        run("parse", str(LUZHAI), PLANGRAPH_CORPUS=str(shape)),
        "shape.toml",
        "PLANGRAPH_CORPUS",
        "file =",
    )
    one_line_error(run("parse", str(LUZHAI), PLANGRAPH_CORPUS=str(tmp_path)), "is a directory")


def test_bad_paths_and_utf16_are_one_line_and_exit_2(tmp_path):
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes("鹿寨县妇女发展规划".encode("utf-16"))
    one_line_error(run("parse", str(tmp_path)), "is a directory")
    one_line_error(run("parse", str(tmp_path / "gone.txt")), "gone.txt", "no such file")
    one_line_error(
        run("build", str(tmp_path / "gone.txt"), "--store", str(tmp_path / "s"), "--no-graphs"),
        "no such file",
    )
    one_line_error(run("parse", str(utf16)), "UTF-16", "UTF-8")


def test_the_corpus_agrees_with_the_gazetteer():
    for entry in load_corpus():
        where = gazetteer().find(entry.region)
        assert where is not None, entry.key
        assert where.city is not None and where.city.name == entry.parent_region, entry.key
        assert where.province is not None and where.province.name == entry.province, entry.key
        assert entry.meta()["level"] == "county", entry.key


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("广州市番禺区妇女发展规划（2021—2030年）", "panyu"),
        ("番禺区妇女发展规划（2021—2030年）", "panyu"),  # the short name
        ("曲江区儿童发展规划", "qujiang"),
        ("鹿寨县妇女发展规划（2021—2030年）", "luzhai"),
        ("广州市妇女发展规划（2021—2030年）", None),  # a parent region: not a corpus entry
        ("中国妇女发展纲要（2021—2030年）", None),
    ],
)
def test_a_cited_titles_corpus_entry_is_the_longest_region_it_begins_with(title, key):
    entry = RegionNames(load_corpus()).entry_at_start(title)
    assert (entry.key if entry else None) == key
