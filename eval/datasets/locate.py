"""Where the shared benchmark data and the commission corpus live (never copied into the repo)."""

from __future__ import annotations

import os
from pathlib import Path

from eval.datasets.types import DatasetError

REPO_ROOT = Path(__file__).resolve().parents[2]
ENV_DATASETS = "BNC_DATASETS"
ENV_CORPUS = "BNC_CORPUS"


def dataset_roots(explicit: Path | None = None) -> list[Path]:
    """Candidates in order: --datasets, $BNC_DATASETS, ../shared/datasets, ./shared/datasets."""
    if explicit is not None:
        return [explicit]
    env = os.environ.get(ENV_DATASETS)
    if env:
        return [Path(env)]
    return [REPO_ROOT.parent / "shared" / "datasets", REPO_ROOT / "shared" / "datasets"]


def datasets_dir(explicit: Path | None = None) -> Path:
    roots = dataset_roots(explicit)
    for root in roots:
        if root.is_dir():
            return root
    tried = ", ".join(str(r) for r in roots)
    raise DatasetError(f"no datasets folder found (tried {tried}); pass --datasets DIR or set ${ENV_DATASETS}")


def corpus_dir(explicit: Path | None = None) -> Path:
    """The commission corpus: --corpus, $BNC_CORPUS, or corpus/ in the repository."""
    if explicit is not None:
        return explicit
    env = os.environ.get(ENV_CORPUS)
    return Path(env) if env else REPO_ROOT / "corpus"
