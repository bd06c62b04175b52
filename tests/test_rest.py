"""The REST API, search and Linked Data on a real `plangraph serve` over the four plans."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph
import pytest

from plangraph.settings import Settings
from queryapi.app import create_app
from queryapi.rest import ENDPOINTS
from tests.conftest import PLANS
from tests.servers import plangraph_serve
from tests.test_endpoint import assert_error

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/plangraph/id/"
MATERNAL = "孕产妇"


@pytest.fixture(scope="module")
def server(built_store):
    with plangraph_serve(built_store, "--workers", "2") as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def slugs(client) -> dict[str, str]:
    """Each seed plan's IRI slug, by its corpus key (qujiang → shaoguan-qujiang-women-…)."""
    plans = client.get("/api/plans").json()["items"]
    out = {}
    for key in PLANS:
        (iri,) = [p["iri"] for p in plans if key in p["iri"]]
        out[key] = iri.removeprefix(ID + "plan/")
    return out


def get(client, url, **kw) -> dict:
    response = client.get(url, **kw)
    assert response.status_code == 200, (url, response.text)
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def with_query(url: str, **params: object) -> str:
    """The URL with more query parameters (httpx's params= would replace its own)."""
    sep = "&" if "?" in url else "?"
    return url + sep + "&".join(f"{k}={v}" for k, v in params.items())


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- every endpoint on every plan ------------------------------------------------------


@pytest.mark.parametrize("key", PLANS)
def test_plan_area_goal_measure_on_each_plan(client, slugs, key):
    plan = get(client, f"/api/plan/{slugs[key]}")
    assert plan["title"].endswith("妇女发展规划（2021—2030年）")
    assert plan["level"] == "County" and plan["periodStart"] == "2021"
    assert plan["basedOn"], "every seed plan names its basis"
    assert [a["sequence"] for a in plan["areas"]] == list(range(1, len(plan["areas"]) + 1))
    area = get(client, plan["areas"][0]["url"])
    assert area["goals"] and area["measures"] and area["areaType"].endswith("/health")
    assert len(area["goals"]) == plan["areas"][0]["goals"]
    for summary in (area["goals"][0], area["measures"][0]):
        item = get(client, summary["url"])
        assert item["iri"] == summary["iri"] and item["kind"] == summary["kind"]
        assert item["owners"] and item["owners"][0]["role"] == "Lead"
        source = item["source"]
        assert source["file"] == f"{key}.txt" and source["matchesBuild"]
        assert (
            source["text"] == source["paragraph"][source["highlightStart"] : source["highlightEnd"]]
        )
        assert squeeze(item["text"])[:10] in squeeze(source["text"])
    goal = get(client, area["goals"][0]["url"])
    trace = get(client, area["goals"][0]["url"] + "/trace")
    assert trace["items"][0]["step"] == goal["iri"]
    gaps = get(client, f"/api/plan/{slugs[key]}/gaps?limit=1000")
    assert {g["gap"] for g in gaps["items"]} <= {"nationalWithoutLocal", "localWithoutNational"}
    assert all(g["iri"].startswith(ID) for g in gaps["items"])


def example_urls(slug: str) -> list[str]:
    """A URL for every REST endpoint (the cookbook's with their defaults) on one plan."""
    values = {
        "plan": slug,
        "area": "1",
        "n": "2",
        "region": slug.rsplit("-women", 1)[0],
        "function": "health",
        "indicator": "yun-chan-fu-si-wang-lv",
    }
    urls = []
    for endpoint in ENDPOINTS:
        url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], endpoint.path)
        if url.endswith("/project/2") and "luzhai" in slug:  # 鹿寨 launches no key project
            continue
        urls.append(url)
    return [*urls, f"/api/search?q={quote(MATERNAL)}&plan={slug}", "/api/queries"]


@pytest.mark.parametrize("key", PLANS)
def test_every_endpoint_answers_on_each_plan(client, slugs, key):
    for url in example_urls(slugs[key]):
        get(client, url)
    for query in get(client, "/api/queries")["items"]:
        assert get(client, query["url"])["total"] >= 0


