"""The national outline as data: one upstream plan, its goals, targets, statuses and spans."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.errors import PlanError
from ingest.upstream import OUTLINE_FILE, read_outline
from plangraph.settings import Settings
from queryapi.store import open_store, run_query

ROOT = Path(__file__).resolve().parent.parent
OUTLINE = "https://w3id.org/plangraph/id/plan/china-women-outline-2021-2030"
OUTLINE_GRAPH = "https://w3id.org/plangraph/id/graph/china-women-outline-2021-2030"


def rows(store: Path, query: str) -> list[dict[str, str]]:
    """The answer's rows as {variable: value} (values as plain strings)."""
    result = run_query(open_store(store), query)
    return [
        {k: v for k, v in zip(result.variables, row, strict=True) if v is not None}
        for row in result.rows
    ]


def test_outline_graph_has_eight_areas_and_73_goals(built_store):
    """The data holds 73 of the published 75 goals, in the outline's eight typed areas."""
    [row] = rows(
        built_store,
        f"""SELECT (COUNT(DISTINCT ?a) AS ?areas) (COUNT(DISTINCT ?goal) AS ?goals)
               (COUNT(DISTINCT ?type) AS ?types)
            WHERE {{ GRAPH <{OUTLINE_GRAPH}> {{
                <{OUTLINE}> pg:hasArea ?a . ?a pg:hasGoal ?goal ; pg:areaType ?type }} }}""",
    )
    assert row == {"areas": "8", "goals": "73", "types": "8"}


def test_outline_metadata_and_coverage_note(built_store):
    """国发〔2021〕16号 as dcterms:identifier (the local plans' 文号), and the 73-of-75 note."""
    [row] = rows(
        built_store,
        f"""SELECT ?number ?level ?comment WHERE {{ GRAPH <{OUTLINE_GRAPH}> {{
                <{OUTLINE}> dcterms:identifier ?number ; pg:level ?level ; rdfs:comment ?comment
            }} }}""",
    )
    assert row["number"] == "国发〔2021〕16号"
    assert row["level"].endswith("#National")
    assert "75 main goals" in row["comment"] and "holds 73" in row["comment"]
    # stated once in the union of graphs: the cited graph does not restate the outline's title
    titles = rows(built_store, f"SELECT ?t WHERE {{ <{OUTLINE}> dcterms:title ?t }}")
    assert titles == [{"t": "中国妇女发展纲要（2021—2030年）"}]


def test_maternal_mortality_target(built_store):
    """孕产妇死亡率下降到12/10万以下 → 12 per 100,000, AtMost, 2030, read by find_targets."""
    found = rows(
        built_store,
        f"""SELECT ?value ?unit ?comparator ?year WHERE {{ GRAPH <{OUTLINE_GRAPH}> {{
                ?goal pg:hasTarget ?t . ?t pg:indicator ?i ; pg:value ?value ; pg:unit ?unit ;
                    pg:comparator ?comparator ; pg:targetYear ?year .
            }} ?i skos:prefLabel "孕产妇死亡率"@zh }}""",
    )
    assert found == [{"value": "12", "unit": "1/10万", "comparator": pg("AtMost"), "year": "2030"}]


def pg(name: str) -> str:
    """A term of the ontology, as a string."""
    return "https://w3id.org/plangraph/ontology#" + name


def test_every_goal_keeps_its_status(built_store):
    """Recalled rows are pg:Recalled (unconfirmed); confirmed rows pg:Confirmed, never Recalled."""
    doc = read_outline()
    expected = {
        (area.sequence, goal.sequence): goal.status
        for area in doc.plan.areas
        for goal in area.goals
    }
    found = rows(
        built_store,
        f"""SELECT ?a ?g ?status WHERE {{ GRAPH <{OUTLINE_GRAPH}> {{
                <{OUTLINE}> pg:hasArea ?area . ?area pg:sequence ?a ; pg:hasGoal ?goal .
                ?goal pg:sequence ?g ; pg:textStatus ?status }} }}""",
    )
    status = {(int(r["a"]), int(r["g"])): r["status"] for r in found}
    assert len(status) == len(found) == 73
    names = {"recalled": pg("Recalled"), "confirmed": pg("Confirmed")}
    assert status == {key: names[value] for key, value in expected.items()}
    tsv = OUTLINE_FILE.read_text(encoding="utf-8").splitlines()[1:]
    assert sum(line.split("\t")[2] == "recalled" for line in tsv) == 62
    assert list(status.values()).count(pg("Recalled")) == 62


