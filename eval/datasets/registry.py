"""Resolve a dataset name (commission, xquad, xquad-single, tatoeba, mlqa, mlqa-answers, dated) or a BEIR folder."""

from __future__ import annotations

from pathlib import Path

from eval.datasets.beir import load_beir
from eval.datasets.commission import load_commission
from eval.datasets.dated import load_dated
from eval.datasets.locate import datasets_dir
from eval.datasets.mlqa import load_mlqa
from eval.datasets.mlqa_answers import load_mlqa_answers
from eval.datasets.tatoeba import load_tatoeba
from eval.datasets.types import LabeledSet
from eval.datasets.xquad import load_xquad, load_xquad_single

NAMED = ("commission", "xquad", "xquad-single", "tatoeba", "mlqa", "mlqa-answers", "dated")


def load_dataset(name: str, datasets: Path | None = None, corpus: Path | None = None) -> LabeledSet:
    if name == "commission":
        return load_commission(corpus)
    if name == "xquad":
        return load_xquad(datasets_dir(datasets))
    if name == "xquad-single":
        return load_xquad_single(datasets_dir(datasets))
    if name == "dated":
        return load_dated(corpus)
    if name == "mlqa-answers":
        return load_mlqa_answers(datasets_dir(datasets))
    if name == "tatoeba":
        return load_tatoeba(datasets_dir(datasets))
    if name == "mlqa":
        return load_mlqa(datasets_dir(datasets))
    return load_beir(Path(name))
