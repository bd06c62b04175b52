"""The `plangraph` command: a thin layer over the library functions that do the work.

Exit codes, for every subcommand: 0 success, 1 the data has problems (validation violations),
2 an error (bad input, unreadable file, bad query).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from ingest.config import ConfigError
from ingest.errors import PlanError
from plangraph.settings import Settings, SettingsError

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
STORE_OPTION = click.option(
    "--store", type=click.Path(path_type=Path), help="Store folder [settings.store]."
)


def fail(message: str) -> None:
    """One line on stderr, exit code 2, no traceback."""
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def warn(warnings: list[str]) -> None:
    """Print what a plan keeps but a reader should know (an area of no known type) on stderr."""
    for line in warnings:
        click.echo(f"warning: {line}", err=True)


class _Group(click.Group):
    """The command group: a configuration error from any command is one line, exit 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ConfigError as err:
            fail(str(err))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="plangraph")
@click.pass_context
def main(ctx: click.Context) -> None:
    """plangraph: Chinese development plans as an RDF knowledge graph."""
    try:
        ctx.obj = Settings.from_env()
    except SettingsError as err:
        fail(str(err))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Dump the plan model as JSON.")
@click.pass_obj
def parse(settings: Settings, files: tuple[Path, ...], as_json: bool) -> None:
    """Read plan documents (.txt .md .docx .html .pdf) and print a per-area table."""
    from derive import derive
    from ingest.corpus import load_corpus
    from ingest.parse import parse_document
    from plangraph.summary import plan_table

    corpus = load_corpus(settings.corpus)
    failed = 0
    dumped = []
    for path in files:
        try:
            doc = parse_document(path, corpus)
        except PlanError as err:
            click.echo(f"error: {err}", err=True)
            failed += 1
            continue
        derive(doc.plan)
        warn(doc.plan.warnings)
        if as_json:
            dumped.append(doc.plan.to_dict())
        else:
            click.echo(plan_table(doc.plan) + "\n")
    if as_json:
        click.echo(json.dumps(dumped, ensure_ascii=False, indent=1))
    if failed:
        sys.exit(EXIT_ERROR)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@STORE_OPTION
@click.option(
    "--graphs",
    type=click.Path(path_type=Path),
    help="Write the TriG dataset here [settings.graphs when building the corpus].",
)
@click.option("--no-graphs", is_flag=True, help="Do not write TriG files.")
@click.option("--jobs", type=int, help="Processes parsing documents [settings.jobs: one per core].")
@click.option(
    "--update",
    is_flag=True,
    help="Put the given documents' plans into the built store in place of their old versions.",
)
@click.option(
    "--remove",
    "remove",
    multiple=True,
    metavar="KEY",
    help="Take a plan (corpus key or source file name) out of the built store; repeatable.",
)
@click.pass_obj
def build(
    settings: Settings,
    paths: tuple[Path, ...],
    store: Path | None,
    graphs: Path | None,
    no_graphs: bool,
    jobs: int | None,
    update: bool,
    remove: tuple[str, ...],
) -> None:
    """Build the store from the corpus (default) or the given documents.

    The new store is built aside and swapped in: a failed build leaves the old store whole.
    With --update or --remove, only those plans change (and what is derived from them: their
    alignments, the text index, the aggregates), on a copy of the store that is swapped in."""
    import time

    from plangraph.pipeline import build as run_build
    from queryapi.store import StoreError

    started = time.perf_counter()
    if update or remove:
        if update and not paths:
            fail("--update needs the documents to put in: plangraph build --update FILE…")
        if paths and not update:
            fail("documents with --remove: add --update to put them in, or drop them")
        _update(settings, store or settings.store, list(paths), list(remove), started)
        return
    if graphs is None and not paths and not no_graphs:
        graphs = settings.graphs
    settings = replace_settings(settings, jobs=jobs)
    with progress_bar("building") as progress:
        try:
            result = run_build(
                settings,
                list(paths) or None,
                store or settings.store,
                None if no_graphs else graphs,
                progress,
            )
        except PlanError as err:
            fail(f"{err} (the store was left as it was)")
        except StoreError as err:
            fail(str(err))
    elapsed = time.perf_counter() - started
    for plan in result.plans:
        warn(plan.warnings)
    assert result.store is not None
    click.echo(
        f"built {result.store.store}: {len(result.plans)} plans, "
        f"{result.store.quads} quads in {result.store.graphs} graphs, {elapsed:.2f} s"
    )
    for path in result.graph_files:
        click.echo(f"wrote {path}")