def test_basis_citations_of_the_outline_point_at_the_plan_with_goals(built_store):
    """Every seed plan's basis citation of the outline names the one IRI that has the goals."""
    found = rows(
        built_store,
        """SELECT ?plan ?work (COUNT(DISTINCT ?goal) AS ?goals) WHERE {
                ?plan pg:hasArea ?area ; pg:level ?level .
                FILTER (?level != pg:National)
                ?plan (pg:hasSection|pg:hasArea|pg:hasGoal|pg:hasMeasure|pg:hasItem
                       |pg:hasImplementationItem)* ?holder .
                ?holder pg:hasCitation ?c . ?c pg:isBasis true ; pg:citedWork ?work .
                ?work pg:level pg:National .
                OPTIONAL { ?work pg:hasArea/pg:hasGoal ?goal }
            } GROUP BY ?plan ?work""",
    )
    plans = {r["plan"] for r in found}
    assert len(plans) == 4, found
    assert {(r["work"], r["goals"]) for r in found} == {(OUTLINE, "73")}


def test_spans_slice_the_tsv_to_the_goal_text(built_store):
    """Each goal's and target's span, applied to the TSV's text, gives its text or phrase."""
    text = OUTLINE_FILE.read_text(encoding="utf-8")
    lines = text.split("\n")
    found = rows(
        built_store,
        f"""SELECT ?text ?file ?start ?end ?line WHERE {{ GRAPH <{OUTLINE_GRAPH}> {{
                {{ ?node a pg:Goal ; pg:text ?text }} UNION {{ ?node a pg:Target ; rdfs:label ?text }}
                ?node pg:span ?s . ?s pg:sourceFile ?file ; pg:startOffset ?start ;
                    pg:endOffset ?end ; pg:startLine ?line }} }}""",
    )
    assert len(found) == 73 + 14
    for r in found:
        assert r["file"] == "data/upstream/national-women-outline-2021-2030.tsv"
        assert text[int(r["start"]) : int(r["end"])] == r["text"]
        assert r["text"] in lines[int(r["line"]) - 1]


def test_goal_wording_is_the_outlines_chinese_without_curators_notes(built_store):
    """Regression: goal 4.8's wording carried the curator's English note (that its figure was
    left out) into pg:text; the outline's wording has no Latin letters at all."""
    found = rows(
        built_store,
        f"SELECT ?text WHERE {{ GRAPH <{OUTLINE_GRAPH}> {{ ?goal a pg:Goal ; pg:text ?text }} }}",
    )
    assert len(found) == 73
    assert [r["text"] for r in found if re.search("[A-Za-z]", r["text"])] == []


def test_validate_conforms_on_the_built_store(built_store):
    """`plangraph validate` exits 0 with the outline's unowned goals in the store."""
    run = subprocess.run(
        [str(Path(sys.executable).with_name("plangraph")), "validate", "--store", str(built_store)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_bad_row_names_its_line(tmp_path):
    """A row with an unknown status fails as FILE:LINE: what is wrong; what was expected."""
    bad = tmp_path / "outline.tsv"
    good = OUTLINE_FILE.read_text(encoding="utf-8").split("\n")
    good[2] = good[2].replace("\trecalled\t", "\tremembered\t")
    bad.write_text("\n".join(good), encoding="utf-8")
    with pytest.raises(PlanError, match=r"outline.tsv:3: status “remembered”; expected one of"):
        read_outline(bad)


def test_settings_name_the_shipped_file():
    """The outline comes from data/upstream/, overridable by PLANGRAPH_UPSTREAM."""
    assert Settings.from_env({}).upstream == OUTLINE_FILE
    assert Settings.from_env({"PLANGRAPH_UPSTREAM": "/x.tsv"}).upstream == Path("/x.tsv")
