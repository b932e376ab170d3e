"""Which snapshot serves and which are kept: publication order, the fallback when CURRENT is broken, retention."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from indexer.files import write_atomic
from indexer.index.snapshot_files import (
    MANIFEST,
    PUBLISHED,
    SnapshotError,
    current_version,
    is_version_name,
    read_current,
    read_manifest,
    snapshots_dir,
)


def published_versions(index_dir: Path) -> list[str]:
    """Versions in the order they were published (oldest first), each once, that still exist."""
    try:
        lines = (index_dir / PUBLISHED).read_bytes().decode("ascii", "replace").splitlines()
    except OSError:
        lines = []
    order: dict[str, None] = {}
    for line in lines:
        name = line.strip()
        if is_version_name(name):
            order.pop(name, None)
            order[name] = None
    root = snapshots_dir(index_dir)
    return [v for v in order if (root / v).is_dir()]


def complete_snapshots(index_dir: Path) -> list[str]:
    root = snapshots_dir(index_dir)
    if not root.is_dir():
        return []
    return sorted(
        p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file()
    )


def serving_version(index_dir: Path, verify: bool = True) -> tuple[str | None, str | None]:
    """The snapshot to serve and, when it is not simply what CURRENT names, why.

    CURRENT naming a complete snapshot wins. When CURRENT is missing, empty, garbage, or names a
    snapshot that is gone or fails its checksums, the newest snapshot that verifies is chosen:
    newest by publication first, then by name (a build killed before publishing)."""
    version, problem = read_current(index_dir)
    root = snapshots_dir(index_dir)
    if version is not None:
        if not (root / version).is_dir():
            problem = f"CURRENT names snapshot {version}, which does not exist"
        else:
            try:
                read_manifest(root / version, verify=verify)
                return version, None
            except SnapshotError as exc:
                problem = f"CURRENT names a snapshot that does not verify ({exc})"
    done = complete_snapshots(index_dir)
    if not done:
        return None, problem
    if problem is None:
        problem = "CURRENT is missing"
    published = [v for v in reversed(published_versions(index_dir)) if v in done]
    for candidate in published + [v for v in reversed(done) if v not in published]:
        if candidate == version:
            continue
        try:
            read_manifest(root / candidate, verify=True)
        except SnapshotError:
            continue
        return (
            candidate,
            f"{problem}; serving {candidate}, the newest snapshot that verifies (`bnc index` repairs CURRENT)",
        )
    return None, f"{problem}; no other snapshot verifies (run `bnc index`)"


def remove_stale(index_dir: Path, keep: int = 2, only_staging: bool = False) -> list[str]:
    """Drop half-built staging dirs and every snapshot but CURRENT and the `keep - 1` published before it.

    Order is publication order (published.log, then each manifest's `previous`), never names:
    a snapshot a killed build completed but never published is not a predecessor. Call only
    while holding the build lock: staging dirs then belong to dead builds."""
    root = snapshots_dir(index_dir)
    if not root.is_dir():
        return []
    removed = []
    for tmp in root.glob(".tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
        removed.append(tmp.name)
    if only_staging:
        return removed
    current = current_version(index_dir)
    if current is None or not (root / current).is_dir():
        return removed  # nothing to anchor retention on: keep everything for repair
    kept = _predecessors(index_dir, current, max(keep, 1))
    for name in complete_snapshots(index_dir) + [
        p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and not (p / MANIFEST).is_file()
    ]:
        if name not in kept:
            shutil.rmtree(root / name, ignore_errors=True)
            removed.append(name)
    _rewrite_log(index_dir, [v for v in published_versions(index_dir) if v in kept])
    return removed


def _predecessors(index_dir: Path, current: str, count: int) -> list[str]:
    """CURRENT and the versions published just before it, newest first, `count` in all.

    Each manifest's `previous` is the snapshot that served while it was built, i.e. the one it
    replaced: following that chain is publication order. The log fills in where it breaks."""
    root = snapshots_dir(index_dir)
    chain = [current]
    while len(chain) < count:
        try:
            prev = json.loads((root / chain[-1] / MANIFEST).read_text("utf-8")).get("previous")
        except (OSError, ValueError):
            prev = None
        if not prev or prev in chain or not (root / prev).is_dir():
            break
        chain.append(prev)
    if len(chain) < count:
        order = published_versions(index_dir)
        last = chain[-1]
        earlier = order[: order.index(last)] if last in order else []
        chain += [v for v in reversed(earlier) if v not in chain][: count - len(chain)]
    return chain


def _rewrite_log(index_dir: Path, versions: list[str]) -> None:
    write_atomic(index_dir / PUBLISHED, "".join(f"{v}\n" for v in versions).encode())
