"""Who may talk to ``jubao serve`` and what it sends back: the promises of docs/threat-model.md.

Real processes where the promise is about the process (binding, the printed token, what reaches its log); the app in
this process where a request's headers are the point."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from jubao.cli.main import cli
from jubao.evaluation import Evaluation
from jubao.web.app import create_app
from jubao.web.security import CSP
from jubao.web.service import Service
from jubao.web.settings import WebSettings
from tests.web.conftest import RunningServer, start_server, stop_server

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "credit-card-employer.yaml"


@pytest.fixture
def local_client(web_app: object) -> Iterator[TestClient]:
    with TestClient(web_app, base_url="http://127.0.0.1:8765") as client:  # type: ignore[arg-type]
        yield client


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A real server on every interface (0.0.0.0), which must then require its token."""
    running = start_server(tmp_path_factory.mktemp("guarded") / "data", auth=True, host="0.0.0.0")
    yield running
    stop_server(running)


def test_serving_beyond_this_machine_without_auth_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--no-browser", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "--auth" in result.output
    assert not (tmp_path / "jubao.sqlite3").exists()  # refused before anything was opened or bound


def test_the_token_is_printed_once_and_required_on_every_api_request(guarded: RunningServer) -> None:
    assert guarded.token
    assert len(guarded.token) >= 24
    assert sum(guarded.token in line for line in guarded.output) == 1
    with guarded.client(token=False) as client:
        anonymous = client.get("/api/v1/channels")
        assert anonymous.status_code == 401
        assert anonymous.headers["content-type"].startswith("application/problem+json")
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        assert anonymous.json()["code"] == "unauthorized"
        wrong = client.get("/api/v1/channels", headers={"Authorization": "Bearer " + "x" * len(guarded.token or "")})
        assert wrong.status_code == 401
        assert client.post("/api/v1/evaluate", json={}).status_code == 401
        assert client.get("/").status_code == 401  # pages too: the sign-in page is the only way in
    with guarded.client() as client:
        assert client.get("/api/v1/channels").status_code == 200


def test_signing_in_with_the_token_gives_an_httponly_strict_session(guarded: RunningServer) -> None:
    with httpx.Client(base_url=guarded.url, timeout=30, follow_redirects=False) as browser:
        login = browser.get("/login")
        assert login.status_code == 200
        token_field = _hidden(login.text, "csrf_token")
        refused = browser.post("/login", data={"token": "wrong", "csrf_token": token_field})
        assert refused.status_code in (401, 403)
        assert browser.get("/").status_code == 401
        signed = browser.post("/login", data={"token": guarded.token, "csrf_token": token_field})
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie
        assert browser.get("/").status_code == 200


def test_a_cross_site_form_post_is_rejected(local_client: TestClient) -> None:
    page = local_client.get("/")
    assert page.status_code == 200
    token = _hidden(page.text, "csrf_token")
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
        response = local_client.post("/interview/new", data={"csrf_token": token}, headers=headers)
        assert response.status_code == 403, headers
    api = local_client.post("/api/v1/cases", content=EXAMPLE.read_bytes(),
                            headers={"Content-Type": "application/yaml", "Origin": "http://evil.example"})  # fmt: skip
    assert api.status_code == 403
    assert local_client.get("/api/v1/cases").json()["cases"] == []


def test_a_form_post_without_this_sessions_csrf_token_is_rejected(local_client: TestClient) -> None:
    local_client.get("/")
    assert local_client.post("/interview/new", data={}).status_code == 403
    assert local_client.post("/interview/new", data={"csrf_token": "0" * 64}).status_code == 403
    with TestClient(local_client.app, base_url="http://127.0.0.1:8765") as other_browser:
        other_browser.get("/")
        stolen = _hidden(other_browser.get("/").text, "csrf_token")
    assert local_client.post("/interview/new", data={"csrf_token": stolen}).status_code == 403
    token = _hidden(local_client.get("/").text, "csrf_token")
    assert local_client.post("/interview/new", data={"csrf_token": token}, follow_redirects=False).status_code == 303


def test_a_foreign_host_name_is_refused_when_serving_locally(local_client: TestClient) -> None:
    """DNS rebinding: a page on evil.example whose name now points at 127.0.0.1 must not read cases."""
    response = local_client.get("/api/v1/cases", headers={"Host": "evil.example:8765"})
    assert response.status_code == 400
    assert local_client.get("/api/v1/cases", headers={"Host": "localhost:8765"}).status_code == 200


