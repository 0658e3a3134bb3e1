"""The `storyline` command: a thin shell over the library.

Exit codes: 0 done (inputs that could not be read are recorded, and counted in the summary);
1 the command could not run (a user mistake: a bad option, a missing store, a bad query);
2 an unexpected internal error; 3 with `--strict`, done but some inputs gave errors.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import click

from .errors import StorylineError, UsageError
from .settings import DEFAULT, Settings

DB_HELP = "The store (an SQLite file)."
DEFAULT_DB = "storyline.db"


def _fail(message: str, code: int) -> None:
    click.echo(f"storyline: error: {message}", err=True)
    sys.exit(code)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one line and exit code 1, anything unexpected into one line and 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StorylineError as exc:
            _fail(str(exc), 1)
        except BrokenPipeError:
            sys.stderr.close()  # output piped into `head`: not an error
            sys.exit(0)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as exc:
            if os.environ.get("STORYLINE_DEBUG"):
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (set STORYLINE_DEBUG=1 for a traceback)", 2)

    return wrapper


def _settings(**overrides: Any) -> Settings:
    return replace(DEFAULT, **{k: v for k, v in overrides.items() if v is not None})


def _progress_factory(enabled: bool) -> Callable[[str, int | None], Callable[[int], None]] | None:
    """tqdm bars on stderr when a person watches (a terminal), nothing in pipes and CI logs."""
    if not enabled:
        return None
    from tqdm import tqdm

    bars: list[Any] = []

    def make(label: str, total: int | None) -> Callable[[int], None]:
        bar = tqdm(total=total, desc=f"{label:8}", unit="doc", file=sys.stderr, leave=True, dynamic_ncols=True)
        bars.append(bar)
        return bar.update

    return make


def _want_progress(flag: bool | None) -> bool:
    return sys.stderr.isatty() if flag is None else flag


def _open_store(db: str, *, readonly: bool = True) -> Any:
    from .store import Store

    return Store(db, readonly=readonly)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="storyline")
def main() -> None:
    """storyline: news reports in, a sourced and dated record of the story out.

    Typical use: `storyline build --db news.db FOLDER` then `storyline stats --db news.db`,
    `storyline search --db news.db "security guarantees"`, `storyline dossier --db news.db`.
    """


progress_option = click.option("--progress/--no-progress", default=None,
                               help="Show progress bars (default: when stderr is a terminal).")
limit_options = [
    click.option("--max-file-bytes", type=click.IntRange(1), default=None,
                 help=f"Refuse text and HTML files over this size (default {DEFAULT.max_file_bytes}).") ,
    click.option("--max-record-bytes", type=click.IntRange(1), default=None,
                 help=f"Refuse JSON lines, WARC records and feed entries over this size (default "
                      f"{DEFAULT.max_record_bytes})."),
]


def with_limits(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(limit_options):
        fn = option(fn)
    return fn


processes_option = click.option("--processes", "-j", type=click.IntRange(1, 64), default=None,
                                help="Worker processes for the NLP stages (default: 2).")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True,
              help="Output format: one JSON object per article.")
@click.option("--no-analysis", is_flag=True, help="Only read, clean and date (no NLP).")
@click.option("--dossier", default=None, help="Dossier schema for claims (a shipped name or a TOML path).")
@processes_option
@with_limits
@progress_option
@guarded
def extract(paths: tuple[str, ...], fmt: str, no_analysis: bool, dossier: str | None, processes: int | None,
            max_file_bytes: int | None, max_record_bytes: int | None, progress: bool | None) -> None:
    """Read files, folders and JSON-lines files and print one JSON object per article, in input order.

    Each object carries id, source, title, published, outlet, byline, wire, dateline, entities,
    quotes, timex, claims and errors (see docs/cli.md). Nothing is stored.
    """
    from .pipeline import extract as run_extract
    from .pipeline import extract_record

    settings = _settings(dossier=dossier, max_file_bytes=max_file_bytes, max_record_bytes=max_record_bytes)
    bar = _progress_factory(_want_progress(progress))
    out = sys.stdout
    for item in run_extract(list(paths), settings=settings, analyse=not no_analysis, processes=processes,
                            progress=bar("extract", None) if bar else None):
        out.write(json.dumps(extract_record(item), ensure_ascii=False) + "\n")
    out.flush()


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.argument("paths", nargs=-1)
@click.option("--dossier", default=None, help="Dossier schema for claims (a shipped name or a TOML path).")
@click.option("--strict", is_flag=True, help="Exit with code 3 when any input gave an error.")
@processes_option
@with_limits
@progress_option
@guarded
def build(db: str, paths: tuple[str, ...], dossier: str | None, strict: bool, processes: int | None,
          max_file_bytes: int | None, max_record_bytes: int | None, progress: bool | None) -> None:
    """Ingest PATHS into the store and run every stage, corpus stages included.

    Running it again with the same inputs stores nothing twice; with no PATHS it finishes
    the work a killed run left undone. Prints a summary such as "812 stored, 3 errors".
    """
    from .pipeline import build as run_build
    from .store import Store

    settings = _settings(dossier=dossier, nlp_processes=processes, max_file_bytes=max_file_bytes,
                         max_record_bytes=max_record_bytes)
    with Store(db) as store:
        report = run_build(store, list(paths), settings=settings,
                           progress=_progress_factory(_want_progress(progress)))
    click.echo(report.summary(), err=True)
    if strict and report.errors:
        sys.exit(3)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (required for parquet); default: standard output.")
@guarded
def export(db: str, fmt: str, output: str | None) -> None:
    """Export one row per article: id, source, event, story, duplicate_of, published, outlet, title, ..."""
    from .exports import EXPORT_FIELDS, export_rows

    store = _open_store(db)
    rows = export_rows(store)
    if fmt == "parquet":
        if not output:
            raise UsageError("--format parquet needs --output FILE", code="usage.missing_output")
        from .exports import write_parquet

        count = write_parquet(rows, output, fields=EXPORT_FIELDS)
        click.echo(f"{count} articles written to {output}", err=True)
        return
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
    try:
        if fmt == "jsonl":
            for item in rows:
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
    finally:
        if output:
            out.close()


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def stats(db: str, fmt: str) -> None:
    """Counts of articles, copies, quotes, claims, events and error records, by outlet and by code."""
    from .report import store_stats

    figures = store_stats(_open_store(db))
    if fmt == "json":
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    for key in ("articles", "canonical", "copies", "entities", "quotes", "timexes", "claims", "events", "stories",
                "errors"):
        click.echo(f"{key:10} {figures[key]}")
    click.echo(f"dates      {figures['first_date']} .. {figures['last_date']}")
    if figures["outlets"]:
        click.echo("outlets    " + ", ".join(f"{o} {n}" for o, n in figures["outlets"][:10]))
    if figures["error_codes"]:
        click.echo("error codes " + ", ".join(f"{c} {n}" for c, n in figures["error_codes"]))


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "newest"]), default="relevance", show_default=True,
              help="Best match (BM25) or newest first, among the newest 300 matches.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def search(db: str, query: str, limit: int, sort: str, fmt: str) -> None:
    """Full-text search over titles and bodies (SQLite FTS5 syntax: words, "phrases", OR, NOT, prefix*)."""
    hits = _open_store(db).search(query, limit=limit, sort=sort)
    if fmt == "json":
        for hit in hits:
            click.echo(json.dumps(hit, ensure_ascii=False))
        return
    if not hits:
        click.echo("no matches", err=True)
    for hit in hits:
        click.echo(f"{hit['published'] or '?':10}  {hit['outlet'] or '?':20.20}  {hit['id']}  {hit['title'] or ''}")
        click.echo(f"            {hit['snippet']}")


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--speaker", default=None, help="Resolved speaker, e.g. \"Mark Rutte\".")
@click.option("--text", "text_query", default=None, help="Full-text query over the quoted words.")
@click.option("--since", default=None, help="From this date (YYYY-MM-DD).")
@click.option("--until", default=None, help="Up to this date (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(1, 100000), default=100, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def quotes(db: str, speaker: str | None, text_query: str | None, since: str | None, until: str | None, limit: int,
           fmt: str) -> None:
    """Quotes in the store, by speaker, words and date, with their outlet and article."""
    rows = _open_store(db).quotes(speaker=speaker, text=text_query, since=since, until=until, limit=limit)
    for r in rows:
        if fmt == "json":
            click.echo(json.dumps(r, ensure_ascii=False))
        else:
            click.echo(f"{r['published'] or '?':10}  {r['speaker'] or '?':24.24}  [{r['kind']}] {r['content']}")
            click.echo(f"            {r['outlet'] or '?'}: {r['title'] or r['article_id']}")


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def errors(db: str, fmt: str) -> None:
    """The inputs that could not be read, with their reason codes."""
    for r in _open_store(db).errors():
        if fmt == "json":
            click.echo(json.dumps(dict(r), ensure_ascii=False))
        else:
            click.echo(f"{r['code']:18} {r['origin']}  {r['message']}")


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default keeps the server on this machine.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Server processes; default two per core, at most 8 (each serves one request's Python at a "
                   "time, and connections are spread over them unevenly).")
@guarded
def serve(db: str, host: str, port: int, workers: int | None) -> None:
    """Serve the web UI and the HTTP API (OpenAPI at /openapi.json, docs at /docs).

    Write endpoints (upload, post articles) need STORYLINE_TOKEN set in the environment.
    """
    import uvicorn

    os.environ["STORYLINE_DB"] = db
    if workers is None:
        workers = max(1, min(8, 2 * (os.cpu_count() or 1)))
    click.echo(f"storyline: serving {db} on http://{host}:{port} ({workers} workers)", err=True)
    uvicorn.run("storyline.api:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", timeout_keep_alive=30)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.argument("sources", nargs=-1, required=True)
@click.option("--interval", type=click.FloatRange(1, 86400), default=300, show_default=True,
              help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Poll once and exit.")
@click.option("--allow-private", is_flag=True, help="Allow feed URLs on private or loopback addresses.")
@guarded
def watch(db: str, sources: tuple[str, ...], interval: float, once: bool, allow_private: bool) -> None:
    """Poll feeds (URLs) and folders on an interval and ingest what is new.

    Each poll prints a summary line; stop with Ctrl-C.
    """
    from .watch import poll_forever

    for summary in poll_forever(db, list(sources), interval=interval, once=once, allow_private=allow_private,
                                settings=_settings()):
        click.echo(summary, err=True)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--min-size", type=click.IntRange(1, 100000), default=2, show_default=True,
              help="Only groups of at least this many reports.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def duplicates(db: str, min_size: int, fmt: str) -> None:
    """Syndication groups: each story counted once, with every outlet that carried it.

    For each group: the canonical report (wire origin first, then the earliest, then the fullest) and
    each copy with its similarity and how it differs (exact, retitled, trimmed, extended).
    """
    from .dedup import CopyIndex

    store = _open_store(db)
    titles = {r["id"]: r["title"] for r in store.conn.execute("SELECT id, title FROM articles")}
    for group in CopyIndex(store.conn).groups(min_size=min_size):
        if fmt == "json":
            click.echo(json.dumps({"canonical": group.canonical_id, "size": group.size, "outlets": group.outlets,
                                   "members": [vars_of(m) for m in group.members]}, ensure_ascii=False))
            continue
        head = group.members[0]
        click.echo(f"{group.size} reports, {len(group.outlets)} outlets: {titles.get(head.article_id) or head.article_id}")
        for m in group.members:
            how = "canonical" if m.article_id == group.canonical_id else (
                f"jaccard {m.jaccard:.2f} containment {m.containment:.2f} {','.join(m.diff)}")
            click.echo(f"    {m.published or '?':10}  {m.outlet or '?':22.22}  {m.article_id}  {how}")


def vars_of(obj: Any) -> dict[str, Any]:
    from .model import to_dict

    return to_dict(obj)  # type: ignore[no-any-return]


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--name", default=None,
              help="A shipped dossier's name or the path of a dossier TOML file (default: the one the store "
                   "was built with).")
@click.option("--as-of", "as_of", default=None, help="The picture as it stood on this date (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def dossier(db: str, name: str | None, as_of: str | None, fmt: str) -> None:
    """The layered picture of a dossier: actor by actor, the latest position, its date, its evidence
    and the outlets that carried it."""
    from .positions import render_picture_text
    from .views import picture

    _check_date(as_of)
    store = _open_store(db)
    result = picture(store.conn, name or store.corpus_state("dossier", DEFAULT.dossier), as_of=as_of)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(render_picture_text(result), nl=False)


def _check_date(value: str | None) -> None:
    import datetime as dt

    if value is None:
        return
    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"not a date (YYYY-MM-DD): {value!r}", code="usage.bad_date") from exc


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def stories(db: str, fmt: str) -> None:
    """Stories (linked events) by recent activity, with their ids for `timeline --story`."""
    from . import queries

    for s in queries.list_stories(_open_store(db).conn, limit=100000):
        if fmt == "json":
            click.echo(json.dumps(s, ensure_ascii=False))
        else:
            click.echo(f"{s['id']}  {s['first'] or '?'} .. {s['last'] or '?'}  {s['events']} events  "
                       f"{s['articles']} reports  {s['title']}")


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--story", default=None, help="A story id (see `storyline stories`).")
@click.option("--actor", default=None, help="An actor's name, e.g. \"United States\".")
@click.option("--dossier", "dossier_name", default=None, help="A dossier: its events and position changes.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "png", "svg"]), default="text",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="File for the chart (png, svg); default: timeline.png or timeline.svg.")
@guarded
def timeline(db: str, story: str | None, actor: str | None, dossier_name: str | None, fmt: str,
             output: str | None) -> None:
    """Dated entries (what happened, in a sentence from the sources, with actors and outlets) and the
    position changes on the same axis, as text, JSON or a chart."""
    from .timeline import render_timeline
    from .views import timeline_entries, timeline_heading

    conn = _open_store(db).conn
    entries = timeline_entries(conn, story=story, actor=actor, dossier=dossier_name)
    if not entries:
        raise UsageError("nothing to show: no dated events or position changes match", code="usage.empty")
    if fmt in ("png", "svg"):
        path = output or f"timeline.{fmt}"
        heading = timeline_heading(conn, story=story, actor=actor, dossier=dossier_name)
        render_timeline(entries, fmt, path, heading=heading)
        click.echo(f"{len(entries)} entries drawn to {path}", err=True)
    else:
        click.echo(render_timeline(entries, fmt), nl=False)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--engine", type=click.Choice(["spark"]), default="spark", show_default=True,
              help="The compute engine for the backfill.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the Parquet tables (articles, groups, entities, quotes, claims, events).")
@click.option("--master", default="local[2]", show_default=True, help="Spark master URL.")
@click.option("--dossier", default=None, help="Dossier schema for claims (a shipped name or a TOML path).")
@progress_option
@guarded
def batch(inputs: tuple[str, ...], engine: str, out_dir: str, master: str, dossier: str | None,
          progress: bool | None) -> None:
    """Backfill on Apache Spark: WARC, JSON lines (.gz) and Parquet in, Parquet tables out.

    Runs the same stage functions as `build` inside Spark partitions (needs the extra
    `storyline[spark]` and Java 17). Load the result into a store with `storyline load`.
    Prints the counts and seconds per stage as JSON on stderr.
    """
    from .spark import run_batch

    settings = _settings(dossier=dossier)

    def report_stage(stage: str, seconds: float) -> None:
        click.echo(f"storyline batch: {stage} done in {seconds:.1f} s", err=True)

    result = run_batch(list(inputs), out_dir, master=master, settings=settings,
                       progress=report_stage if _want_progress(progress) else None)
    click.echo(json.dumps(result, ensure_ascii=False, default=str), err=True)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@guarded
def load(db: str, directory: str) -> None:
    """Load the Parquet tables written by `storyline batch` into the store, so the web UI serves them."""
    from .spark_load import load_tables
    from .store import Store

    with Store(db) as store:
        counts = load_tables(store, directory, settings=_settings())
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()), err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
