"""`bnc mcp` through the MCP SDK's own client: stdio and streamable HTTP, citations equal to the HTTP API's."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.conftest import EN_DOC, ES_DOC, ROOT
from tests.helpers import free_port

pytestmark = pytest.mark.slow  # each test starts `bnc mcp` as its own process (an encoder load each)

# answered (.96): the program named as the communiqué names it (tests.test_web)
WHEN_ENDED = "¿Cuándo terminó el Programa de Sustitución de la Tarjeta de Cruce Fronterizo?"
TOOLS = {"search", "ask", "get_document", "list_documents"}


def _citations(hits: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(h["passage_id"], h["citation"]) for h in hits]


async def _session(client: Client, http: TestClient) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    tools = (await client.list_tools()).tools
    seen["tools"] = {t.name: t for t in tools}

    answer = await client.call_tool("ask", {"q": WHEN_ENDED, "hits": True})
    assert not answer.is_error, answer.content
    seen["ask_card"] = (await client.call_tool("ask", {"q": WHEN_ENDED})).structured_content
    api_answer = http.post("/api/ask", json={"q": WHEN_ENDED}).json()
    seen["ask"] = (answer.structured_content, api_answer)

    found = await client.call_tool("search", {"q": "tarjetas de cruce", "doc_lang": "en", "k": 5})
    assert not found.is_error, found.content
    api_found = http.get("/api/search", params={"q": "tarjetas de cruce", "doc_lang": "en", "k": 5}).json()
    seen["search"] = (found.structured_content, api_found)

    doc = await client.call_tool("get_document", {"doc_id": ES_DOC})
    seen["get_document"] = (doc.structured_content, http.get(f"/api/documents/{ES_DOC}").json())
    missing = await client.call_tool("get_document", {"doc_id": "no-such-doc"})
    seen["missing"] = missing
    listed = await client.call_tool("list_documents", {})
    seen["list_documents"] = (listed.structured_content, http.get("/api/documents").json())
    empty = await client.call_tool("search", {"q": " \u0000 "})
    seen["empty"] = empty
    seen["compact"] = (
        await client.call_tool("search", {"q": "tarjetas de cruce", "k": 10, "compact": True}),
        http.get("/api/search", params={"q": "tarjetas de cruce", "k": 10}).json(),
    )
    seen["k_es"] = (
        await client.call_tool("search", {"q": "visa", "k": 0, "error_lang": "es"}),
        http.get("/api/search", params={"q": "visa", "k": 0}, headers={"Accept-Language": "es"}).json(),
    )
    return seen


def _check(seen: dict[str, Any]) -> None:
    tools = seen["tools"]
    assert set(tools) == TOOLS  # read-only: no admin tool
    for tool in tools.values():
        assert tool.output_schema and tool.annotations.read_only_hint is True
    assert {"q", "k", "lang", "doc_lang", "date_from", "date_to"} <= set(tools["search"].input_schema["properties"])
    assert tools["search"].input_schema["required"] == ["q"]

    mcp_answer, api_answer = seen["ask"]
    assert mcp_answer["answered"] and mcp_answer["lang"] == "es"
    assert "30 de septiembre de 2002" in mcp_answer["answer"]["text"]
    assert mcp_answer["level"] == api_answer["level"] and mcp_answer["level"] in ("answer", "likely")
    for key in ("answer", "twin"):
        assert mcp_answer[key] == api_answer[key]  # quote, offsets and citation, byte for byte
    assert _citations(mcp_answer["hits"]) == _citations(api_answer["hits"])

    mcp_found, api_found = seen["search"]
    assert mcp_found["hits"] and {h["lang"] for h in mcp_found["hits"]} == {"en"}  # Spanish query, English text
    assert _citations(mcp_found["hits"]) == _citations(api_found["hits"])
    assert [h["highlights"] for h in mcp_found["hits"]] == [h["highlights"] for h in api_found["hits"]]

    mcp_doc, api_doc = seen["get_document"]
    assert mcp_doc == api_doc and mcp_doc["translations"][0]["doc_id"] == EN_DOC
    assert seen["missing"].is_error and "document_not_found" in seen["missing"].content[0].text
    assert seen["list_documents"][0] == seen["list_documents"][1]
    assert seen["empty"].is_error and "query_empty" in seen["empty"].content[0].text

    # argument errors carry the HTTP API's code and text, in the asked language
    k_error, api_error = seen["k_es"]
    assert k_error.is_error and k_error.content[0].text.endswith(f"k_out_of_range: {api_error['detail']}")
    assert api_error["detail"] == "k: debe estar entre 1 y 100"
    # compact modes: the answer card without the passages read; search hits as snippets
    card = seen["ask_card"]
    assert card["answer"] == mcp_answer["answer"] and card["hits"] == []
    assert len(json.dumps(card)) < len(json.dumps(mcp_answer)) / 3
    compact, full = seen["compact"]
    compact = compact.structured_content
    assert [h["passage_id"] for h in compact["hits"]] == [h["passage_id"] for h in full["hits"]]
    assert all(len(h["text"]) <= 242 for h in compact["hits"])
    for hit in compact["hits"]:
        for a, b in hit["highlights"]:
            assert (
                hit["text"][a:b].lower()
                in next(h["text"] for h in full["hits"] if h["passage_id"] == hit["passage_id"]).lower()
            )
    assert len(json.dumps(compact)) < len(json.dumps(full)) / 2


def _env() -> dict[str, str]:
    return {"BNC_MODEL_CACHE": os.environ["BNC_MODEL_CACHE"], "PYTHONPATH": str(ROOT)}


def test_stdio_tools_match_the_http_api(index_dir: Path, client: TestClient) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "service.cli", "mcp", "--index", str(index_dir), "--encoder", "e5-small-ort"],
        cwd=str(ROOT),
        env=_env(),
    )

    async def run() -> dict[str, Any]:
        async with Client(params, read_timeout_seconds=120) as mcp_client:
            return await _session(mcp_client, client)

    _check(asyncio.run(run()))


def test_streamable_http_when_asked(index_dir: Path, client: TestClient, tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "mcp.log").open("w")
    cmd = [sys.executable, "-m", "service.cli", "mcp", "--http", "--port", str(port), "--index", str(index_dir)]
    proc = subprocess.Popen([*cmd, "--encoder", "e5-small-ort"], cwd=ROOT, env={**os.environ, **_env()}, stderr=log)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "mcp.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "bnc mcp --http did not listen"
                time.sleep(0.2)

        async def run() -> dict[str, Any]:
            async with Client(f"http://127.0.0.1:{port}/mcp", read_timeout_seconds=120) as mcp_client:
                return await _session(mcp_client, client)

        _check(asyncio.run(run()))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_http_beyond_loopback_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    from service.cli import main
    from service.mcp_server import UnsafeHost, check_host

    for host in ("127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"):
        check_host(host)
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.org"):
        with pytest.raises(UnsafeHost, match="no authentication"):
            check_host(host)
    assert main(["mcp", "--http", "--host", "0.0.0.0", "--index", "/nonexistent"]) == 2
    assert "loopback only" in capsys.readouterr().err
