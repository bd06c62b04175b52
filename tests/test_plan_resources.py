"""Plans as resources: one resource per cited plan whatever the printed variant, each with its
level and jurisdiction, and the pg:upstreamPlan chain from every plan up to the national outline."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.citations import canonical_title, edition_title, find_citations
from queryapi.store import open_store, run_query
from tests.conftest import PLANS

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/plangraph/id/plan/"
OUTLINE = ID + "china-women-outline-2021-2030"
GOAL_TO_OUTLINE = "^pg:hasGoal/^pg:hasArea/pg:upstreamPlan+"


def rows(store: Path, query: str) -> list[dict[str, str]]:
    result = run_query(open_store(store), query)
    return [
        {k: v for k, v in zip(result.variables, row, strict=True) if v is not None}
        for row in result.rows
    ]


def test_printed_variants_have_one_canonical_title():
    """The variants printed in the seeds (data/plans/*.txt) fold to one title."""
    guangzhou = "广州市妇女发展规划（2021—2030年）"
    for printed in (
        "广州市妇女发展规划（2021-2030年）",
        "广州市妇女发展规划（2021—2030年）（第三次征求意见稿）",
        "广州市妇女发展规划（2021—2030 年）（第三次征求意见稿）",
        "广州市妇女发展规划（2021-2030）",
    ):
        assert canonical_title(printed) == guangzhou, printed
    assert canonical_title("中国妇女发展纲要 （2021—2030年）") == "中国妇女发展纲要（2021—2030年）"
    assert canonical_title("江门市妇女发展规划(2021—2030年)") == "江门市妇女发展规划（2021—2030年）"


def test_a_period_less_outline_is_the_citing_plans_edition():
    """开平 cites 《中国妇女发展纲要》 without its period: the 2021—2030 edition."""
    assert edition_title("中国妇女发展纲要", (2021, 2030)) == "中国妇女发展纲要（2021—2030年）"
    assert edition_title("中国妇女发展纲要", None) == "中国妇女发展纲要"
    assert edition_title("番禺区“十四五”规划", (2021, 2030)) == "番禺区“十四五”规划"
    text = (ROOT / "data/plans/kaiping.txt").read_text("utf-8")
    assert "中国妇女发展纲要" in {c.title for c in find_citations(text)}


def test_a_draft_suffix_after_the_title_is_kept_with_the_citation():
    """（送审稿） printed after the 》 is the citation's draft, not part of its title."""
    [c] = find_citations("同《广州市妇女发展规划（2021-2030）》（送审稿）（以下简称广州市规划）")
    assert (c.title, c.draft) == ("广州市妇女发展规划（2021-2030）", "（送审稿）")


def test_each_plan_resource_has_one_title_and_keeps_the_printed_variants(built_store):
    """One dcterms:title per plan IRI; the short 《中国妇女发展纲要》 and the drafts are altLabels."""
    titles = rows(
        built_store,
        """SELECT ?p (COUNT(?t) AS ?n) WHERE { ?p a pg:Plan ; dcterms:title ?t } GROUP BY ?p""",
    )
    assert titles and {r["n"] for r in titles} == {"1"}, titles
    plans = {r["p"] for r in titles}
    assert ID + "china-women-outline" not in plans
    labels = rows(built_store, "SELECT ?p ?l WHERE { ?p a pg:Plan ; skos:altLabel ?l }")
    alt = {}
    for r in labels:
        alt.setdefault(r["p"], set()).add(r["l"])
    assert {"中国妇女发展纲要", "中国妇女发展纲要(2021—2030年)"} <= alt[OUTLINE]
    assert {
        "广州市妇女发展规划（2021—2030年）（第三次征求意见稿）",
        "广州市妇女发展规划（2021-2030年）（送审稿）",
        "广州市妇女发展规划（2021-2030）（送审稿）",
    } <= alt[ID + "guangzhou-women-2021-2030"]
    # every printed form of a women's plan names one resource per region and period
    canon = {}
    for p, ls in alt.items():
        for label in ls:
            canon.setdefault(edition_title(label, (2021, 2030)), set()).add(p)
    assert all(len(ps) == 1 for t, ps in canon.items() if "妇女发展" in t), canon


def test_every_plan_has_a_level_and_a_jurisdiction(built_store):
    missing = rows(
        built_store,
        """SELECT ?p WHERE { ?p a pg:Plan .
             FILTER NOT EXISTS { ?p pg:level ?l ; pg:jurisdiction ?r . ?r a pg:Region } }""",
    )
    assert missing == []
    found = {
        r["p"].removeprefix(ID): (r["level"].rsplit("#")[-1], r["region"])
        for r in rows(
            built_store,
            """SELECT ?p ?level ?region WHERE {
                 ?p a pg:Plan ; pg:level ?level ; pg:jurisdiction/rdfs:label ?region }""",
        )
    }
    assert found["china-women-outline-2021-2030"] == ("National", "中国")
    assert found["guangdong-women-2021-2030"] == ("Provincial", "广东省")
    assert found["guangxi-women-2021-2030"] == ("Provincial", "广西壮族自治区")
    assert found["jiangmen-women-2021-2030"] == ("Municipal", "江门市")
    assert found["guangzhou-panyu-women-2011-2020"] == ("County", "广州市番禺区")


CHAINS = {
    "qujiang": ["shaoguan-qujiang", "shaoguan", "guangdong", "china"],
    "panyu": ["guangzhou-panyu", "guangzhou", "guangdong", "china"],
    "kaiping": ["jiangmen-kaiping", "jiangmen", "guangdong", "china"],
    "luzhai": ["liuzhou-luzhai", "liuzhou", "guangxi", "china"],
}


@pytest.mark.parametrize("key", PLANS)
def test_upstream_chain_of_each_seed(built_store, key):
    """County → its city's plan → its province's plan → the national outline."""
    chain = [
        ID + r + ("-women-outline-2021-2030" if r == "china" else "-women-2021-2030")
        for r in CHAINS[key]
    ]
    found = rows(
        built_store,
        f"SELECT ?up WHERE {{ <{chain[0]}> pg:upstreamPlan* ?up }}",
    )
    assert {r["up"] for r in found} == set(chain)
    levels = ["Municipal", "Provincial", "National"]
    for lower, upper, level in zip(chain[:-1], chain[1:], levels, strict=True):
        [step] = rows(
            built_store, f"SELECT ?u ?l WHERE {{ <{lower}> pg:upstreamPlan ?u . ?u pg:level ?l }}"
        )
        assert (step["u"], step["l"].rsplit("#")[-1]) == (upper, level)
    assert rows(built_store, f"SELECT ?u WHERE {{ <{OUTLINE}> pg:upstreamPlan ?u }}") == []


def test_every_development_plan_of_the_cycle_reaches_the_outline(built_store):
    """?plan pg:upstreamPlan+ the outline, for every plan of 2021—2030 but the outline itself;
    plans of 2011—2020 reach that period's outline."""
    plans = rows(
        built_store,
        """SELECT ?p ?t ?top WHERE { ?p a pg:Plan ; dcterms:title ?t .
             FILTER (CONTAINS(?t, "妇女发展规划"))
             OPTIONAL { ?p pg:upstreamPlan+ ?top . ?top pg:level pg:National } }""",
    )
    assert len(plans) >= 10
    for r in plans:
        edition = "2021-2030" if "2021—2030" in r["t"] else "2011-2020"
        assert r.get("top") == ID + "china-women-outline-" + edition, r


def test_one_path_reaches_the_outline_from_any_goal(built_store):
    """?goal ^pg:hasGoal/^pg:hasArea/pg:upstreamPlan+ ?outline, for every goal of every local plan."""
    [row] = rows(
        built_store,
        f"""SELECT (COUNT(DISTINCT ?goal) AS ?goals) (COUNT(DISTINCT ?reached) AS ?up) WHERE {{
              ?plan pg:hasArea/pg:hasGoal ?goal ; pg:level ?level . FILTER (?level != pg:National)
              OPTIONAL {{ ?goal {GOAL_TO_OUTLINE} <{OUTLINE}> . BIND (?goal AS ?reached) }}
            }}""",
    )
    assert int(row["goals"]) > 100 and row["up"] == row["goals"]
