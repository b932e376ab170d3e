"""Deployment files: checked structurally here, since Docker cannot run on this machine."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT


def test_compose_file_wires_the_service() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    svc = compose["services"]["bnc-search"]
    assert svc["build"] == "."
    assert "8000:8000" in svc["ports"]
    mounts = {v.split(":")[1] for v in svc["volumes"]}
    assert mounts == {"/data/corpus", "/data/index"}
    assert svc["environment"]["BNC_API_KEYS"] == "${BNC_API_KEYS:-}"  # from the environment, no default
    assert "/readyz" in " ".join(svc["healthcheck"]["test"])
    assert "bnc-index" in compose["volumes"]


def test_dockerfile_runs_as_non_root_without_network_at_start() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    assert next(line for line in lines if line.startswith("FROM")).endswith("-slim")
    user = [line for line in lines if line.startswith("USER ")]
    assert user and user[-1] != "USER root"
    cmd = next(line for line in lines if line.startswith("CMD"))
    assert "pip" not in cmd and "curl" not in cmd and "bnc serve" in cmd
