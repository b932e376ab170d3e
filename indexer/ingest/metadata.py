"""Bounded, alias-free YAML for front matter and sidecars: metadata is a small flat mapping of scalars."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

MAX_META_BYTES = 16 * 1024  # a front-matter block or sidecar; real ones are well under 1 KB
MAX_FIELD_CHARS = {"title": 500, "source": 1000, "source_url": 2000}
DEFAULT_FIELD_CHARS = 500
MAX_FIELDS = 40


class MetadataError(ValueError):
    """Metadata that is not a small flat mapping of scalar values; the message says which part."""


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader without aliases (billion-laughs expansion) and with dates kept as text.

    Dates stay strings so that one parser (readers._iso_date) validates them and a date such as
    2002-13-45 is a clear error about that field rather than a ValueError inside PyYAML."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise MetadataError(f"YAML aliases are not accepted in metadata (line {event.start_mark.line + 1})")
        return super().compose_node(parent, index)


def _as_text(loader: _BoundedLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)


def load_metadata(text: str, what: str = "front matter") -> dict[str, Any]:
    """Parse and check one metadata block: a mapping of at most MAX_FIELDS scalar fields."""
    if len(text.encode("utf-8", "replace")) > MAX_META_BYTES:
        raise MetadataError(f"{what} is larger than {MAX_META_BYTES // 1024} KB")
    try:
        meta = yaml.load(text, Loader=_BoundedLoader) or {}
    except yaml.YAMLError as exc:
        raise MetadataError(f"{what} is not valid YAML: {exc}") from None
    except RecursionError:
        raise MetadataError(f"{what} is nested too deeply") from None
    if not isinstance(meta, dict):
        raise MetadataError(f"{what} must be a mapping of fields")
    return check_fields(meta, what)


def check_fields(meta: dict[Any, Any], what: str = "metadata") -> dict[str, Any]:
    """Field names are short strings, values scalars of bounded length (what any list of documents returns)."""
    if len(meta) > MAX_FIELDS:
        raise MetadataError(f"{what} has {len(meta)} fields; at most {MAX_FIELDS} are accepted")
    out: dict[str, Any] = {}
    for key, value in meta.items():
        name = str(key)
        if len(name) > 64:
            raise MetadataError(f"{what}: field name {name[:64]!r}… is longer than 64 characters")
        if value is not None and not isinstance(value, str | int | float | bool | dt.date):
            raise MetadataError(f"{what}: field {name!r} must be a single value, not a {type(value).__name__}")
        limit = MAX_FIELD_CHARS.get(name, DEFAULT_FIELD_CHARS)
        if value is not None and len(str(value)) > limit:
            raise MetadataError(f"{what}: field {name!r} is longer than {limit} characters")
        out[name] = value
    return out


def dump_metadata(meta: dict[str, Any]) -> bytes:
    """YAML for metadata we write ourselves (form fields, derived ids): plain strings only."""
    clean = {k: str(v) for k, v in meta.items() if v not in (None, "")}
    return yaml.safe_dump(clean, allow_unicode=True, sort_keys=False).encode()
