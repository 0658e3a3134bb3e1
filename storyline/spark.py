"""Backfills on Apache Spark: the embedded stages inside partitions, copies by joins on LSH bands,
events per month, and Parquet tables that ``storyline load`` puts into the store.

    read + clean + date (prepare) and fingerprint  -> one task per file (per Parquet row group)
    one article per content (as the store keeps)   -> window on the content hash
    syndication groups                             -> band join, copy rule, connected components
    analysis (canonicals in full, copies' own paragraphs) -> mapPartitions, spaCy once per worker
    events                                         -> EventClusterer per calendar month, stitched
                                                      where an event runs over a month's end
    tables                                         -> articles, syndication_groups, entities, quotes,
                                                      claims, timexes, events, errors, fingerprints
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import UsageError
from .settings import Settings
from .spark_dedup import FINGERPRINT_FIELDS, copy_links, index_params
from .spark_events import EVENT_COLUMNS, cluster_window, lead_window, merge_event_rows, rename_state, stitch
from .spark_rows import (
    ANALYSED_COLUMNS,
    ARTICLE_COLUMNS,
    PREPARED_COLUMNS,
    analyse_rows,
    article_row,
    claim_rows,
    entity_rows,
    input_tasks,
    load_article,
    prepare_rows,
    quote_rows,
    timex_rows,
)

__all__ = ["TABLES", "run_batch", "spark_session", "table_paths"]

TABLES = (
    "articles",
    "syndication_groups",
    "entities",
    "quotes",
    "claims",
    "timexes",
    "events",
    "errors",
    "fingerprints",
)
MANIFEST = "manifest.json"
# Analysis partitions: a few per core so a slow partition (long reports) does not idle the others,
# and no more than about this many articles each, so a failed task re-runs little.
ARTICLES_PER_PARTITION = 2000
PARTITIONS_PER_CORE = 3

Progress = Callable[[str, float], None]


def driver_memory() -> str:
    """The driver's heap: ``$STORYLINE_SPARK_MEMORY`` (e.g. ``6g``), else a quarter of this machine's
    memory, between 2 and 8 GB."""
    wanted = os.environ.get("STORYLINE_SPARK_MEMORY")
    if wanted:
        return wanted
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 8 * 2**30
    quarter = total // 4 // 2**30
    return f"{max(2, min(8, quarter))}g"


def spark_session(master: str = "local[2]", *, shuffle_partitions: int = 8) -> Any:
    """A Spark session for storyline jobs (no web UI, quiet logs, the workers on this Python)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UsageError(
            "the Spark engine needs pyspark: pip install 'storyline[spark]'", code="usage.no_spark"
        ) from exc
    # The workers must run this interpreter (its virtualenv holds storyline's dependencies); pyspark
    # reads the variable when the context starts, the configuration key alone is not enough.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName("storyline batch")
        # In local mode the driver's JVM runs every task: Spark's default heap (1 GB) ran out reading the
        # copy index's signatures back at 100,000 articles. Big rows (article JSON, signatures) also
        # read in smaller vectorised batches than Spark's 4,096.
        .config("spark.driver.memory", driver_memory())
        .config("spark.sql.parquet.columnarReaderBatchSize", "1024")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _schema(columns: Sequence[str], types: dict[str, Any]) -> Any:
    from pyspark.sql import types as T

    return T.StructType([T.StructField(c, types.get(c, T.StringType())) for c in columns])


def _types() -> dict[str, Any]:
    from pyspark.sql import types as T

    long, text = T.LongType(), T.StringType()
    return {
        "seq": long,
        "hashes": T.BinaryType(),
        "starts": T.BinaryType(),
        "keys": T.ArrayType(long),
        "analysed": T.BooleanType(),
        "names": T.ArrayType(text),
        "actors": T.ArrayType(text),
        "articles": T.ArrayType(text),
        "published_confidence": T.DoubleType(),
        "published_inferred": T.BooleanType(),
        "start": long,
        "end": long,
        "idx": long,
        "content_start": long,
        "content_end": long,
        "cue_start": long,
        "cue_end": long,
        "speaker_start": long,
        "speaker_end": long,
        "evidence_start": long,
        "evidence_end": long,
        "negated": T.BooleanType(),
    }