def test_every_response_has_a_strict_content_security_policy_and_is_not_cached(local_client: TestClient) -> None:
    for path in ("/", "/api/v1/channels", "/no-such-page", "/static/app.css"):
        response = local_client.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert "'unsafe-inline'" not in CSP
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"  # never a referrer to another site
    assert local_client.get("/").headers["cache-control"] == "no-store"
    cookie = local_client.get("/", headers={"Cookie": ""}).headers.get("set-cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie


def test_request_bodies_are_limited(tmp_path: Path) -> None:
    app = create_app(WebSettings(data_dir=tmp_path / "data", max_json_bytes=10_000))
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        big = b'{"x": "' + b"a" * 20_000 + b'"}'
        declared = client.post("/api/v1/evaluate", content=big, headers={"Content-Type": "application/json"})
        assert declared.status_code == 413
        assert declared.json()["code"] == "too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it arrives
            yield b'{"x": "'
            for _ in range(20):
                yield b"a" * 1000
            yield b'"}'

        streamed = client.post("/api/v1/evaluate", content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413
    app.state.store.close()
    app.state.service.close()


class _Exploding(Service):
    """A service whose engine fails with a message that quotes a case (as a bug might)."""

    def evaluate(self, *args: object, **kwargs: object) -> Evaluation:
        raise RuntimeError("李小红 13800000101 leaked")


def test_an_internal_error_shows_its_type_only_never_its_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(WebSettings(data_dir=tmp_path / "data"), service=_Exploding())
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        response = client.post("/api/v1/evaluate", content=EXAMPLE.read_bytes(),
                               headers={"Content-Type": "application/yaml"})  # fmt: skip
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "RuntimeError" in response.text
    assert "13800000101" not in response.text
    assert "李小红" not in response.text
    assert "Traceback" not in response.text
    assert "13800000101" not in caplog.text
    assert "Traceback" not in caplog.text
    app.state.store.close()
    app.state.service.close()


def test_the_server_log_holds_no_personal_data(tmp_path: Path) -> None:
    running = start_server(tmp_path / "data")
    try:
        text = EXAMPLE.read_text(encoding="utf-8")
        with running.client() as client:
            created = client.post("/api/v1/cases", content=text.encode(), headers={"Content-Type": "application/yaml"})
            assert created.status_code == 201
            case_id = created.json()["id"]
            assert client.get(f"/api/v1/cases/{case_id}/evaluation").status_code == 200
            client.post("/api/v1/validate", content=b"reporter: {phone: '13800000999'}",
                        headers={"Content-Type": "application/yaml"})  # fmt: skip
    finally:
        stop_server(running)
    log = "".join(running.output)
    for secret in ("13800000999", case_id):
        assert secret not in log
    for line in text.splitlines():  # no value of the case file reaches the log
        _, _, value = line.partition(":")
        value = value.strip().strip("'\"")
        if len(value) >= 6 and not value.startswith(("#", "[", "{")):
            assert value not in log, line


def test_wipe_deletes_what_serve_stored_and_nothing_else(tmp_path: Path) -> None:
    data = tmp_path / "data"
    running = start_server(data)
    try:
        with running.client() as client:
            assert client.post("/api/v1/cases", content=EXAMPLE.read_bytes(),
                               headers={"Content-Type": "application/yaml"}).status_code == 201  # fmt: skip
    finally:
        stop_server(running)
    mine = data / "my-notes.txt"
    mine.write_text("not jubao's", encoding="utf-8")
    runner = CliRunner()
    kept = runner.invoke(cli, ["serve", "--wipe", "--data-dir", str(data)], input="n\n")
    assert kept.exit_code == 0
    assert (data / "jubao.sqlite3").exists()
    wiped = runner.invoke(cli, ["serve", "--wipe", "--yes", "--data-dir", str(data)])
    assert wiped.exit_code == 0, wiped.output
    assert not (data / "jubao.sqlite3").exists()
    assert not (data / "cases").exists()
    assert mine.read_text(encoding="utf-8") == "not jubao's"
    again = runner.invoke(cli, ["serve", "--wipe", "--yes", "--data-dir", str(data)])
    assert again.exit_code == 0
    assert mine.exists()


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]+)"', html) or re.search(
        rf'value="([^"]+)"[^>]*name="{name}"', html
    )
    assert match, f"no hidden {name} field"
    return match.group(1)


def test_a_posted_case_cannot_make_the_server_read_a_file_outside_its_folder(tmp_path: Path) -> None:
    """Anyone who can reach the server may send a case whose evidence path names a server file: drafting must not
    fingerprint (read) it — through the API or the pages, the path is cut to its file name."""
    secret = tmp_path / "server-secret.txt"
    secret.write_bytes(b"only the server's owner may read this\n")
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "path: evidence/credit-card-employer-call-log.txt", f"path: {secret}"
    )
    assert str(secret) in text
    app = create_app(WebSettings(data_dir=tmp_path / "data"))
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        stateless = client.post("/api/v1/documents", content=text.encode(),
                                headers={"Content-Type": "application/yaml"})  # fmt: skip
        assert stateless.status_code == 200
        created = client.post("/api/v1/cases", content=text.encode(), headers={"Content-Type": "application/yaml"})
        assert created.status_code == 201
        stored = client.get(f"/api/v1/cases/{created.json()['id']}/documents.zip")
        assert stored.status_code == 200
        page = client.get(f"/cases/{created.json()['id']}/documents.zip")
        assert page.status_code == 200
    for response in (stateless, stored, page):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            everything = b"".join(archive.read(name) for name in archive.namelist())
        assert digest.encode() not in everything
        assert b"only the server's owner" not in everything
    app.state.store.close()
    app.state.service.close()
