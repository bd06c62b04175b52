"""Upstream statements from the Panyu plan's footnotes: every form read, counted by hand, and the
Guangdong and Guangzhou plans built from them into the graph."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from derive.quoted import quoted_plans
from ingest.quotations import Names, find_quotations, read_note
from queryapi.store import open_store, run_query

NATION = "中国妇女发展纲要（2021—2030年）"
GUANGDONG = "广东省妇女发展规划（2021—2030年）"
GUANGZHOU = "广州市妇女发展规划（2021—2030年）"
SHORT = {NATION: "国", GUANGDONG: "省", GUANGZHOU: "市"}
ID = "https://w3id.org/plangraph/id/"

# Read by hand from data/plans/panyu.txt: footnote → (plan, relation) in the note's order.
BY_NOTE = {
    "0": [("市", "same")],  # 与《广州…（第三次征求意见稿）》 要求保持一致
    "3": [("国", "same"), ("省", "same"), ("市", "same")],  # 《》《》《》（送审稿）表述一致
    "4": [("国", "quoted"), ("市", "quoted")],  # 一致：“…”; 省 merged it with another goal
    "5": [("国", "quoted"), ("市", "quoted")],  # 《》《》（送审稿）：“…”，表述略有差异
    "6": [("省", "same"), ("市", "same"), ("国", "absent")],  # 《中国…》无此项内容
    "7": [("国", "quoted"), ("省", "quoted"), ("市", "quoted")],  # 表述为：“…” ×3
    "8": [("国", "quoted"), ("省", "quoted"), ("市", "quoted")],
    "9": [("国", "same"), ("省", "same"), ("市", "same")],
    "10": [("国", "quoted"), ("省", "quoted"), ("市", "quoted")],  # 《》《》：“…” shared
    "11": [("国", "quoted"), ("省", "quoted"), ("市", "quoted")],  # 《广州…》与省规一致
    "12": [("国", "quoted"), ("省", "quoted"), ("市", "quoted")],  # 《》《》与国规一致
    "17": [("市", "same")],  # 同《广州…》（送审稿）（以下简称广州市规划）
    "18": [("市", "quoted")],  # 广州市规划表述为：… (no quotation marks)
    "19": [("市", "same")],  # 与广州市规划保持一致
    "21": [("市", "same")],  # 与广州市规划一致
    "22": [("市", "same")],
    "23": [("市", "same")],
    "25": [("市", "same")],  # marker after the goal's final 。
    "39": [("国", "same")],  # 与《中国…》规划表述一致 (family goal 1, marker after the 。)
}


@pytest.fixture(scope="module")
def panyu(parsed):
    return parsed["panyu"]


@pytest.fixture(scope="module")
def quotes(panyu):
    return find_quotations(panyu.plan)


def test_every_footnote_form_is_read(quotes):
    got: dict[str, list[tuple[str, str]]] = {}
    for q in quotes:
        got.setdefault(q.note, []).append((SHORT[q.cited_title], q.relation))
    assert got == BY_NOTE
    # notes that state no upstream wording: a revision at a department's advice (1), adjusted
    # or added after the latest Guangzhou draft (20, 24)
    assert not {"1", "2", "20", "24"} & set(got)


def test_counts_by_plan_and_relation(quotes):
    counts = Counter((SHORT[q.cited_title], q.relation) for q in quotes)
    assert counts == {
        ("国", "quoted"): 7,
        ("国", "same"): 3,
        ("国", "absent"): 1,
        ("省", "quoted"): 5,
        ("省", "same"): 3,
        ("市", "quoted"): 8,
        ("市", "same"): 10,
    }
    assert len(quotes) == 37


def test_spans_slice_the_wording_or_the_note(panyu, quotes):
    text = panyu.source.text
    goals = {(a.sequence, g.sequence): g for a in panyu.plan.areas for g in a.goals}
    for q in quotes:
        passage = text[q.span.start : q.span.end]
        assert text.count("\n", 0, q.span.start) + 1 == q.span.line
        goal = goals[(q.area, q.goal)]
        note = next(n for n in goal.notes if n.marker == q.note)
        if q.relation == "quoted":
            assert passage == q.wording
            assert note.span.start <= q.span.start < q.span.end <= note.span.end
        else:
            assert passage == note.text
            assert q.wording == (goal.text if q.relation == "same" else None)


def test_exact_wordings(quotes):
    wording = {(q.note, SHORT[q.cited_title]): q.wording for q in quotes}
    assert wording["7", "国"] == "女童平等接受义务教育，九年义务教育巩固率提高到96%以上"
    assert wording["7", "省"] == "女童平等接受义务教育，女童九年义务教育巩固率稳定在96%以上"
    assert wording["7", "市"] == "女童平等接受义务教育，九年义务教育巩固率稳定在98.35以上"
    assert wording["18", "市"] == "就业人员中的女性比例保持在45%左右"
    # 《广州…》与省规一致: Guangzhou's wording is the one quoted for Guangdong
    assert (
        wording["11", "市"]
        == wording["11", "省"]
        == ("大力培养女性科技人才。男女两性科学素质水平差距不断缩小")
    )
    # 《广东…》《广州…》与国规一致: both have the outline's wording
    assert wording["12", "省"] == wording["12", "市"] == wording["12", "国"]
    assert wording["10", "省"] == wording["10", "市"] == "保障女性平等接受高等教育的权利和机会"
    assert wording["6", "国"] is None


def test_short_names_resolve_to_the_titles_cited_in_full(panyu):
    names = Names(panyu.plan)
    assert names.resolve("广州市规划") == names.resolve("市规划") == GUANGZHOU
    assert names.resolve("省规") == names.resolve("省规划") == GUANGDONG
    assert names.resolve("国规") == NATION
    assert names.resolve("《广州市妇女发展规划（2021—2030 年）（第三次征求意见稿）》") == GUANGZHOU


def test_a_measure_note_states_the_city_and_the_province(panyu):
    """Footnote 33 (a measure's: find_quotations reads goals only): 与市规划保持一致，内容来自省规划."""
    names = Names(panyu.plan)
    found = read_note("与市规划保持一致，内容来自省规划。", names)
    assert [(names.resolve(s.ref), s.relation) for s in found] == [
        (GUANGZHOU, "same"),
        (GUANGDONG, "same"),
    ]
    assert read_note("根据广州市规划最新稿增加", names) == []


def test_other_plans_have_no_quotations(parsed):
    assert {k: len(find_quotations(d.plan)) for k, d in parsed.items()} == {
        "qujiang": 0,
        "panyu": 37,
        "kaiping": 0,
        "luzhai": 0,
    }


def test_quoted_plans_have_a_goal_per_quotation(panyu, quotes):
    ups = {d.plan.title: d.plan for d in quoted_plans(panyu)}
    assert set(ups) == {GUANGDONG, GUANGZHOU}  # the outline's goals come from its TSV
    gd, gz = ups[GUANGDONG], ups[GUANGZHOU]
    assert [(a.sequence, a.concept, len(a.goals)) for a in gd.areas] == [(2, "education", 8)]
    assert [(a.sequence, a.concept, len(a.goals)) for a in gz.areas] == [
        (1, "health", 1),
        (2, "education", 10),
        (3, "economy", 7),
    ]
    assert (gd.level, gd.region, gz.level, gz.region) == (
        "provincial",
        "广东省",
        "municipal",
        "广州市",
    )
    goals = [g for p in (gd, gz) for a in p.areas for g in a.goals]
    assert {g.status for g in goals} == {"confirmed"}
    assert all(g.status_source.startswith("panyu footnote ") for g in goals)
    assert [g.quoted_for for g in gd.areas[0].goals] == [
        ("panyu", 2, n) for n in (1, 4, 5, 6, 7, 8, 9, 10)
    ]
    text = panyu.source.text
    by_note = {(q.note, q.cited_title): q for q in quotes}
    for g in goals:
        marker = g.status_source.rsplit(" ", 1)[-1]
        q = by_note[marker, GUANGDONG if g in gd.areas[0].goals else GUANGZHOU]
        assert g.text == q.wording
        if q.relation == "quoted":
            assert text[g.span.start : g.span.end] == g.text
        for t in g.targets:
            assert text[t.span.start : t.span.end] == t.phrase


def test_quoted_targets_are_read_by_the_target_reader(panyu):
    ups = {d.plan.title: d.plan for d in quoted_plans(panyu)}
    edu = {g.quoted_for[2]: g for g in ups[GUANGDONG].areas[0].goals}
    [t] = edu[5].targets  # 女童九年义务教育巩固率稳定在96%以上
    assert (t.indicator, t.value, t.unit, t.comparator) == (
        "女童九年义务教育巩固率",
        Decimal("96"),
        "%",
        "at_least",
    )
    econ = {g.quoted_for[2]: g for g in ups[GUANGZHOU].areas[2].goals}
    [t] = econ[2].targets  # 就业人员中的女性比例保持在45%左右
    assert (t.value, t.comparator) == (Decimal("45"), "approximately")
    # 98.35以上 without its %: no target is guessed
    gz_edu = {g.quoted_for[2]: g for g in ups[GUANGZHOU].areas[1].goals}
    assert gz_edu[5].targets == []


def rows(store: Path, query: str) -> list[dict[str, str]]:
    result = run_query(open_store(store), query)
    return [
        {k: v for k, v in zip(result.variables, row, strict=True) if v is not None}
        for row in result.rows
    ]


def test_quoted_plans_in_the_graph(built_store, panyu):
    """Each in its own graph at the IRI citations name, its spans in the Panyu document, each
    goal derived from the local goal whose footnote states it."""
    found = rows(
        built_store,
        """SELECT ?g ?plan (COUNT(DISTINCT ?goal) AS ?goals) (SAMPLE(?file) AS ?f) WHERE {
             GRAPH ?g { ?plan pg:hasArea/pg:hasGoal ?goal . ?goal pg:span/pg:sourceFile ?file ;
                        pg:textStatus pg:Confirmed ; prov:wasDerivedFrom ?local }
             ?local ^pg:hasGoal/^pg:hasArea ?panyu . ?panyu dcterms:title ?t .
             FILTER (CONTAINS(?t, "番禺")) } GROUP BY ?g ?plan ORDER BY ?g""",
    )
    assert [(r["g"], r["plan"], r["goals"], r["f"]) for r in found] == [
        (
            ID + "graph/guangdong-women-2021-2030",
            ID + "plan/guangdong-women-2021-2030",
            "8",
            "panyu.txt",
        ),
        (
            ID + "graph/guangzhou-women-2021-2030",
            ID + "plan/guangzhou-women-2021-2030",
            "18",
            "panyu.txt",
        ),
    ]
    [comment] = rows(
        built_store, f"SELECT ?c WHERE {{ <{ID}plan/guangdong-women-2021-2030> rdfs:comment ?c }}"
    )
    assert "order of quotation" in comment["c"]
    text = panyu.source.text
    spans = rows(
        built_store,
        """SELECT ?text ?s ?e WHERE { GRAPH <https://w3id.org/plangraph/id/graph/guangzhou-women-2021-2030> {
             ?goal a pg:Goal ; pg:text ?text ; pg:span [ pg:startOffset ?s ; pg:endOffset ?e ] } }""",
    )
    quoted = [r for r in spans if text[int(r["s"]) : int(r["e"])] == r["text"]]
    assert len(spans) == 18 and len(quoted) == 8  # the same-wording goals span the local goal