ENTITY_COLUMNS = ("article_id", "start", "end", "text", "label", "canonical")
TIMEX_COLUMNS = ("article_id", "start", "end", "text", "type", "value")
QUOTE_COLUMNS = (
    "article_id",
    "idx",
    "kind",
    "content_start",
    "content_end",
    "content",
    "cue_start",
    "cue_end",
    "speaker_start",
    "speaker_end",
    "speaker_mention",
    "speaker",
    "published",
)
CLAIM_COLUMNS = (
    "article_id",
    "idx",
    "actor",
    "stance",
    "kind",
    "object",
    "layer",
    "topic",
    "date",
    "negated",
    "modality",
    "condition",
    "reported_by",
    "evidence_start",
    "evidence_end",
    "evidence",
    "data",
)
ERROR_COLUMNS = ("source", "origin", "code", "message", "stage")


class _Clock:
    def __init__(self, progress: Progress | None) -> None:
        self.seconds: dict[str, float] = {}
        self.progress = progress
        self._start = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self._start, 3)
        self._start = now
        if self.progress:
            self.progress(stage, self.seconds[stage])


def run_batch(
    inputs: Sequence[str],
    out_dir: str,
    *,
    master: str = "local[2]",
    settings: Settings,
    spark: Any = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run every stage over WARC, JSON lines (.gz), Parquet and text inputs on Spark and write Parquet
    tables to ``out_dir``; returns counts and seconds per stage. Pass ``spark`` to reuse a session
    (it is then left open); otherwise one is started on ``master`` and stopped at the end."""
    tasks = input_tasks(inputs)
    if not tasks:
        raise UsageError("no inputs given", code="usage.no_inputs")
    own = spark is None
    spark = spark or spark_session(master)  # raises usage.no_spark without pyspark
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    out, work = Path(out_dir), Path(out_dir) / "_work"
    types = _types()
    clock = _Clock(progress)
    ingest_date = dt.datetime.now(dt.UTC).date().isoformat()
    try:
        sc = spark.sparkContext
        read = sc.parallelize(tasks, len(tasks)).mapPartitions(lambda ts: prepare_rows(ts, settings=settings))
        spark.createDataFrame(read, _schema(PREPARED_COLUMNS, types)).write.mode("overwrite").parquet(
            str(work / "prepared")
        )
        prepared = spark.read.parquet(str(work / "prepared"))
        clock.lap("read")

        # The store keeps one article per content and renames a second article of the same id.
        found = prepared.where(F.col("article").isNotNull())
        kept = (
            found.withColumn("_n", F.row_number().over(Window.partitionBy("content_hash").orderBy("seq")))
            .where(F.col("_n") == 1)
            .withColumn("_n", F.row_number().over(Window.partitionBy("id").orderBy("seq")))
            .withColumn(
                "id",
                F.when(
                    F.col("_n") > 1, F.concat("id", F.lit("~"), F.substring("content_hash", 1, 8))
                ).otherwise(F.col("id")),
            )
            .drop("_n")
        )
        kept.write.mode("overwrite").parquet(str(work / "kept"))
        kept = spark.read.parquet(str(work / "kept"))
        links = copy_links(kept, settings=settings)
        links.write.mode("overwrite").parquet(str(out / "syndication_groups"))
        links = spark.read.parquet(str(out / "syndication_groups"))
        clock.lap("dedup")

        total = kept.count()
        parts = max(sc.defaultParallelism * PARTITIONS_PER_CORE, total // ARTICLES_PER_PARTITION + 1)
        todo = (
            kept.join(
                links.select("seq", F.col("canonical_id").alias("duplicate_of"), "added"), "seq", "left"
            )
            .select("seq", "id", "duplicate_of", "added", "published", "article")
            .repartition(parts, "seq")
        )
        analysed_rdd = todo.rdd.mapPartitions(lambda rows: analyse_rows(rows, settings=settings))
        spark.createDataFrame(analysed_rdd, _schema(ANALYSED_COLUMNS, types)).write.mode("overwrite").parquet(
            str(work / "analysed")
        )
        analysed = spark.read.parquet(str(work / "analysed"))
        clock.lap("analyse")

        event_errors: list[str] = []
        events, state = _cluster_events(
            spark, analysed, settings=settings, ingest_date=ingest_date, failures=event_errors
        )
        events.write.mode("overwrite").parquet(str(out / "events"))
        events = spark.read.parquet(str(out / "events"))
        clock.lap("events")

        counts = _write_tables(spark, out, kept, analysed, events, prepared)
        clock.lap("write")
    finally:
        if own:
            spark.stop()
    shutil.rmtree(work, ignore_errors=True)
    report = {
        "inputs": len(tasks),
        **counts,
        "unchanged": counts["found"] - counts["articles"],
        "seconds": clock.seconds,
        "ingest_date": ingest_date,
        "event_errors": event_errors,
    }
    manifest = {
        "version": 1,
        "index_params": index_params(settings),
        "events_state": state,
        "settings": {"dossier": settings.dossier, "max_analysis_chars": settings.max_analysis_chars},
        "report": report,
    }
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return report


def _cluster_events(
    spark: Any, analysed: Any, *, settings: Settings, ingest_date: str, failures: list[str]
) -> tuple[Any, Any]:
    """The events table and the clusterer state of the last month (copies join their canonical's month)."""
    from pyspark.sql import functions as F

    heads = analysed.where(F.col("duplicate_of").isNull()).select(
        F.col("id").alias("_head"), F.col("published").alias("_head_published")
    )
    keyed = (
        analysed.withColumn("_head", F.coalesce("duplicate_of", "id"))
        .join(heads, "_head")
        .withColumn("_window", F.coalesce(F.substring("_head_published", 1, 7), F.lit(ingest_date[:7])))
    )
    last = keyed.agg(F.max("_window")).first()[0]
    if last is None:
        return spark.createDataFrame([], _schema(EVENT_COLUMNS, _types())), None
    days = settings.event_window_days

    def placed(row: Any) -> Iterator[tuple[str, tuple[bool, Any]]]:
        # Each report in its month's stream; a canonical of a month's last days also opens the next
        # month's as lead-in, so an event running over the month's end is found in both and stitched.
        yield row["_window"], (False, row)
        if row["duplicate_of"] is None:
            later = lead_window(row["published"], days=days)
            if later is not None and later <= last:
                yield later, (True, row)

    def month(window: str, placed_rows: Iterable[tuple[bool, Any]]) -> Iterator[tuple[str, Any]]:
        rows: list[Any] = []
        lead_in: list[Any] = []
        for is_lead, row in placed_rows:
            (lead_in if is_lead else rows).append(row)
        return cluster_window(
            window, rows, settings=settings, ingest_date=ingest_date, last_window=last, lead_in=lead_in
        )

    out = keyed.rdd.flatMap(placed).groupByKey().flatMap(lambda kv: month(kv[0], kv[1])).cache()
    notes = out.filter(lambda kv: kv[0] != "event").collect()
    states = [text for kind, text in notes if kind == "state"]
    failures.extend(text for kind, text in notes if kind == "error")
    continues = [value for kind, value in notes if kind == "continues"]
    rows = out.filter(lambda kv: kv[0] == "event").map(lambda kv: kv[1])
    renames: dict[str, str] = {}
    if continues:
        wanted = spark.sparkContext.broadcast({lead for _, leads in continues for lead in leads})
        owners = (
            rows.map(lambda r: (r[0], [a for a in r[3] if a in wanted.value])).filter(lambda p: p[1]).collect()
        )
        renames = stitch(continues, {article: event for event, found in owners for article in found})
        # Renamed parts join their event, and so do parts that kept one name: an event a lead-in report
        # started in the next month is named after it, as is that report's event in its own month.
        names = spark.sparkContext.broadcast(renames)
        rows = (
            rows.map(lambda r: (names.value.get(r[0], r[0]), r))
            .reduceByKey(merge_event_rows)
            .map(lambda kv: (kv[0], *kv[1][1:]))
        )
    events = spark.createDataFrame(rows, _schema(EVENT_COLUMNS, _types()))
    return events, (rename_state(json.loads(states[0]), renames) if states else None)


def _analysis_tables(row: Any) -> list[tuple[str, tuple[Any, ...]]]:
    article = load_article(row["article"], row["id"])
    return (
        [("entities", r) for r in entity_rows(article)]
        + [("timexes", r) for r in timex_rows(article)]
        + [("quotes", r) for r in quote_rows(article)]
        + [("claims", r) for r in claim_rows(article)]
    )


def _error_rows(row: Any) -> list[tuple[Any, ...]]:
    return [tuple(e.get(c) for c in ERROR_COLUMNS) for e in json.loads(row["errors"] or "[]")]


def _write_tables(
    spark: Any, out: Path, kept: Any, analysed: Any, events: Any, prepared: Any
) -> dict[str, int]:
    from pyspark.sql import functions as F

    types = _types()
    members = events.select(F.col("id").alias("event"), F.explode("articles").alias("id"))
    rows = (
        analysed.select("seq", "id", "duplicate_of", "analysed", "article")
        .join(kept.select("id", "content_hash"), "id")
        .join(members, "id", "left")
    )
    articles = spark.createDataFrame(rows.rdd.map(article_row), _schema(ARTICLE_COLUMNS, types))
    # Each file in reading order, so `storyline load` merges the files without holding the table.
    articles.sortWithinPartitions("seq").write.mode("overwrite").parquet(str(out / "articles"))
    facts = analysed.where("analysed").rdd.flatMap(_analysis_tables).cache()
    for table, columns in (
        ("entities", ENTITY_COLUMNS),
        ("timexes", TIMEX_COLUMNS),
        ("quotes", QUOTE_COLUMNS),
        ("claims", CLAIM_COLUMNS),
    ):
        picked = facts.filter(lambda kv, t=table: kv[0] == t).map(lambda kv: kv[1])
        spark.createDataFrame(picked, _schema(columns, types)).write.mode("overwrite").parquet(
            str(out / table)
        )
    facts.unpersist()
    errors = prepared.where(F.col("article").isNull()).rdd.flatMap(_error_rows)
    spark.createDataFrame(errors, _schema(ERROR_COLUMNS, types)).write.mode("overwrite").parquet(
        str(out / "errors")
    )
    kept.select("id", *FINGERPRINT_FIELDS).write.mode("overwrite").parquet(str(out / "fingerprints"))
    counts = {
        name: spark.read.parquet(str(out / name)).count()
        for name in ("articles", "syndication_groups", "quotes", "events", "errors")
    }
    return {
        "found": prepared.where(F.col("article").isNotNull()).count(),
        "articles": counts["articles"],
        "copies": counts["syndication_groups"],
        "quotes": counts["quotes"],
        "events": counts["events"],
        "errors": counts["errors"],
        "analysed": spark.read.parquet(str(out / "articles")).where("analysed").count(),
    }


def table_paths(directory: str | os.PathLike[str]) -> dict[str, Path]:
    """The Parquet directory of each table ``run_batch`` writes under ``directory``."""
    return {name: Path(directory) / name for name in TABLES}
