"""The core install: the service and the runtime `bnc` commands work without the [eval] and [bench] extras."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import CORPUS, EN_DOC, ROOT

# the extras' packages and the heavy stacks they pull in (numba, scipy, pandas)
EXTRA_ONLY = ("ranx", "rank_bm25", "matplotlib", "sklearn", "scipy", "pandas", "numba", "seaborn", "txtai", "psutil")

# a None entry in sys.modules makes `import X` raise ModuleNotFoundError and find_spec(X) answer None,
# as an environment without the package would
_BLOCK = textwrap.dedent(
    f"""
    import sys
    BLOCKED = {EXTRA_ONLY!r}
    for name in BLOCKED:
        sys.modules[name] = None
    """
)


def _run(body: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "core_only.py"
    script.write_text(_BLOCK + textwrap.dedent(body))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_service_and_runtime_commands_run_without_the_extras(index_dir: Path, tmp_path: Path) -> None:
    result = _run(
        f"""
        import importlib.util
        from pathlib import Path
        from fastapi.testclient import TestClient
        from service.app import create_app
        from service.config import Settings
        from service.cli import build_parser, main
        import service.cli_write, service.indexing, service.mcp_server, indexer.index.build  # noqa

        assert importlib.util.find_spec("ranx") is None  # the hook is in force
        settings = Settings(index=Path({str(index_dir)!r}), corpus=Path({str(CORPUS)!r}), reconcile_on_start=False)
        app = create_app(settings)
        with TestClient(app) as client:
            r = client.get("/api/search", params={{"q": "consular protection", "k": 3}})
            assert r.status_code == 200 and r.json()["hits"], r.text
            r = client.post("/api/ask", json={{"q": "When did the commission meet?"}})
            assert r.status_code == 200, r.text
            assert client.get("/api/documents/{EN_DOC}").status_code == 200
        assert main(["search", "--index", {str(index_dir)!r}, "--k", "2", "border crossing"]) == 0
        assert main(["eval", "--quiet"]) == 2
        loaded = sorted(m for m, mod in sys.modules.items() if mod is not None and m.split(".")[0] in BLOCKED)
        print("LOADED", loaded)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "LOADED []" in result.stdout
    # the missing extra is named, with the command that installs it
    assert "bnc eval needs the eval extra: pip install 'bnc-search[eval]'" in result.stderr
    assert "ranx" in result.stderr
