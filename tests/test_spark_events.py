"""Month streams of the Spark backfill and their stitching across month ends (no Spark needed)."""

from __future__ import annotations

from storyline.settings import Settings
from storyline.spark_events import (
    cluster_window,
    lead_window,
    merge_event_rows,
    rename_state,
    stitch,
    window_of,
)

SETTINGS = Settings(nlp_processes=1)
BRIDGE = "The Tarnow harbour bridge collapsed into the river; engineers blame corroded cables on the bridge"


def row(seq: int, rid: str, day: str, title: str, *, opening: str = "", dup: str | None = None) -> dict:
    return {
        "seq": seq,
        "id": rid,
        "duplicate_of": dup,
        "published": day,
        "title": title,
        "outlet": "Ledger",
        "opening": opening or title,
        "names": ["Tarnow"] if "Tarnow" in title else ["Selvik"],
        "actors": ["Tarnow"] if "Tarnow" in title else ["Selvik"],
    }


def test_event_window_is_the_month_of_publication() -> None:
    assert window_of("2016-09-30", ingest_date="2026-01-01") == "2016-09"
    assert window_of(None, ingest_date="2026-01-01") == "2026-01"


def test_the_last_days_of_a_month_lead_into_the_next() -> None:
    assert lead_window("2025-01-31", days=3) == "2025-02"
    assert lead_window("2025-01-29T23:10:00+00:00", days=3) == "2025-02"
    assert lead_window("2025-01-28", days=3) is None
    assert lead_window("2024-02-27", days=3) == "2024-03"  # a leap year's February has 29 days
    assert lead_window("2025-12-30", days=3) == "2026-01"
    assert lead_window(None, days=3) is None
    assert lead_window("not a date", days=3) is None
    assert lead_window("2025-01-31", days=0) is None


def test_lead_in_reports_are_clustered_first_and_never_reported() -> None:
    january = [row(1, "jan31", "2025-01-31", "Tarnow harbour bridge collapses", opening=BRIDGE)]
    february = [
        row(2, "feb01", "2025-02-01", "Tarnow bridge collapse: cables to blame", opening=BRIDGE),
        row(3, "feb01-copy", "2025-02-01", "copy", dup="feb01"),
        row(
            4, "selvik", "2025-02-02", "Selvik ferry strike ends after talks", opening="Ferry crews in Selvik"
        ),
    ]
    out = list(
        cluster_window(
            "2025-02",
            february,
            settings=SETTINGS,
            ingest_date="2026-01-01",
            last_window="2025-02",
            lead_in=january,
        )
    )
    events = {e[0]: e for kind, e in out if kind == "event"}
    reported = [a for e in events.values() for a in e[3]]
    assert sorted(reported) == ["feb01", "feb01-copy", "selvik"]  # the lead-in stays in January
    (continued,) = [value for kind, value in out if kind == "continues"]
    bridge = next(e for e in events.values() if "feb01" in e[3])
    assert continued == (bridge[0], ["jan31"])
    assert "selvik" not in bridge[3]


def test_stitch_follows_the_majority_and_resolves_chains() -> None:
    continues = [
        ("ev:feb", ["jan-a", "jan-b", "jan-c"]),
        ("ev:mar", ["feb-x"]),
        ("ev:lost", ["nowhere"]),  # its lead-in's month found no event for it
        ("ev:same", ["s"]),
    ]
    owners = {
        "jan-a": "ev:jan",
        "jan-b": "ev:jan",
        "jan-c": "ev:jan-other",
        "feb-x": "ev:feb",
        "s": "ev:same",
    }
    assert stitch(continues, owners) == {"ev:feb": "ev:jan", "ev:mar": "ev:jan"}


def test_stitch_survives_a_cycle() -> None:
    renames = stitch([("ev:a", ["x"]), ("ev:b", ["y"])], {"x": "ev:b", "y": "ev:a"})
    assert set(renames) == {"ev:a", "ev:b"}
    assert set(renames.values()) <= {"ev:a", "ev:b"}


def test_merged_event_rows_keep_the_earlier_date_and_the_larger_title() -> None:
    january = ("ev:jan", "2025-01-31", "Bridge collapses", ["a"], ["Tarnow", "Lindholm"])
    february = (
        "ev:feb",
        "2025-02-01",
        "Cables to blame for bridge collapse",
        ["b", "c"],
        ["Tarnow", "Selvik"],
    )
    merged = merge_event_rows(february, january)
    assert merged == (
        "ev:jan",
        "2025-01-31",
        "Cables to blame for bridge collapse",
        ["a", "b", "c"],
        ["Tarnow", "Lindholm", "Selvik"],
    )
    assert merge_event_rows(january, february) == merged


def test_the_stream_state_takes_the_stitched_names() -> None:
    state = {"open": [{"id": "ev:feb", "seq": 1}, {"id": "ev:new", "seq": 2}], "renamed": {"ev:x": "ev:feb"}}
    renamed = rename_state(state, {"ev:feb": "ev:jan"})
    assert [c["id"] for c in renamed["open"]] == ["ev:jan", "ev:new"]
    assert renamed["renamed"] == {"ev:x": "ev:jan"}
    assert state["open"][0]["id"] == "ev:feb"  # the input is left as it was
    assert rename_state(state, {}) is state


def test_two_open_events_stitched_to_one_become_one_in_the_state() -> None:
    from storyline.events import EventClusterer

    def cluster(cid: str, seq: int, first: float, last: float, counts: dict, heads: dict) -> dict:
        return {
            "id": cid,
            "seq": seq,
            "first": first,
            "last": last,
            "size": 2,
            "words": sum(counts.values()),
            "counts": counts,
            "heads": heads,
            "reach": 3,
        }

    state = {
        "version": 1,
        "docs": 4,
        "clock": 10.0,
        "swept": 0.0,
        "df": {"bridge": 3, "river": 2},
        "df_total": 5,
        "renamed": {},
        "open": [
            cluster("ev:a", 1, 1.0, 5.0, {"bridge": 2, "river": 1}, {"bridge": 2}),
            cluster("ev:b", 3, 4.0, 9.0, {"bridge": 1, "river": 1}, {"river": 1}),
        ],
    }
    (one,) = rename_state(state, {"ev:a": "ev:jan", "ev:b": "ev:jan"})["open"]
    assert one["id"] == "ev:jan" and (one["first"], one["last"], one["seq"]) == (1.0, 9.0, 1)
    assert one["counts"] == {"bridge": 3, "river": 2} and one["heads"] == {"bridge": 2, "river": 1}
    assert (one["size"], one["words"], one["reach"]) == (4, 5, 6)
    # The embedded clusterer continues from it.
    clusterer = EventClusterer(SETTINGS, state=rename_state(state, {"ev:a": "ev:jan", "ev:b": "ev:jan"}))
    assert clusterer.state()["open"][0]["id"] == "ev:jan"