def _update(
    settings: Settings, store: Path, paths: list[Path], remove: list[str], started: float
) -> None:
    """`plangraph build --update FILE… / --remove KEY…`: change those plans in the store."""
    import time

    from plangraph.update import update
    from queryapi.store import StoreError

    try:
        result = update(settings, store, paths, remove)
    except PlanError as err:
        fail(f"{err} (the store was left as it was)")
    except StoreError as err:
        fail(str(err))
    for plan in result.plans:
        warn(plan.warnings)
    elapsed = time.perf_counter() - started
    steps = ", ".join(f"{k} {v:.2f}" for k, v in result.seconds.items())
    click.echo(
        f"updated {result.store}: {len(result.plans)} plans in, {len(result.removed)} graphs "
        f"out, {result.links} alignments written, {elapsed:.2f} s ({steps})"
    )


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback (done, total) drawing a bar on stderr, or None when stderr is not a
    terminal (logs and pipes get the summary line only)."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = None
    shown = 0

    def update(done: int, total: int) -> None:
        nonlocal bar, shown
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - shown)
        shown = done

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@main.command()
@click.option("--plans", "n", type=int, required=True, help="How many plan documents.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="Folder for the corpus."
)
def synth(n: int, seed: int, out: Path) -> None:
    """Write a synthetic corpus: plan documents for N real regions recombined from the seed
    plans (.txt, .docx, .html), with its corpus.toml and manifest.json; deterministic."""
    from synth.corpus import synthesize

    try:
        corpus = synthesize(n, seed, out)
    except ValueError as err:
        fail(str(err))
    counts: dict[str, int] = {}
    for plan in corpus.plans:
        suffix = plan.file.rsplit(".", 1)[-1]
        counts[suffix] = counts.get(suffix, 0) + 1
    shown = ", ".join(f"{n} .{suffix}" for suffix, n in sorted(counts.items()))
    click.echo(
        f"wrote {len(corpus.plans)} plans ({shown}), {corpus.corpus_file}, {corpus.manifest_file}"
    )
    click.echo(f"  build: PLANGRAPH_CORPUS={corpus.corpus_file} plangraph build --store DIR")


@main.command()
@STORE_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nquads", "trig", "turtle", "jsonld"]),
    default="nquads",
    show_default=True,
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output file.")
@click.pass_obj
def export(settings: Settings, store: Path | None, fmt: str, out: Path) -> None:
    """Export the whole dataset (turtle merges the named graphs into one)."""
    from queryapi.store import StoreError, export_store, open_store

    try:
        export_store(open_store(store or settings.store), fmt, out)
    except StoreError as err:
        fail(str(err))
    click.echo(f"wrote {out}")


ENDPOINT_OPTION = click.option(
    "--endpoint", help="Query this remote SPARQL endpoint instead of the store [settings.endpoint]."
)
TIMEOUT_OPTION = click.option(
    "--timeout", type=float, help="Seconds before a query is stopped [settings.timeout: 30]."
)