def test_cookbook_endpoints_give_what_the_files_give(client, built_store):
    """Each cookbook query through REST with its defaults answers what the .rq file answers."""
    from queryapi.store import open_store, run_query

    store = open_store(built_store)
    for query in get(client, "/api/queries")["items"]:
        text = (ROOT / "queries" / f"{query['name']}.rq").read_text(encoding="utf-8")
        direct = run_query(store, text)
        rest = get(client, query["url"] + "?limit=1000")
        assert rest["total"] == len(direct.rows), query["name"]
        assert list(rest["items"][0]) == direct.variables if rest["items"] else True


def test_cookbook_parameters_are_bound_and_typed(client):
    found = get(client, "/api/queries/text-search", params={"word": MATERNAL})
    assert found["total"] > 10
    assert all("word" not in row for row in found["items"])
    by_default = get(client, "/api/queries/text-search")["total"]
    assert by_default != found["total"]
    injected = get(client, "/api/queries/text-search", params={"word": '") } SELECT * {'})
    assert injected["total"] == 0
    low = get(client, "/api/queries/low-confidence-owners", params={"below": "0.9"})
    assert low["total"] > get(client, "/api/queries/low-confidence-owners")["total"]
    assert all(r["confidence"] < 0.9 for r in low["items"])


# --- pagination and CSV ------------------------------------------------------------------


LISTS = ["/api/plans", "/api/departments", "/api/indicators", "/api/queries"]
LISTS += ["/api/departments?region=liuzhou-luzhai", "/api/departments?function=health"]
LISTS += [f"/api/search?q={quote('妇女')}", "/api/queries/shared-measures"]


@pytest.mark.parametrize("url", LISTS)
def test_pages_follow_next_to_the_whole_list(client, url):
    whole = get(client, with_query(url, limit=1000))
    seen, page = [], get(client, with_query(url, limit=7))
    while True:
        assert page["limit"] == 7 and page["total"] == whole["total"]
        assert len(page["items"]) == min(7, whole["total"] - page["offset"])
        seen += page["items"]
        if page["next"] is None:
            break
        page = get(client, page["next"])
    assert seen == whole["items"]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("how", ["accept", "format"])
