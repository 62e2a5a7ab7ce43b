"""The HTTP API under /api/v1 (docs/api-http.md), tested with an HTTP client against a real ``jubao serve`` process,
once on SQLite and once on PostgreSQL (``JUBAO_TEST_POSTGRESQL_URL``; skipped without it).

One server per backend for the whole module (starting one costs seconds); every test makes its own cases, so the
order of the tests does not matter.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import threading
import zipfile
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import yaml

from jubao import Engine, load_case
from jubao.case_edit import china_today
from jubao.plan import build_plan
from jubao.plugins import load_plugins
from jubao.web.openapi import openapi_text
from tests.conftest import DATA, EXAMPLES, example_cases
from tests.web.conftest import RunningServer, postgres_database, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "docs" / "openapi.json"
POLICE_EXAMPLE = EXAMPLES / "unlicensed-714-threats.yaml"
"""Routes to the police first: its documents hold the police 控告书."""
MANY_PROBLEMS = DATA / "invalid" / "many-problems.yaml"
YAML = {"Content-Type": "application/yaml"}
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A running ``jubao serve`` for the module, on SQLite or on a fresh PostgreSQL database."""
    databases = cast(Generator[str, None, None], postgres_database()) if request.param == "postgresql" else None
    db_url = next(databases) if databases is not None else None  # skips without a PostgreSQL server
    running = start_server(tmp_path_factory.mktemp(f"api-{request.param}") / "data", db_url=db_url)
    try:
        yield running
    finally:
        stop_server(running)
        if databases is not None:
            databases.close()  # drops the database


@pytest.fixture(scope="module")
def client(api: RunningServer) -> Iterator[httpx.Client]:
    with api.client() as http:
        yield http


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with Engine() as made:
        yield made


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The answer must be a JSON problem with this status and code (and never a trace)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "Traceback" not in response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"]
    return body


def create(client: httpx.Client, path: Path) -> dict[str, Any]:
    """Store the case file at ``path``: YAML as the raw body, JSON in ``{"text": …}``."""
    if path.suffix == ".json":
        response = client.post("/api/v1/cases", json={"text": path.read_text(encoding="utf-8")})
    else:
        response = client.post("/api/v1/cases", content=path.read_bytes(), headers=YAML)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    assert response.headers["location"] == f"/api/v1/cases/{created['id']}"
    return created


# --- the engine endpoints ---------------------------------------------------------------------------------------


def test_evaluate_gives_the_engines_versioned_json_for_every_example(client: httpx.Client, engine: Engine) -> None:
    for path in example_cases():
        expected = engine.evaluate(load_case(path)).model_dump(mode="json")
        kind = "application/json" if path.suffix == ".json" else "application/yaml"
        response = client.post("/api/v1/evaluate", content=path.read_bytes(), headers={"Content-Type": kind})
        assert response.status_code == 200, (path.name, response.text)
        assert response.headers["content-type"] == "application/json"
        assert response.json() == expected, path.name
        assert response.json()["format"] == "jubao.evaluation/1"
    # The same case as a JSON object (what a tool in another language sends) gives the same answer.
    data = yaml.safe_load(POLICE_EXAMPLE.read_text(encoding="utf-8"))
    as_json = client.post("/api/v1/evaluate", content=json.dumps(data, default=str, ensure_ascii=False).encode(),
                          headers={"Content-Type": "application/json"})  # fmt: skip
    assert as_json.json() == engine.evaluate(load_case(POLICE_EXAMPLE)).model_dump(mode="json")
    with_bom = client.post("/api/v1/evaluate", content="\ufeff".encode() + as_json.request.content,
                           headers={"Content-Type": "application/json"})  # fmt: skip
    assert with_bom.json() == as_json.json()  # a byte-order mark, as a case file may have, is fine


