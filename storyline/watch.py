"""`storyline watch`: poll feeds and folders, ingest what is new, report each poll in one line."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError
from .settings import Settings


def _changed_files(folder: Path, seen: dict[str, float]) -> list[str]:
    """Files under a folder that are new or modified since the last poll."""
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            mtime = path.stat().st_mtime
            if seen.get(str(path)) != mtime:
                seen[str(path)] = mtime
                out.append(str(path))
    return out


def poll_once(db: str, sources: list[str], *, seen: dict[str, float], spool: Path, allow_private: bool,
              settings: Settings) -> str:
    """One poll: fetch feeds into the spool folder, list changed files, build them into the store."""
    from .fetch import fetch
    from .pipeline import build
    from .store import Store

    paths: list[str] = []
    failures: list[str] = []
    for source in sources:
        if source.startswith(("http://", "https://")):
            try:
                body = fetch(source, allow_private=allow_private, max_bytes=settings.max_file_bytes)
            except InputError as exc:
                failures.append(f"{source}: {exc}")
                continue
            name = hashlib.sha1(source.encode()).hexdigest()[:12] + "-" + hashlib.sha1(body).hexdigest()[:12]
            path = spool / f"{name}.xml"
            if not path.exists():
                path.write_bytes(body)
                paths.append(str(path))
        elif Path(source).is_dir():
            paths.extend(_changed_files(Path(source), seen))
        elif Path(source).exists():
            mtime = Path(source).stat().st_mtime
            if seen.get(source) != mtime:
                seen[source] = mtime
                paths.append(source)
        else:
            failures.append(f"{source}: no such file, folder or URL")
    if not paths:
        summary = "nothing new"
    else:
        with Store(db) as store:
            summary = build(store, paths, settings=settings).summary()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    return f"{stamp} {summary}" + "".join(f"\n  skipped {f}" for f in failures)


def poll_forever(db: str, sources: list[str], *, interval: float, once: bool, allow_private: bool,
                 settings: Settings) -> Iterator[str]:
    """Poll until interrupted (or once), yielding each poll's summary line."""
    seen: dict[str, float] = {}
    spool = Path(db).resolve().parent / ".storyline-feeds"
    spool.mkdir(exist_ok=True)
    while True:
        yield poll_once(db, sources, seen=seen, spool=spool, allow_private=allow_private, settings=settings)
        if once:
            return
        time.sleep(interval)


__all__ = ["poll_forever", "poll_once"]
