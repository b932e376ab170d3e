"""What every `bnc` command shares: settings from the command line's options, and the usage error."""

from __future__ import annotations

import argparse
from typing import Any

from pydantic import ValidationError

from service.config import Settings


class UsageError(Exception):
    """A message for stderr and exit status 2."""


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with --index, --corpus and --encoder given on the command line."""
    overrides: dict[str, Any] = {}
    if getattr(args, "index", None):
        overrides["index"] = args.index
    if getattr(args, "corpus", None):
        overrides["corpus"] = args.corpus
    if getattr(args, "encoder", None):
        overrides["encoder"] = args.encoder
    if getattr(args, "backend", None):
        overrides["backend"] = args.backend
    if getattr(args, "milvus_uri", None):
        overrides["milvus_uri"] = args.milvus_uri
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise UsageError("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())) from None