def test_explain_and_plan_are_what_the_cli_prints(client: httpx.Client, engine: Engine) -> None:
    case = load_case(POLICE_EXAMPLE)
    body = POLICE_EXAMPLE.read_bytes()
    explained = client.post("/api/v1/explain", content=body, headers=YAML)
    assert explained.status_code == 200
    # A set-valued fact's ``actual`` is listed in the server process's set order (string hashing is salted per
    # process): compare those lists as sets.
    assert _sets_sorted(explained.json()) == _sets_sorted(engine.explain(case).model_dump(mode="json"))
    plugins = load_plugins()
    as_of = date(2026, 3, 1)
    earlier = case.model_copy(update={"prior_complaints": tuple(p for p in case.prior_complaints
                                                                if p.filed_on <= as_of)})  # fmt: skip
    expected = build_plan(earlier, engine.evaluate(earlier, today=as_of), plugins, as_of=as_of)
    planned = client.post("/api/v1/plan", params={"as_of": as_of.isoformat()}, content=body, headers=YAML)
    assert planned.status_code == 200, planned.text
    assert planned.json() == expected.model_dump(mode="json")
    assert planned.json()["format"] == "jubao.plan/1"
    problem(client.post("/api/v1/plan", params={"as_of": "yesterday"}, content=body, headers=YAML), 422,
            "invalid_request")  # fmt: skip


def test_validate_locates_every_problem_and_never_echoes_a_value(client: httpx.Client) -> None:
    text = MANY_PROBLEMS.read_text(encoding="utf-8")
    marked = {
        number for number, line in enumerate(text.splitlines(), start=1) if "<-" in line and not line.startswith("#")
    }
    response = client.post("/api/v1/validate", content=text.encode(), headers=YAML)
    assert response.status_code == 200
    result = response.json()
    assert result["valid"] is False
    assert result["format"] == "yaml"
    assert {p["line"] for p in result["problems"]} == marked
    for item in result["problems"]:
        assert item["path"]
        assert item["loc"]
        assert item["column"]
        assert item["code"]
        assert item["message"]
    assert {p["path"] for p in result["problems"]} >= {"reporter.phone", "incidents[0].time", "incidents[1].medium"}
    for value in ("1380013800", "debt_disclosre", "测试人", "示例银行", "2026-02-30"):
        assert value not in response.text
    assert re.search(r"[\u4e00-\u9fff]", result["problems"][0]["message"])  # Chinese by default
    english = client.post("/api/v1/validate", content=text.encode(), headers={**YAML, "Accept-Language": "en"})
    assert not re.search(r"[\u4e00-\u9fff]", english.json()["problems"][0]["message"])
    cookie = client.post("/api/v1/validate", content=text.encode(), headers={**YAML, "Cookie": "jubao_lang=en"})
    assert cookie.json()["problems"][0]["message"] == english.json()["problems"][0]["message"]
    # A valid case, sent as JSON; and JSON that is not JSON, located.
    valid = client.post("/api/v1/validate", content=(EXAMPLES / "guarantee-company-visit.json").read_bytes(),
                        headers={"Content-Type": "application/json"})  # fmt: skip
    assert valid.json()["valid"] is True
    assert valid.json()["problems"] == []
    broken = client.post(
        "/api/v1/validate", content=b'{\n  "reporter": {,\n}', headers={"Content-Type": "application/json"}
    )
    assert broken.json()["valid"] is False
    assert broken.json()["problems"][0]["line"] == 2


def test_an_invalid_case_is_422_with_every_problem_located(client: httpx.Client) -> None:
    for endpoint in ("evaluate", "explain", "plan", "documents"):
        response = client.post(f"/api/v1/{endpoint}", content=MANY_PROBLEMS.read_bytes(), headers=YAML)
        body = problem(response, 422, "invalid_case")
        assert len(body["problems"]) == 6
        assert all(p["path"] and p["line"] for p in body["problems"])
        assert "1380013800" not in response.text
    malformed = client.post("/api/v1/evaluate", content=b'{"reporter": ', headers={"Content-Type": "application/json"})
    body = problem(malformed, 422, "invalid_case")
    assert body["problems"][0]["line"] == 1
    assert body["problems"][0]["column"]
    unknown = yaml.safe_load(POLICE_EXAMPLE.read_text(encoding="utf-8"))
    unknown["prior_complaints"] = [{"channel": "polise", "filed_on": "2026-01-10"}]
    wrong_channel = client.post("/api/v1/evaluate", content=json.dumps(unknown, default=str).encode(),
                                headers={"Content-Type": "application/json"})  # fmt: skip
    body = problem(wrong_channel, 422, "invalid_case")
    assert body["problems"][0]["path"] == "prior_complaints[0].channel"
    assert body["problems"][0]["code"] == "unknown_channel"
    assert "police" in body["problems"][0]["message"]  # the nearest installed channel


