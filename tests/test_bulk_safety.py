"""`bnc add` reads regular files only and stays inside the folders it is given."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from indexer.ingest.bulk import ImportRow, import_paths
from indexer.ingest.corpus_files import CorpusStore
from service.config import Settings
from service.indexing import corpus_catalog

TEXT = "---\nlang: en\n---\n# Joint Statement\n\nThe delegations agreed to meet again in {where}.\n"


def _import(tmp_path: Path, inbox: Path, follow: bool) -> dict[str, ImportRow]:
    settings = Settings(index=tmp_path / "index", corpus=tmp_path / "corpus")
    store = CorpusStore(settings.corpus, corpus_catalog(settings))
    rows: list[ImportRow] = []
    worker = threading.Thread(
        target=lambda: rows.extend(import_paths(store, [inbox], dry_run=True, follow_symlinks=follow)), daemon=True
    )
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the import hung on a special file"
    return {Path(r.file).name: r for r in rows}


def test_links_out_of_the_folder_and_special_files_are_skipped_with_a_line_each(tmp_path: Path) -> None:
    inbox, outside = tmp_path / "inbox", tmp_path / "private"
    inbox.mkdir()
    outside.mkdir()
    (inbox / "monterrey.md").write_text(TEXT.format(where="Monterrey"))
    (outside / "secret.md").write_text(TEXT.format(where="a private place"))
    (inbox / "secret.md").symlink_to(outside / "secret.md")
    (inbox / "inside.md").symlink_to(inbox / "monterrey.md")  # a link within the folder is read
    (inbox / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(inbox / "pipe.md")

    rows = _import(tmp_path, inbox, follow=False)
    assert rows["monterrey.md"].action == "would add"
    assert rows["inside.md"].action in ("would add", "refused")  # read (its id is the same document's)
    assert rows["inside.md"].error == "" or "monterrey" in rows["inside.md"].error
    for name in ("secret.md", "zero.md"):
        assert (rows[name].action, rows[name].error.split(";")[0]) == (
            "skipped",
            "a symbolic link out of the folder given",
        )
    assert (rows["pipe.md"].action, rows["pipe.md"].error) == ("skipped", "not a regular file (a FIFO); skipped")

    followed = _import(tmp_path, inbox, follow=True)
    assert followed["secret.md"].action == "would add"  # opted in
    assert (followed["zero.md"].action, followed["zero.md"].error) == (
        "skipped",
        "not a regular file (a device); skipped",
    )
    assert followed["pipe.md"].action == "skipped"
