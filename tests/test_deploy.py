"""Deployment files: checked structurally here, since Docker cannot run on this machine."""

from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT

UID = "10001"


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    rows = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(row.split(None, 1)[0].upper(), row.split(None, 1)[1] if " " in row else "") for row in rows]


def _env(steps: list[tuple[str, str]]) -> dict[str, str]:
    pairs = " ".join(args for op, args in steps if op == "ENV")
    return dict(re.findall(r"(\w+)=(\S+)", pairs))


def test_compose_file_wires_the_service() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    svc = compose["services"]["bnc-search"]
    assert svc["build"] == "."
    assert svc["ports"] == ["127.0.0.1:8000:8000"]  # loopback only unless the operator says otherwise
    assert svc["restart"] in ("unless-stopped", "always", "on-failure")
    mounts = {v.split(":")[1] for v in svc["volumes"]}
    assert mounts == {"/data/corpus", "/data/index"}
    assert svc["environment"]["BNC_API_KEYS"] == "${BNC_API_KEYS:-}"  # from the environment, no default
    assert "/readyz" in " ".join(svc["healthcheck"]["test"])
    assert "bnc-index" in compose["volumes"]
    # the corpus bind mount keeps the host's owner: the file says which uid must be able to write it
    assert f"uid {UID}" in (ROOT / "docker-compose.yml").read_text()


def test_dockerfile_runs_as_non_root_without_network_at_start() -> None:
    steps = _instructions()
    assert steps[0][0] == "FROM" and steps[0][1].endswith("-slim")
    users = [args for op, args in steps if op == "USER"]
    assert users and users[-1].split(":")[0] in (UID, "bnc")
    cmd = next(args for op, args in reversed(steps) if op == "CMD")
    assert "pip" not in cmd and "curl" not in cmd and "bnc" in cmd and "serve" in cmd
    assert "index" not in cmd  # serve reconciles the corpus itself: no build before it


def test_every_path_the_service_writes_belongs_to_the_unprivileged_user() -> None:
    steps = _instructions()
    env = _env(steps)
    writes = {env["BNC_INDEX"], env["BNC_CORPUS"], env["BNC_MODEL_CACHE"]}
    user_at = max(i for i, (op, _) in enumerate(steps) if op == "USER")
    setup = " ".join(args for op, args in steps[:user_at] if op == "RUN")
    assert f"--uid {UID}" in setup
    for path in writes:
        assert path in setup.split("mkdir -p", 1)[1].split("&&", 1)[0], f"{path} is not created"
    owned = re.search(rf"chown -R {UID}:{UID} (\S+)", setup)
    assert owned and all(p.startswith(owned.group(1).rstrip("/") + "/") for p in writes)
    copies = [args for op, args in steps if op == "COPY" and "corpus" in args]
    assert copies and all(f"--chown={UID}" in c for c in copies)


def test_dependencies_install_before_the_source_is_copied() -> None:
    steps = _instructions()
    first_source = min(
        i for i, (op, args) in enumerate(steps) if op == "COPY" and args.startswith(("indexer", "service"))
    )
    deps = [i for i, (op, args) in enumerate(steps) if op == "RUN" and "pip install" in args and "requirements" in args]
    assert deps and deps[0] < first_source
    assert any(op == "COPY" and "pyproject.toml" in args for op, args in steps[: deps[0]])
    # the source's own install adds nothing from the network
    assert any(op == "RUN" and "--no-deps ." in args for op, args in steps[first_source:])


def test_docker_context_leaves_local_state_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "index", ".git"} <= set(ignored)


def test_ci_runs_the_readme_test_command_with_the_extras_the_tests_import() -> None:
    readme = next(line for line in (ROOT / "README.md").read_text().splitlines() if "python -m pytest -q" in line)
    ci = next(line for line in (ROOT / ".ci" / "run").read_text().splitlines() if "python -m pytest -q" in line)
    assert ci.replace("pip install -q ", "pip install ") == readme
    assert "[test,st,eval]" in readme  # eval: the tests run the evaluation code (ranx, rank-bm25, scikit-learn)