def test_channels_lists_the_installed_channels(client: httpx.Client) -> None:
    response = client.get("/api/v1/channels")
    assert response.status_code == 200
    channels = {c["id"]: c for c in response.json()["channels"]}
    assert set(channels) == set(load_plugins().channels)
    police = channels["police"]
    assert police["name"]["zh"]
    assert police["name"]["en"]
    assert police["scope"]["accepts"]
    assert police["filing"]
    assert police["provenance"]["status"]


def test_documents_is_a_zip_holding_the_police_complaint(client: httpx.Client) -> None:
    response = client.post("/api/v1/documents", params={"channel": "police"}, content=POLICE_EXAMPLE.read_bytes(),
                           headers=YAML)  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith("attachment")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "police/complaint.docx" in names
    assert not [name for name in names if name.startswith("miit_12321/")]  # only the channel asked for
    assert "控告书" in _docx_text(response.content, "police/complaint.docx")
    body = problem(client.post("/api/v1/documents", params=[("channel", "police"), ("channel", "nope")],
                               content=POLICE_EXAMPLE.read_bytes(), headers=YAML), 422, "unknown_channel")  # fmt: skip
    assert "nope" in body["title"]


def test_eight_requests_at_once_share_the_engine_and_get_the_same_answers(client: httpx.Client,
                                                                        api: RunningServer) -> None:  # fmt: skip
    paths = [path for path in example_cases() if path.suffix == ".yaml"][:4] * 2
    expected = {path: client.post("/api/v1/evaluate", content=path.read_bytes(), headers=YAML).json()
                for path in set(paths)}  # fmt: skip
    start = threading.Barrier(len(paths))

    def evaluate(path: Path) -> Any:
        with api.client() as own:
            start.wait(timeout=30)
            return own.post("/api/v1/evaluate", content=path.read_bytes(), headers=YAML).json()

    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        answers = list(pool.map(evaluate, paths))
    for path, answer in zip(paths, answers, strict=True):
        assert answer == expected[path], path.name


# --- the case store -----------------------------------------------------------------------------------------------


def test_every_example_round_trips_byte_for_byte(client: httpx.Client, api: RunningServer) -> None:
    created = {path: create(client, path) for path in example_cases()}
    listed = {case["id"] for case in client.get("/api/v1/cases").json()["cases"]}
    assert {case["id"] for case in created.values()} <= listed
    for path, case in created.items():
        exported = client.get(f"/api/v1/cases/{case['id']}/export")
        assert exported.status_code == 200
        assert exported.content == path.read_bytes(), path.name
        suffix = "json" if path.suffix == ".json" else "yaml"
        assert exported.headers["content-disposition"] == f'attachment; filename="case-{case["id"][:8]}.{suffix}"'
        assert exported.headers["content-type"].startswith("application/json" if suffix == "json" else "text/yaml")
        detail = client.get(f"/api/v1/cases/{case['id']}")
        assert detail.json()["text"] == path.read_text(encoding="utf-8")
        assert detail.json()["format"] == suffix
        assert detail.json()["revision"] == 1
        assert detail.headers["etag"] == '"1"'
    # A YAML file sent inside {"text": …} is kept byte for byte too.
    wrapped = client.post("/api/v1/cases", json={"text": POLICE_EXAMPLE.read_text(encoding="utf-8"), "title": "甲"})
    assert wrapped.status_code == 201
    assert wrapped.json()["title"] == "甲"
    assert client.get(f"/api/v1/cases/{wrapped.json()['id']}/export").content == POLICE_EXAMPLE.read_bytes()
    for case in [*created.values(), wrapped.json()]:
        assert client.delete(f"/api/v1/cases/{case['id']}").status_code == 204


