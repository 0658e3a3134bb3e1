"""The one frozen settings object every stage receives."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    # reading
    max_file_bytes: int = 20_000_000  # a larger input is refused with read.too_large
    max_decompressed_bytes: int = 200_000_000  # gzip output past this is a bomb
    max_compression_ratio: float = 200.0  # and so is output over this many times the input
    # analysis
    max_analysis_chars: int = 200_000  # longer texts are analysed up to here (text.too_long)
    nlp_processes: int = 2
    nlp_batch_size: int = 32
    # dedup
    shingle_size: int = 5
    num_perm: int = 128
    lsh_threshold: float = 0.5
    copy_threshold: float = 0.8  # Jaccard or containment at or over this makes a copy
    seed: int = 1
    # events
    event_window_days: int = 3
    # dossier used for claims ("" = none)
    dossier: str = "ukraine-security-guarantees"
    # events and stories (brief F; calibration in docs/events.md)
    event_alpha: float = 0.03  # weight of "a new event" against the open events
    event_beta: float = 0.03  # pseudo-count of each word in an event's word distribution
    event_decay: float = 2.0  # log-odds an open event loses per day since its latest report
    event_merge_threshold: float = 0.5  # cosine of two open events' word profiles that merges them
    story_window_days: int = 365  # an event joins a story whose latest event is at most this old
    story_threshold: float = 0.35  # event-to-story similarity needed to link


DEFAULT = Settings()