@main.command()
@click.argument("sparql")
@STORE_OPTION
@ENDPOINT_OPTION
@TIMEOUT_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
)
@click.pass_obj
def query(
    settings: Settings,
    sparql: str,
    store: Path | None,
    endpoint: str | None,
    timeout: float | None,
    fmt: str,
) -> None:
    """Run SPARQL over all plans (the default graph is the union of all graphs).

    SPARQL may be a query or @FILE to read one (e.g. @queries/targets-of-indicator.rq). The
    query runs in a worker process under the same rules as the server: read-only, no SERVICE,
    stopped at the timeout."""
    from plangraph.querying import QueryOutput, run_cli_query

    if sparql.startswith("@"):
        try:
            sparql = Path(sparql[1:]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            fail(f"{sparql[1:]}: cannot read the query file: {getattr(err, 'strerror', err)}")
    settings = replace_settings(settings, store=store, endpoint=endpoint, timeout=timeout)
    try:
        output: QueryOutput = run_cli_query(settings, sparql, fmt)
    except KeyboardInterrupt:
        click.echo("error: interrupted; the query was stopped", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if output.error:
        fail(output.error)
    sys.stdout.buffer.write(output.text)
    if output.truncated:
        click.echo(f"note: the answer was cut at {settings.max_rows} rows", err=True)


def replace_settings(settings: Settings, **changes: object) -> Settings:
    """The settings with the options the user gave (None: not given)."""
    from dataclasses import replace

    return replace(settings, **{k: v for k, v in changes.items() if v is not None})


@main.command()
@STORE_OPTION
@ENDPOINT_OPTION
@click.option("--host", help="Interface to listen on [settings.host: 127.0.0.1].")
@click.option("--port", type=int, help="Port to listen on [settings.port: 8000].")
@TIMEOUT_OPTION
@click.option("--max-rows", type=int, help="Rows in one answer [settings.max_rows: 10000].")
@click.option("--workers", type=int, help="Query processes [settings.workers: 4].")
@click.pass_obj
def serve(
    settings: Settings,
    store: Path | None,
    endpoint: str | None,
    host: str | None,
    port: int | None,
    timeout: float | None,
    max_rows: int | None,
    workers: int | None,
) -> None:
    """Serve the SPARQL 1.1 endpoint (/sparql) and Graph Store reads (/store) until Ctrl-C."""
    import socket

    import uvicorn

    from queryapi.app import create_app
    from queryapi.store import StoreError, open_store

    settings = replace_settings(
        settings,
        store=store,
        endpoint=endpoint,
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
    )
    if not settings.endpoint:
        try:
            open_store(settings.store)
        except StoreError as err:
            fail(str(err))
    try:
        with socket.create_server((settings.host, settings.port)):
            pass
    except OSError as err:
        fail(f"{settings.host}:{settings.port}: cannot listen: {err.strerror}; choose --port")
    url = f"http://{settings.host}:{settings.port}/sparql"
    click.echo(f"plangraph: serving {settings.endpoint or settings.store} at {url}")
    click.echo(f"  try: curl -s {url} --data-urlencode 'query=SELECT * {{ ?s ?p ?o }} LIMIT 3'")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


@main.command()
@STORE_OPTION
@click.option(
    "--full",
    is_flag=True,
    help="Validate the whole store again instead of reading the verdict its build recorded.",
)
@click.pass_obj
def validate(settings: Settings, store: Path | None, full: bool) -> None:
    """Validate the store against the SHACL shapes (exit 0 conforms, 1 violations, 2 error).

    A build validates as it goes and records its verdict beside the store; this prints that
    verdict. After `build --update` (which drops it) or with --full, the whole store is validated."""
    from queryapi.store import StoreError, generation_dir, open_store
    from queryapi.validation import VALIDATION_FILE, recorded_report, validate_store

    path = store or settings.store
    try:
        opened = open_store(path)
        generation = generation_dir(path)
        report = (
            None if full or generation is None else recorded_report(generation / VALIDATION_FILE)
        )
        if report is None:
            report = validate_store(opened)
    except StoreError as err:
        fail(str(err))
    click.echo(report.text)
    sys.exit(EXIT_OK if report.conforms else EXIT_VIOLATIONS)


@main.group()
def analyze() -> None:
    """Network analyses of the built store."""


@analyze.command("departments")
@STORE_OPTION
@click.option("--goals", is_flag=True, help="Count goals as well as measures.")
@click.option("--top", default=15, show_default=True, help="Departments listed per plan.")
@click.option(
    "--graphml",
    type=click.Path(path_type=Path),
    help="Write each network as GraphML into this folder.",
)
@click.pass_obj
def analyze_departments(
    settings: Settings, store: Path | None, goals: bool, top: int, graphml: Path | None
) -> None:
    """The department–measure network per plan and overall: load, co-ownership, centrality."""
    from plangraph.summary import network_table
    from queryapi.network import reports, write_graphml
    from queryapi.store import StoreError, open_store

    kinds = ("measure", "goal") if goals else ("measure",)
    try:
        results = reports(open_store(store or settings.store), kinds)
    except StoreError as err:
        fail(str(err))
    if graphml:
        graphml.mkdir(parents=True, exist_ok=True)
    for report in results:
        click.echo(network_table(report, top) + "\n")
        if graphml:
            path = graphml / f"departments-{report.key}.graphml"
            write_graphml(report, path)
            click.echo(f"wrote {path} ({report.scope})\n")


@analyze.command("alignment")
@STORE_OPTION
@click.option(
    "--gold",
    type=click.Path(exists=True, path_type=Path),
    help="Also score the alignment against hand-checked goals (tests/data/alignment_gold.tsv).",
)
@click.pass_obj
def analyze_alignment(settings: Settings, store: Path | None, gold: Path | None) -> None:
    """Clusters of equivalent goals across all plans, each with its canonical goal, and how many
    local goals reach the national outline; with --gold, precision, recall and every miss."""
    from queryapi.alignment_network import alignment_network, report
    from queryapi.store import StoreError, open_store

    try:
        network = alignment_network(open_store(store or settings.store))
    except StoreError as err:
        fail(str(err))
    click.echo(report(network))
    if gold:
        from derive.alignment_gold import load_gold, score_gold
        from plangraph.pipeline import alignments_for

        found = alignments_for(settings)
        try:
            checked = load_gold(gold)
        except ValueError as err:
            fail(str(err))
        score = score_gold(checked, found.alignments, found.titles, found.upstream)
        click.echo(score.summary())
        for miss in score.misses:
            click.echo(f"  miss {miss}")


@main.command()
@click.argument("goal")
@STORE_OPTION
@click.pass_obj
def trace(settings: Settings, goal: str, store: Path | None) -> None:
    """Print one goal's way up to the national outline, each step with its target and verdict.

    GOAL is a goal's IRI, or PLAN-SLUG/AREA/GOAL (liuzhou-luzhai-women-2021-2030/1/2)."""
    from queryapi.alignment_network import alignment_network
    from queryapi.store import StoreError, open_store

    iri = goal_iri(goal)
    try:
        network = alignment_network(open_store(store or settings.store))
        steps = network.trace(iri)
    except StoreError as err:
        fail(str(err))
    except KeyError:
        fail(f"{goal}: no such goal in the store; give a goal IRI or PLAN-SLUG/AREA/GOAL")
    for k, step in enumerate(steps):
        g = step.goal
        head = "  " * k + ("└ " if k else "")
        how = f" [{step.method} {step.score}" + (f", {step.verdict}" if step.verdict else "") + "]"
        click.echo(f"{head}{g.plan} ({g.level}) {g.area}{how if k else ''}")
        click.echo(f"{'  ' * k}  {g.text}")
        if step.compared:
            click.echo(f"{'  ' * k}  target: {step.compared}")
    if steps[-1].goal.level != "National":
        click.echo("  (no counterpart in the national outline: a local addition)")


def goal_iri(goal: str) -> str:
    """A goal's IRI from itself or from PLAN-SLUG/AREA/GOAL."""
    from ontology.namespaces import PGID

    if goal.startswith("http"):
        return goal
    plan, area, n = goal.rsplit("/", 2)
    return f"{PGID}plan/{plan}/area/{area}/goal/{n}"


@analyze.command("owners")
@click.option(
    "--labels",
    type=click.Path(exists=True, path_type=Path),
    default=Path("tests/data/measure_owner_labels.tsv"),
    show_default=True,
    help="Hand labels: plan, area, measure, lead_phrase, lead, acceptable.",
)
@click.option("--misses", is_flag=True, help="List every miss.")
@click.pass_obj
def analyze_owners(settings: Settings, labels: Path, misses: bool) -> None:
    """Top-1 lead accuracy of owner inference against hand labels: overall (the lexicon as
    shipped) and leave-one-plan-out (tuned on three plans, scored on the fourth)."""
    from derive.ownership import evaluate, leave_one_plan_out, load_examples
    from plangraph.pipeline import ownership, parse_all

    docs = parse_all(settings)
    own = ownership(settings)
    try:
        examples = load_examples(labels, {d.plan.key: d.plan for d in docs})
    except ValueError as err:
        fail(str(err))
    overall = evaluate(own.model, examples)
    click.echo(
        f"labelled measures {overall.n}; coverage {overall.coverage:.1%}; "
        f"top-1 lead accuracy {overall.accuracy:.1%} (lexicon as shipped)"
    )
    lopo = leave_one_plan_out(own.model.lexicon, examples)
    total = sum(e.n for e in lopo.values())
    right = sum(e.n - len(e.misses) for e in lopo.values())
    for plan, ev in lopo.items():
        click.echo(f"  leave-one-plan-out {plan:<8} {ev.accuracy:6.1%} of {ev.n}")
    click.echo(f"leave-one-plan-out overall {right / total:.1%} of {total}")
    owned = [i for d in docs for a in d.plan.areas for i in a.goals + a.measures]
    led = sum(1 for i in owned if any(r.role == "lead" for r in i.responsibilities))
    click.echo(f"goals and measures with a lead: {led}/{len(owned)}")
    if misses:
        for m in overall.misses:
            e = m.example
            click.echo(
                f"  miss {'/'.join(map(str, e.key))} “{e.label}”: labelled {e.lead}"
                f"{' or ' + ', '.join(e.acceptable) if e.acceptable else ''}, "
                f"got {m.predicted}"
            )


@main.command()
@click.option("--endpoint", required=True, help="The server's SPARQL query URL.")
@click.option(
    "--graph-store",
    help="Its Graph Store Protocol URL [the endpoint's sibling /store for …/query or …/sparql].",
)
@STORE_OPTION
@click.pass_obj
def push(settings: Settings, endpoint: str, graph_store: str | None, store: Path | None) -> None:
    """Load the dataset into a SPARQL server, one HTTP PUT per named graph (replacing it)."""
    from queryapi.push import PushError, graph_store_for, push_store
    from queryapi.store import StoreError, open_store

    try:
        target = graph_store or graph_store_for(endpoint)
        db = open_store(store or settings.store)
    except (PushError, StoreError) as err:
        fail(str(err))
    try:
        report = push_store(
            db,
            target,
            on_graph=lambda g: click.echo(f"pushed {g.graph}: {g.triples} triples ({g.status})"),
        )
    except PushError as err:
        wrong_url = not graph_store and err.status in (404, 405)
        fail(f"{err}{' (derived from --endpoint; pass --graph-store)' if wrong_url else ''}")
    click.echo(f"pushed {len(report.graphs)} graphs, {report.triples} triples to {target}")