def test_replace_checks_the_revision_and_delete_removes_everything(client: httpx.Client, api: RunningServer) -> None:
    case = create(client, POLICE_EXAMPLE)
    url = f"/api/v1/cases/{case['id']}"
    changed = POLICE_EXAMPLE.read_text(encoding="utf-8") + "# 补充：第二次修改\n"
    replaced = client.put(url, content=changed.encode(), headers={**YAML, "If-Match": '"1"'})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["revision"] == 2
    assert replaced.headers["etag"] == '"2"'
    assert client.get(f"{url}/export").content == changed.encode()
    body = problem(client.put(url, content=changed.encode(), headers={**YAML, "If-Match": '"1"'}), 409, "conflict")
    assert "2" in body["title"]
    problem(client.put(url, json={"text": changed, "revision": 1}), 409, "conflict")
    problem(client.put(url, content=changed.encode(), headers={**YAML, "If-Match": "soon"}), 400, "bad_if_match")
    invalid = client.put(url, content=MANY_PROBLEMS.read_bytes(), headers={**YAML, "If-Match": '"2"'})
    assert len(problem(invalid, 422, "invalid_case")["problems"]) == 6
    assert client.get(url).json()["revision"] == 2  # nothing changed
    # Evidence copies go with the case.
    uploaded = client.post(f"{url}/evidence", files={"file": ("通话记录.png", b"\x89PNG fake")},
                           data={"kind": "call_log", "description": "通话记录截图"})  # fmt: skip
    assert uploaded.status_code == 201, uploaded.text
    folder = api.data_dir / "cases" / case["id"]
    assert folder.is_dir()
    assert client.delete(url).status_code == 204
    assert not folder.exists()
    problem(client.get(url), 404, "not_found")
    problem(client.delete(url), 404, "not_found")
    problem(client.get(f"{url}/export"), 404, "not_found")
    problem(client.get("/api/v1/cases/not-an-id/plan"), 404, "not_found")


def test_a_filing_with_a_receipt_number_moves_the_plan(client: httpx.Client) -> None:
    case = create(client, POLICE_EXAMPLE)
    url = f"/api/v1/cases/{case['id']}"
    before = _step(client.get(f"{url}/plan").json(), "police")
    assert before["status"] == "to_file"
    filed_on = china_today() - timedelta(days=3)
    filing = {"channel": "police", "filed_on": filed_on.isoformat(), "reference_number": "BJ-2026-000123"}
    recorded = client.post(f"{url}/filings", json=filing)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["revision"] == 2
    assert recorded.json()["filings"][-1] | {"index": 0} == {**filing, "index": 0, "reply_received": False,
                                                             "reply_on": None}  # fmt: skip
    after = _step(client.get(f"{url}/plan").json(), "police")
    assert after["status"] == "filed"
    assert after["filed_on"] == filed_on.isoformat()
    assert after["reference_number"] == "BJ-2026-000123"
    assert after["dates"] != before["dates"]
    assert filed_on.isoformat() in {d["event_date"] for d in after["dates"]}
    next_steps = client.get(f"{url}/next").json()
    assert next_steps["format"] == "jubao.next/1"
    assert _step(next_steps, "police")["status"] == "filed"
    assert client.get(f"{url}/filings").json()["filings"] == recorded.json()["filings"]
    text = client.get(f"{url}/export").text
    assert text.startswith(POLICE_EXAMPLE.read_text(encoding="utf-8").splitlines()[0])  # comments kept
    assert "BJ-2026-000123" in text
    # The reply, then the refusals.
    reply = client.post(f"{url}/replies", json={"channel": "police", "reply_on": china_today().isoformat(),
                                                 "summary": "已受理"})  # fmt: skip
    assert reply.status_code == 200, reply.text
    assert reply.json()["filings"][-1]["reply_received"] is True
    assert _step(client.get(f"{url}/plan").json(), "police")["status"] == "replied"
    body = problem(client.post(f"{url}/filings", json={**filing, "channel": "polise"}), 422, "invalid_channel")
    assert body["problems"][0]["code"] == "unknown_channel"
    assert body["problems"][0]["path"] == "channel"
    assert "police" in body["problems"][0]["message"]
    body = problem(client.post(f"{url}/replies", json={"channel": "nfra_12378", "reply_on": "2026-01-20"}), 422,
                   "edit_failed")  # fmt: skip
    assert body["problems"][0]["code"] == "no_filing"
    future = (china_today() + timedelta(days=30)).isoformat()
    body = problem(client.post(f"{url}/filings", json={**filing, "filed_on": future}), 422, "invalid_case")
    assert body["problems"][0]["path"].startswith("prior_complaints")
    problem(client.post(f"{url}/filings", json={"channel": "police"}), 422, "invalid_request")
    assert client.get(url).json()["revision"] == 3  # the refused edits changed nothing
    documents = client.get(f"{url}/documents.zip")
    assert documents.status_code == 200
    assert "控告书" in _docx_text(documents.content, "police/complaint.docx")
    assert client.delete(url).status_code == 204