def test_every_list_comes_as_csv(client, url, how):
    json_page = get(client, with_query(url, limit=5))
    if how == "accept":
        response = client.get(with_query(url, limit=5), headers={"Accept": "text/csv"})
    else:
        response = client.get(with_query(url, limit=5, format="csv"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(json_page["items"])
    first = json_page["items"][0]
    assert list(rows[0]) == list(first)
    assert rows[0][next(iter(first))] == str(next(iter(first.values())))


# --- the department list: filtered by region and function, paged inside its query ------------


def sparql_rows(client, query: str) -> list[dict[str, str]]:
    doc = client.get("/sparql", params={"query": query}).json()
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def department_load(client, where: str) -> dict[str, tuple[int, int]]:
    """Each department matching `where` (over ?d) with its lead and support counts, from /sparql."""
    rows = sparql_rows(
        client,
        "SELECT ?d (SUM(?lead) AS ?leads) (SUM(?support) AS ?supports) WHERE { ?d a pg:Department . "
        + where
        + " OPTIONAL { ?r pg:department ?d ; pg:role ?role . BIND(IF(?role = pg:Lead, 1, 0) AS ?lead)"
        " BIND(1 - ?lead AS ?support) } } GROUP BY ?d",
    )
    return {r["d"]: (int(r.get("leads", 0)), int(r.get("supports", 0))) for r in rows}


@pytest.mark.parametrize("key", PLANS)
def test_departments_of_a_region_are_its_own_with_their_load(client, slugs, key):
    region = slugs[key].rsplit("-women", 1)[0]
    found = get(client, "/api/departments", params={"region": region, "limit": 1000})
    expected = department_load(client, f"?d pg:jurisdiction <{ID}region/{region}> .")
    assert found["total"] == len(found["items"]) == len(expected) > 10
    assert {d["iri"]: (d["leads"], d["supports"]) for d in found["items"]} == expected
    assert all(d["jurisdiction"] == f"{ID}region/{region}" for d in found["items"])
    assert any(d["leads"] for d in found["items"]) and found["next"] is None
    whole = get(client, "/api/departments", params={"limit": 1000})["items"]
    assert [d for d in whole if d["jurisdiction"] == f"{ID}region/{region}"] == found["items"]


def test_departments_of_a_function_and_of_both(client, slugs):
    health = get(client, "/api/departments", params={"function": "health", "limit": 1000})
    expected = department_load(client, f"?d pg:departmentType <{ID}department-type/health> .")
    assert health["total"] == len(expected) >= len(PLANS)
    assert {d["iri"]: (d["leads"], d["supports"]) for d in health["items"]} == expected
    region = slugs["luzhai"].rsplit("-women", 1)[0]
    both = get(client, "/api/departments", params={"region": region, "function": "health"})
    (one,) = both["items"]
    assert one["url"] == f"/api/department/{region}/health" and both["total"] == 1
    department = get(client, one["url"])
    assert (len(department["leads"]), len(department["supports"])) == (
        one["leads"],
        one["supports"],
    )


def test_department_pages_are_cut_inside_the_query(client):
    """Every page of the whole list, at any offset, is the slice of the list the total counts."""
    whole = get(client, "/api/departments", params={"limit": 1000})
    assert whole["total"] == len(whole["items"]) == len(department_load(client, ""))
    last = get(client, "/api/departments", params={"limit": 3, "offset": whole["total"] - 2})
    assert last["items"] == whole["items"][-2:] and last["next"] is None
    past = get(client, "/api/departments", params={"offset": whole["total"] + 5})
    assert past["items"] == [] and past["total"] == whole["total"]
    nowhere = get(client, "/api/departments", params={"region": "no-such-region"})
    assert nowhere == {"items": [], "total": 0, "limit": 100, "offset": 0, "next": None}


@pytest.mark.parametrize("name", ["region", "function"])
def test_department_filters_are_slugs_and_documented(client, name):
    bad = client.get("/api/departments", params={name: "> } SELECT * { ?s ?p ?o"})
    assert_error(bad, 422, "invalid-parameter")
    operation = get(client, "/openapi.json")["paths"]["/api/departments"]["get"]
    (param,) = [p for p in operation["parameters"] if p["name"] == name]
    assert param["in"] == "query" and not param.get("required") and param["description"]


def test_a_single_resource_has_no_csv(client, slugs):
    response = client.get(f"/api/plan/{slugs['luzhai']}", headers={"Accept": "text/csv"})
    assert_error(response, 406, "not-acceptable")


# --- search ------------------------------------------------------------------------------


def sparql_count(client, word: str) -> int:
    query = (
        "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { { ?a pg:hasGoal ?i } UNION "
        "{ ?a pg:hasMeasure ?i } UNION { ?p pg:hasKeyProject ?i } "
        "OPTIONAL { ?i pg:text ?t } OPTIONAL { ?i rdfs:label ?l } "
        "FILTER(CONTAINS(COALESCE(?t, ''), ?w) || CONTAINS(COALESCE(?l, ''), ?w)) }"
    )
    query = query.replace("?w", f'"{word}"')
    doc = client.get("/sparql", params={"query": query}).json()
    return int(doc["results"]["bindings"][0]["n"]["value"])


def test_search_finds_every_plans_maternal_goals_and_measures(client, slugs):
    found = get(client, "/api/search", params={"q": MATERNAL, "limit": 1000})
    assert found["total"] == sparql_count(client, MATERNAL) == len(found["items"])
    for key, slug in slugs.items():
        kinds = {h["kind"] for h in found["items"] if h["plan"] == f"{ID}plan/{slug}"}
        assert {"goal", "measure"} <= kinds, key
    for hit in found["items"]:
        assert f"<mark>{MATERNAL}</mark>" in hit["snippet"]
        assert hit["url"] == "/api/" + hit["iri"].removeprefix(ID)
    scores = [h["score"] for h in found["items"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("q", ["妇女", "母婴室", "产前筛查", "健康 教育"])
def test_search_matches_what_sparql_contains_finds(client, q):
    found = get(client, "/api/search", params={"q": q, "limit": 1})
    if " " not in q:
        assert found["total"] == sparql_count(client, q)
    else:
        assert 0 < found["total"] < min(sparql_count(client, w) for w in q.split())


@pytest.mark.parametrize("q", [MATERNAL, "妇女"])
def test_search_pages_are_slices_of_one_ranking(client, q):
    """Pages (ranked by the index for long terms, here for short ones) follow one another, and
    a page past the end still says how many hits there are."""
    whole = get(client, "/api/search", params={"q": q, "limit": 60})
    pages = [
        get(client, "/api/search", params={"q": q, "limit": 20, "offset": o}) for o in (0, 20, 40)
    ]
    assert [h["iri"] for p in pages for h in p["items"]] == [h["iri"] for h in whole["items"]]
    beyond = get(client, "/api/search", params={"q": q, "offset": whole["total"] + 5})
    assert beyond["items"] == [] and beyond["total"] == whole["total"] > 20


def test_search_filters_by_plan_and_kind(client, slugs):
    slug = slugs["luzhai"]
    found = get(client, "/api/search", params={"q": MATERNAL, "plan": slug, "kind": "measure"})
    assert found["total"] > 0
    assert {(h["plan"], h["kind"]) for h in found["items"]} == {(f"{ID}plan/{slug}", "measure")}


# --- Linked Data ----------------------------------------------------------------------------

GOAL = "plan/{luzhai}/area/1/goal/2"
CONNEG = [
    (None, "text/html"),
    ("text/html", "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("*/*", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ("application/rdf+xml", 406),
    ("image/png", 406),
    ("text/csv", 406),
]
RDF = {
    "text/turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/ld+json": pyoxigraph.RdfFormat.JSON_LD,
    "application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
}


@pytest.mark.parametrize(("accept", "expected"), CONNEG)
def test_linked_data_content_negotiation(client, slugs, accept, expected):
    path = GOAL.format(luzhai=slugs["luzhai"])
    headers = {"Accept": accept} if accept else {}
    response = client.get(f"/id/{path}", headers=headers)
    if expected == 406:
        assert_error(response, 406, "not-acceptable")
        return
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    if expected == "text/html":
        assert "<mark>2．孕产妇死亡率下降到12/10万以下" in response.text
        assert f'href="/api/{path}"' in response.text
        return
    triples = list(pyoxigraph.parse(response.content, format=RDF[expected]))
    subjects = {t.subject.value for t in triples}
    assert subjects == {ID + path, ID + path + "/span"}
    assert any(t.predicate.value.endswith("#startOffset") for t in triples)


@pytest.mark.parametrize("path", ["department/{region}/health", "indicator/yun-chan-fu-si-wang-lv"])
def test_linked_data_resolves_other_resources(client, slugs, path):
    path = path.format(region=slugs["luzhai"].rsplit("-women", 1)[0])
    response = client.get(f"/id/{path}", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and f"<{ID}{path}>" in response.text


# --- errors: one JSON shape ---------------------------------------------------------------

BAD = [
    ("/api/plan/no-such-plan", 404, "no-such-resource"),
    ("/api/plan/{luzhai}/area/99", 404, "no-such-resource"),
    ("/api/plan/{luzhai}/area/99/goal/1/trace", 404, "no-such-resource"),
    ("/api/plan/{luzhai}/area/0", 422, "invalid-parameter"),
    ("/api/plan/{luzhai}/area/x/goal/1", 422, "invalid-parameter"),
    ("/api/plan/Bad%20Slug", 422, "invalid-parameter"),
    ("/api/plans?limit=0", 422, "invalid-parameter"),
    ("/api/plans?limit=abc", 422, "invalid-parameter"),
    ("/api/plans?offset=-1", 422, "invalid-parameter"),
    ("/api/plans?format=xml", 422, "invalid-parameter"),
    ("/api/search", 422, "invalid-parameter"),
    ("/api/search?q=", 422, "invalid-parameter"),
    ("/api/queries/low-confidence-owners?below=abc", 422, "invalid-parameter"),
    ("/api/queries/goal-source?plan=not%20an%20iri", 422, "invalid-parameter"),
    ("/api/queries/text-search?wrod=x", 422, "invalid-parameter"),
    ("/api/queries/no-such-query", 404, "not-found"),
    ("/api/nothing", 404, "not-found"),
    ("/id/plan/no-such-plan", 404, "no-such-resource"),
    ("/id/plan/{luzhai}?format=rdfxml", 406, "not-acceptable"),
]


@pytest.mark.parametrize(("url", "status", "code"), BAD)
def test_every_error_has_the_one_json_shape(client, slugs, url, status, code):
    assert_error(client.get(url.format(luzhai=slugs["luzhai"])), status, code)


def test_writes_get_405_in_the_one_shape(client):
    assert_error(client.post("/api/plans"), 405)
    assert_error(client.delete("/id/plan/x"), 405)


# --- the README documents every route -------------------------------------------------------


def routes() -> list[str]:
    """Every REST, search and Linked Data route of the app's OpenAPI schema (one for all the
    cookbook's queries)."""
    paths = create_app(Settings.from_env()).openapi()["paths"]
    paths = {re.sub(r"^/api/queries/[\w-]+$", "/api/queries/{name}", p) for p in paths}
    return sorted(p for p in paths if p.startswith(("/api", "/id")))


@pytest.mark.parametrize("path", routes())
def test_every_route_is_in_the_readme(path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`GET {path}" in readme, f"{path} is not in the README's table of routes"


def test_openapi_lists_every_endpoint_with_its_model(client):
    schema = get(client, "/openapi.json")
    for endpoint in ENDPOINTS:
        operation = schema["paths"][endpoint.path]["get"]
        content = operation["responses"]["200"]["content"]["application/json"]
        assert "$ref" in content["schema"], endpoint.path
    assert "/api/queries/text-search" in schema["paths"]
    word = schema["paths"]["/api/queries/text-search"]["get"]["parameters"]
    assert "word" in {p["name"] for p in word}


def test_search_index_lives_in_each_store_generation(tmp_path):
    """A build writes the index into the generation it swaps in, beside the store's files, so
    the swap replaces both; the previous generation keeps its own for readers still on it."""
    from plangraph.pipeline import build
    from queryapi.search import SEARCH_FILE, search
    from queryapi.store import generation_dir, open_store, run_query

    store = tmp_path / "store"
    build(Settings.from_env(), store=store)
    first = generation_dir(store)
    assert (first / SEARCH_FILE).is_file()
    build(Settings.from_env(), store=store)
    second = generation_dir(store)
    assert second != first and (second / SEARCH_FILE).is_file() and (first / SEARCH_FILE).is_file()
    assert run_query(open_store(store), "ASK { ?s ?p ?o }").boolean
    found = search(second / SEARCH_FILE, MATERNAL, limit=1000)
    assert found.total == len(found.hits) > 20


def test_rest_over_a_remote_endpoint_answers_as_over_the_store(
    client, slugs, pushed_oxigraph, built_store
):
    """Over --endpoint the bound values go as a VALUES block of escaped terms at the start of
    the query's WHERE group; the answers are the same. Search needs the embedded store's index: 503 in the one shape."""
    urls = [f"/api/plan/{slugs['luzhai']}", f"/api/plan/{slugs['panyu']}/area/1/measure/3"]
    urls += ["/api/queries/text-search?word=%E5%AD%95%E4%BA%A7%E5%A6%87"]
    with (
        plangraph_serve(built_store, "--endpoint", pushed_oxigraph.sparql) as remote,
        httpx.Client(base_url=remote.url, timeout=30) as other,
    ):
        for url in urls:
            assert get(other, url) == get(client, url), url
        assert_error(other.get("/api/search?q=x"), 503, "no-search-index")