def test_evidence_files_are_kept_with_their_sha256(client: httpx.Client) -> None:
    case = create(client, POLICE_EXAMPLE)
    url = f"/api/v1/cases/{case['id']}"
    data = os.urandom(4096)
    uploaded = client.post(f"{url}/evidence", files={"file": ("../短信 截图.png", data, "image/png")},
                           data={"kind": "sms_screenshot", "description": "催收短信截图"})  # fmt: skip
    assert uploaded.status_code == 201, uploaded.text
    file = uploaded.json()["file"]
    assert file["sha256"] == hashlib.sha256(data).hexdigest()
    assert file["size"] == len(data)
    assert file["file_name"] == "短信 截图.png"
    assert uploaded.headers["location"] == f"{url}/evidence/{file['id']}"
    got = client.get(uploaded.headers["location"])
    assert got.content == data
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment")
    assert client.get(f"{url}/evidence").json()["evidence"] == [file]
    detail = client.get(url).json()
    assert detail["evidence"] == [file]
    assert file["sha256"] in detail["text"]
    assert f"id: {file['evidence_id']}" in detail["text"]
    bad_kind = client.post(f"{url}/evidence", files={"file": ("a.png", b"x")}, data={"kind": "photo",
                                                                                     "description": "x"})  # fmt: skip
    problem(bad_kind, 422, "invalid_request")
    problem(client.get(f"{url}/evidence/{'0' * 32}"), 404, "not_found")
    in_use = problem(client.delete(uploaded.headers["location"]), 409, "in_use")  # the case file names it
    assert file["evidence_id"] in in_use["title"]
    assert client.get(uploaded.headers["location"]).content == data
    original = POLICE_EXAMPLE.read_bytes()  # the item edited out again: now the copy can be deleted
    assert client.put(url, content=original, headers={**YAML, "If-Match": f'"{detail["revision"]}"'}).status_code == 200
    assert client.delete(uploaded.headers["location"]).status_code == 204
    problem(client.get(uploaded.headers["location"]), 404, "not_found")
    assert client.get(f"{url}/evidence").json()["evidence"] == []
    assert client.delete(url).status_code == 204


# --- what is refused ----------------------------------------------------------------------------------------------


def test_refusals_are_problems(client: httpx.Client, api: RunningServer) -> None:
    case = create(client, POLICE_EXAMPLE)
    url = f"/api/v1/cases/{case['id']}"
    # 415: what an HTML form on another site could send.
    for target, kind in [("/api/v1/evaluate", "text/plain"), ("/api/v1/cases", "application/x-www-form-urlencoded"),
                         (f"{url}/filings", "multipart/form-data; boundary=x"), (f"{url}/evidence", "application/json"),
                         ("/api/v1/validate", "text/plain")]:  # fmt: skip
        problem(client.post(target, content=b"a=1", headers={"Content-Type": kind}), 415, "unsupported_media_type")
    problem(client.post("/api/v1/evaluate", content=POLICE_EXAMPLE.read_bytes()), 415, "unsupported_media_type")
    problem(client.request("DELETE", url, content=b"a=1", headers={"Content-Type": "text/plain"}), 415,
            "unsupported_media_type")  # fmt: skip
    # 403: a state-changing request from another site.
    cross = client.post("/api/v1/cases", content=POLICE_EXAMPLE.read_bytes(),
                        headers={**YAML, "Origin": "http://evil.example"})  # fmt: skip
    problem(cross, 403, "cross_site")
    # 413: a body over the limit (2 MiB for JSON and YAML).
    big = b"# " + b"x" * (2 * 1024 * 1024) + b"\n"
    problem(client.post("/api/v1/evaluate", content=big, headers=YAML), 413, "too_large")
    problem(client.post("/api/v1/cases", content=big, headers=YAML), 413, "too_large")
    # Malformed JSON: a located problem, not a trace.
    malformed = client.post(f"{url}/filings", content=b'{"channel": "police",\n "filed_on": }',
                            headers={"Content-Type": "application/json"})  # fmt: skip
    body = problem(malformed, 422, "invalid_request")
    assert body["problems"][0]["line"] == 2
    problem(client.post("/api/v1/cases", content=b"[1, 2", headers={"Content-Type": "application/json"}), 422,
            "invalid_request")  # fmt: skip
    problem(client.post("/api/v1/cases", json={"txt": "x"}), 422, "invalid_request")
    broken_upload = client.post(f"{url}/evidence", content=b"--x\r\nnot a part",
                                headers={"Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    assert broken_upload.status_code in (400, 422)
    assert broken_upload.headers["content-type"].startswith(PROBLEM)
    # Unknown endpoints and methods.
    problem(client.get("/api/v1/nothing/here"), 404, "not_found")
    wrong_method = client.get("/api/v1/evaluate")
    problem(wrong_method, 405, "method_not_allowed")
    assert wrong_method.headers["allow"] == "POST"
    assert client.delete(url).status_code == 204
    assert all("Traceback" not in line for line in api.output)


def test_the_openapi_document_is_served_and_checked_in(client: httpx.Client) -> None:
    served = client.get("/api/v1/openapi.json").json()
    if os.environ.get("JUBAO_UPDATE_SNAPSHOTS") == "1":
        OPENAPI.write_text(openapi_text(served), encoding="utf-8")
    assert served == json.loads(OPENAPI.read_text(encoding="utf-8")), (
        "docs/openapi.json is out of date: python -m jubao.web.openapi docs/openapi.json"
    )
    assert served["paths"]
    assert all(path.startswith("/api/v1/") for path in served["paths"])
    operations = [op for item in served["paths"].values() for op in item.values()]
    assert len({op["operationId"] for op in operations}) == len(operations)
    assert all(op.get("summary") and op.get("tags") for op in operations)
    assert "HTTPValidationError" not in served["components"]["schemas"]  # every error is a problem
    for name in ("Evaluation", "Trace", "Plan", "NextSteps", "Case", "ProblemDetails", "ChannelInfo"):
        assert name in served["components"]["schemas"]


# --- helpers ------------------------------------------------------------------------------------------------------


def _step(plan: dict[str, Any], channel: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = [step for step in plan["steps"] if step["channel"] == channel]
    assert len(steps) == 1, [step["channel"] for step in plan["steps"]]
    return steps[0]


def _sets_sorted(value: Any) -> Any:
    """``value`` with every leaf outcome's ``actual`` list sorted."""
    if isinstance(value, dict):
        return {key: sorted(item, key=str) if key == "actual" and isinstance(item, list) else _sets_sorted(item)
                for key, item in value.items()}  # fmt: skip
    if isinstance(value, list):
        return [_sets_sorted(item) for item in value]
    return value


def _docx_text(archive: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(archive)) as outer:
        document = outer.read(name)
    with zipfile.ZipFile(io.BytesIO(document)) as docx:
        return docx.read("word/document.xml").decode("utf-8")
