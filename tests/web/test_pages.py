"""The web pages of ``jubao serve``, as a victim or volunteer uses them: the interview from the first question to a
saved case, the case page (routes, plan, missing items, documents), recording a filing and a reply, evidence,
import and export, editing, deleting, signing in and the language switch.

In process (``TestClient``) against the ``web_app`` fixture: SQLite in a temporary directory. Fictional people and
numbers only."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from string import Formatter
from typing import Any

import pytest
import yaml

with warnings.catch_warnings():  # starlette 1.10 would rather have httpx2; httpx still drives it
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient

from jubao.i18n import _flatten
from jubao.loading import parse_case_text
from jubao.web.app import create_app
from jubao.web.settings import WebSettings
from tests.conftest import SMALL_DISK_BYTES, fill_disk

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "credit-card-employer.yaml"
WEB = ROOT / "core" / "web"
SKIP: Any = object()
"""An answer that presses "不知道 / 跳过"."""


class Pick(int):
    """An answer that picks the n-th option the page offers (options made from earlier answers)."""


ANSWERS: dict[str, Any] = {
    "reporter.role": "borrower",
    "reporter.name": "王示例",
    "reporter.phone": "138 0000 0123",
    "reporter.region.province": "广东",
    "reporter.region.city": "深圳市",
    "lender.app_name": "示例快借",
    "lender.name": SKIP,
    "lender.kind": "online_microloan",
    "debt.contact_list_consent": "no",
    "collectors.phones": "170 0000 0456\n170 0000 0457",
    "reached": ["me", "colleague"],
    "episode[0].medium": "call",
    "episode[0].time": "2026-10-10 22:40",
    "episode[0].until": SKIP,
    "episode[0].times": "5",
    "episode[0].from_number": Pick(0),
    "episode[0].behaviours": ["insult", "threat_exposure"],
    "episode[0].note": "深夜打来辱骂，说要告诉我全公司。",
    "episode[1].medium": "call",
    "episode[1].people": "20",
    "episode[1].time": "2026-10-12 10:00",
    "episode[1].until": "2026-10-12 17:00",
    "episode[1].times": "2",
    "episode[1].from_number": Pick(1),
    "episode[1].behaviours": ["debt_disclosure", "demand_payment_from_third_party"],
    "episode[1].note": SKIP,
    "episode[1].more": False,
    "evidence.files": [("call-log.txt", b"fictional call log\n")],
    "evidence_item[0].kind": "call_log",
    "evidence_item[0].description": SKIP,
    "evidence_item[0].shows": ["0", "1"],
    "wants": ["stop_contact", "punishment"],
}


# --- helpers -------------------------------------------------------------------------------------------------------


@pytest.fixture
def client(web_app: object) -> Iterator[TestClient]:
    with TestClient(web_app, base_url="http://127.0.0.1") as browser:  # type: ignore[arg-type]
        yield browser


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def text_of(html: str) -> str:
    """What a person reads: the page without its tags."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def marked(html: str, name: str) -> list[str]:
    """The elements marked ``data-testid=name`` (their opening tags)."""
    return re.findall(rf'<[^>]*data-testid="{re.escape(name)}"[^>]*>', html)


def step_key(html: str) -> str | None:
    found = re.search(r'name="key" value="([^"]*)"', html)
    return unescape(found.group(1)) if found and 'data-testid="question"' in html else None


def post_form(client: TestClient, path: str, page: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return client.post(path, data={"csrf_token": csrf(page), **(data or {})}, follow_redirects=False, **kwargs)


def start_interview(client: TestClient) -> str:
    home = client.get("/")
    started = post_form(client, "/interview/new", home.text)
    assert started.status_code == 303
    return str(started.headers["location"])


def answer(client: TestClient, url: str, page: str, key: str, value: Any) -> Any:
    """Answer the step on ``page`` as a person would with the form's widgets."""
    data: dict[str, Any] = {"key": key}
    if isinstance(value, Pick):
        value = unescape(re.findall(r'type="radio" name="value" value="([^"]*)"', page)[value])
    if value is SKIP:
        data["action"] = "skip"
    elif isinstance(value, bool):
        data["action"] = "yes" if value else "no"
    elif isinstance(value, list) and value and isinstance(value[0], tuple):
        files = [("files", (name, content, "application/octet-stream")) for name, content in value]
        return post_form(client, url + "/evidence", page, {**data, "action": "next"}, files=files)
    elif isinstance(value, list):
        data.update({"action": "next", "values": value})
    else:
        data.update({"action": "next", "value": value})
    return post_form(client, url, page, data)


def walk(client: TestClient, url: str, answers: dict[str, Any], *, limit: int = 80) -> str:
    """Answer every question the interview asks (from ``answers``; anything else is skipped) until the review."""
    page: str = client.get(url).text
    for _ in range(limit):
        key = step_key(page)
        if key is None:
            return page
        assert key in answers or 'data-testid="skip"' in page, f"asked {key}, which cannot be skipped"
        response = answer(client, url, page, key, answers.get(key, SKIP))
        assert response.status_code == 303, (key, text_of(response.text)[:500])
        page = client.get(response.headers["location"]).text
    raise AssertionError("the interview did not end")


def import_case(client: TestClient, text: bytes, name: str = "case.yaml") -> tuple[str, str]:
    home = client.get("/")
    response = post_form(client, "/import", home.text, files={"file": (name, text, "application/yaml")})
    assert response.status_code == 303, text_of(response.text)[:800]
    location = str(response.headers["location"])
    return location.rsplit("/", 1)[-1], client.get(location).text


def plan_step(page: str, channel: str) -> str:
    """The plan's block for ``channel``."""
    found = re.search(rf'data-testid="plan-step" data-channel="{channel}"[^>]*>(.*?)</div>', page, flags=re.S)
    assert found, f"no plan step for {channel}"
    return found.group(1)


# --- the interview --------------------------------------------------------------------------------------------------


def test_the_interview_walked_to_the_end_makes_a_valid_case_whose_routes_show(client: TestClient) -> None:
    url = start_interview(client)
    review = walk(client, url, ANSWERS)
    assert marked(review, "save"), text_of(review)[:800]
    rows = text_of(review)
    assert "王示例" in rows
    assert "网络小额贷款公司" in rows
    assert "call-log.txt" in rows
    assert "2026-10-10 22:40" in rows
    saved = post_form(client, url + "/save", review)
    assert saved.status_code == 303
    case_url = saved.headers["location"]
    assert re.fullmatch(r"/cases/[0-9a-f]{32}", case_url)
    page = client.get(case_url).text
    case_id = case_url.rsplit("/", 1)[-1]
    exported = client.get(f"/cases/{case_id}/export")
    case = parse_case_text(exported.text, source="<export>")  # what `jubao validate` checks
    assert case.reporter.name == "王示例"
    assert case.evidence[0].sha256 == hashlib.sha256(b"fictional call log\n").hexdigest()
    assert {str(r.relation) for r in case.contacts.reached} == {"colleague"}
    assert len(case.contacts.reached) == 20
    routes = re.findall(r'data-testid="route" data-channel="([a-z0-9_]+)"', page)
    assert "police" in routes
    assert "miit_12321" in routes
    assert marked(page, "routes")
    assert "fictional call log" not in page  # the evidence itself is a download, not page text
    shown = text_of(page)
    assert "公安机关" in shown
    assert "第 0 步" in shown
    assert hashlib.sha256(b"fictional call log\n").hexdigest() in shown
    assert "已记录证据 E1 的文件指纹" in shown  # the interview's note, as `jubao new` prints it


def test_skip_back_and_change_from_the_review(client: TestClient) -> None:
    url = start_interview(client)
    first = client.get(url).text
    assert step_key(first) == "reporter.role"
    assert not marked(first, "skip")  # a required question cannot be skipped
    assert not marked(first, "back")
    refused = post_form(client, url, first, {"key": "reporter.role", "action": "next"})
    assert refused.status_code == 422
    assert "这一项必须回答" in text_of(refused.text)
    assert answer(client, url, first, "reporter.role", "borrower").status_code == 303
    name = client.get(url).text
    assert step_key(name) == "reporter.name"
    assert answer(client, url, name, "reporter.name", "王示例").status_code == 303
    phone = client.get(url).text
    assert step_key(phone) == "reporter.phone"
    wrong = answer(client, url, phone, "reporter.phone", "12")
    assert wrong.status_code == 422
    assert "不像电话号码" in text_of(wrong.text)
    assert marked(wrong.text, "answer-error")
    back = post_form(client, url, phone, {"key": "reporter.phone", "action": "back"})
    assert back.status_code == 303
    again = client.get(url).text
    assert step_key(again) == "reporter.name"
    assert 'value="王示例"' in again  # asked again with the answer filled in
    assert answer(client, url, again, "reporter.name", "王示例").status_code == 303
    phone = client.get(url).text
    assert answer(client, url, phone, "reporter.phone", SKIP).status_code == 303
    assert step_key(client.get(url).text) == "reporter.region.province"
    review = walk(client, url, {**ANSWERS, "evidence.files": SKIP})
    rows = re.findall(r'href="(/interview/[0-9a-f]{32}/change/\d+)"', review)
    shown = text_of(review)
    assert "不知道 / 跳过" in shown  # the skipped phone number
    assert "王示例" in shown
    second = rows[1]  # reporter.name, asked second
    assert re.fullmatch(r"/interview/[0-9a-f]{32}/change/1", second)  # an index, never the answer
    change = client.get(second).text
    assert step_key(change) == "reporter.name"
    assert 'value="王示例"' in change
    changed = answer(client, url, change, "reporter.name", "王改名")
    assert changed.status_code == 303
    review = client.get(url).text
    assert marked(review, "save")
    assert "王改名" in text_of(review)
    assert "王示例" not in text_of(review)
    saved = post_form(client, url + "/save", review)
    case_id = saved.headers["location"].rsplit("/", 1)[-1]
    case = parse_case_text(client.get(f"/cases/{case_id}/export").text)
    assert case.reporter.name == "王改名"
    assert case.reporter.phone is None


def test_a_relative_date_is_kept_as_the_day_it_meant(client: TestClient) -> None:
    url = start_interview(client)
    answers = {**ANSWERS, "episode[0].time": "昨天 晚上9点", "evidence.files": SKIP}
    review = walk(client, url, answers)
    assert re.search(r"\d{4}-\d{2}-\d{2} 21:00", text_of(review))


# --- import, export, edit ---------------------------------------------------------------------------------------


def test_an_imported_case_file_is_exported_byte_for_byte(client: TestClient) -> None:
    original = EXAMPLE.read_bytes()
    case_id, page = import_case(client, original)
    assert "信用卡外包催收打到单位" in text_of(page)
    exported = client.get(f"/cases/{case_id}/export")
    assert exported.status_code == 200
    assert exported.content == original
    disposition = exported.headers["content-disposition"]
    assert f"case-{case_id[:8]}.yaml" in disposition
    assert "王晓明" not in disposition
    listed = client.get("/").text
    assert f"/cases/{case_id}" in listed


def test_an_invalid_import_shows_located_problems_and_stores_nothing(client: TestClient) -> None:
    broken = EXAMPLE.read_text(encoding="utf-8").replace("phone: 138 0000 0101", "phone: 138 0000 99", 1)
    broken = broken.replace("kind: bank", "kind: not-a-kind", 1)
    home = client.get("/")
    response = post_form(client, "/import", home.text, files={"file": ("case.yaml", broken.encode(), "text/yaml")})
    assert response.status_code == 422
    problems = marked(response.text, "problems")
    assert problems
    shown = text_of(response.text)
    assert "reporter.phone" in shown
    assert "lender.kind" in shown
    assert "第 8 行" in shown  # where the phone number is
    assert "不是有效的电话号码" in shown
    assert "138 0000 99" not in shown  # the value written is never repeated
    assert marked(client.get("/").text, "no-cases")


def test_an_invalid_import_stores_nothing(client: TestClient, web_app: Any) -> None:
    home = client.get("/")
    response = post_form(client, "/import", home.text, files={"file": ("case.yaml", b"reporter: [", "text/yaml")})
    assert response.status_code == 422
    assert "YAML" in text_of(response.text)
    assert web_app.state.store.list_cases() == []


def test_editing_the_case_file_is_checked_and_located(client: TestClient) -> None:
    case_id, _ = import_case(client, EXAMPLE.read_bytes())
    editor = client.get(f"/cases/{case_id}/edit").text
    text = unescape(re.search(r'data-testid="edit-text">(.*?)</textarea>', editor, flags=re.S).group(1))  # type: ignore[union-attr]
    assert text == EXAMPLE.read_text(encoding="utf-8")
    bad = text.replace("overdue_days: 95", "overdue_days: many")
    refused = post_form(client, f"/cases/{case_id}/edit", editor, {"text": bad, "revision": "1"})
    assert refused.status_code == 422
    assert "debt.overdue_days" in text_of(refused.text)
    good = text.replace("overdue_days: 95", "overdue_days: 96").replace("\n", "\r\n")  # as a browser sends it
    saved = post_form(client, f"/cases/{case_id}/edit", editor, {"text": good, "revision": "1"})
    assert saved.status_code == 303
    assert client.get(f"/cases/{case_id}/export").text == text.replace("overdue_days: 95", "overdue_days: 96")
    stale = post_form(client, f"/cases/{case_id}/edit", editor, {"text": text, "revision": "1"})
    assert stale.status_code == 409  # revision 2 now: an old page never overwrites a newer case


# --- the case page ----------------------------------------------------------------------------------------------


def test_recording_a_filing_with_a_receipt_number_moves_the_plan(client: TestClient) -> None:
    case_id, page = import_case(client, EXAMPLE.read_bytes())
    before = plan_step(page, "police")
    assert 'data-status="to_file"' in re.search(r'data-channel="police" data-status="[a-z_]+"', page).group(0)  # type: ignore[union-attr]
    assert "待提交" in text_of(before)
    assert marked(page, "filing-channel")
    assert marked(page, "filing-date")
    assert marked(page, "filing-reference")
    today = re.search(r'data-testid="filing-date"', page) and re.search(r'name="filed_on" value="([0-9-]+)"', page)
    assert today
    day = today.group(1)
    recorded = post_form(client, f"/cases/{case_id}/filings", page,
                         {"channel": "police", "filed_on": day, "reference_number": "JJ-2026-0042"})  # fmt: skip
    assert recorded.status_code == 303
    after_page = client.get(f"/cases/{case_id}").text
    after = plan_step(after_page, "police")
    assert 'data-channel="police" data-status="filed"' in after_page
    assert "待提交" not in text_of(after)
    assert "JJ-2026-0042" in text_of(after)
    dates = re.findall(r'data-testid="plan-date" data-channel="police" data-date="([0-9-]+)"(?! data-assumed)', after)
    assert dates, "the police step has no dated deadline counted from the filing"
    assert not re.findall(r'data-channel="police" data-date="[0-9-]+" data-assumed', after)
    assert "已记录" in text_of(after_page)
    case = parse_case_text(client.get(f"/cases/{case_id}/export").text)
    assert any(p.channel == "police" and p.reference_number == "JJ-2026-0042" for p in case.prior_complaints)
    reply = post_form(client, f"/cases/{case_id}/replies", after_page,
                      {"channel": "police", "reply_on": day, "summary": "已受案"})  # fmt: skip
    assert reply.status_code == 303
    replied = client.get(f"/cases/{case_id}").text
    assert 'data-channel="police" data-status="replied"' in replied
    future = post_form(client, f"/cases/{case_id}/filings", replied,
                       {"channel": "police", "filed_on": "2999-01-01", "reference_number": ""})  # fmt: skip
    assert future.status_code == 422
    assert marked(future.text, "filing-error")


def test_an_evidence_upload_shows_the_sha256_of_its_bytes(client: TestClient) -> None:
    case_id, page = import_case(client, EXAMPLE.read_bytes())
    content = "催收录音（虚构）".encode() * 100
    uploaded = post_form(client, f"/cases/{case_id}/evidence", page,
                         {"kind": "recording", "description": "10 月 15 日深夜来电录音"},
                         files={"file": ("通话录音.m4a", content, "audio/mp4")})  # fmt: skip
    assert uploaded.status_code == 303
    after = client.get(f"/cases/{case_id}").text
    digest = hashlib.sha256(content).hexdigest()
    assert digest in [
        re.sub(r"<[^>]+>", "", m) for m in re.findall(r'data-testid="evidence-sha256">([0-9a-f]+)<', after)
    ]
    assert digest in text_of(after)  # also in the message that confirms it arrived
    link = re.search(rf'href="(/cases/{case_id}/evidence/[0-9a-f]{{32}})"', after)
    assert link
    assert client.get(link.group(1)).content == content
    case = parse_case_text(client.get(f"/cases/{case_id}/export").text)
    assert case.evidence[-1].sha256 == digest


def test_a_kept_file_the_case_file_no_longer_names_is_marked_not_described_as_another_item(client: TestClient) -> None:
    case_id, page = import_case(client, EXAMPLE.read_bytes())
    original = client.get(f"/cases/{case_id}/export").text
    post_form(client, f"/cases/{case_id}/evidence", page, {"kind": "app_screenshot", "description": "第一张截图"},
              files={"file": ("one.png", b"one", "image/png")})  # fmt: skip
    editor = client.get(f"/cases/{case_id}/edit").text
    assert post_form(client, f"/cases/{case_id}/edit", editor, {"text": original, "revision": "2"}).status_code == 303
    page = client.get(f"/cases/{case_id}").text
    post_form(client, f"/cases/{case_id}/evidence", page, {"kind": "app_screenshot", "description": "第二张截图"},
              files={"file": ("two.png", b"two", "image/png")})  # fmt: skip
    page = client.get(f"/cases/{case_id}").text
    items = re.findall(r'<li data-testid="evidence-file">(.*?)</li>', page, flags=re.S)
    [one] = [item for item in items if "one.png" in item]
    [two] = [item for item in items if "two.png" in item]
    assert marked(one, "evidence-detached")
    assert "第二张截图" not in one  # the item edited out is not taken for the new one
    assert not marked(two, "evidence-detached")
    assert "第二张截图" in two
    assert marked(one, "evidence-delete")  # a detached copy can be deleted (after asking); a cited one cannot
    assert not marked(two, "evidence-delete")
    delete_url = re.search(r'href="([^"]+/delete)" data-testid="evidence-delete"', one).group(1)  # type: ignore[union-attr]
    download = re.search(r'href="(/cases/[0-9a-f]{32}/evidence/[0-9a-f]{32})"', one).group(1)  # type: ignore[union-attr]
    ask = client.get(delete_url)
    assert marked(ask.text, "evidence-delete-confirm")
    assert client.get(download).content == b"one"  # asking deleted nothing
    done = post_form(client, delete_url, ask.text, {"confirm": "yes"})
    assert done.headers["location"] == f"/cases/{case_id}#evidence"
    assert client.get(download).status_code == 404
    page = client.get(f"/cases/{case_id}").text
    assert "one.png" not in page
    assert "two.png" in page


def test_missing_field_links_lead_to_the_question_that_fills_them(client: TestClient) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("  phone: 138 0000 0101\n", "", 1)
    case_id, page = import_case(client, text.encode())
    fields = re.findall(r'data-testid="missing-field" data-path="([a-z_.\[\]]+)"', page)
    assert "reporter.phone" in fields
    assert "reporter.id_number" in fields
    block = page[page.index('data-path="reporter.phone"') :]
    block = block[: block.index("</li>")]
    assert 'name="question" value="reporter.phone"' in block
    id_block = page[page.index('data-path="reporter.id_number"') :]
    assert f'href="/cases/{case_id}/edit"' in id_block[: id_block.index("</li>")]  # no question asks for it
    started = post_form(client, f"/cases/{case_id}/fill", page, {"question": "reporter.phone"})
    assert started.status_code == 303
    url = started.headers["location"]
    question = client.get(url).text
    assert step_key(question) == "reporter.phone"
    assert "你的手机号" in text_of(question)
    assert answer(client, url, question, "reporter.phone", "138 0000 0199").status_code == 303
    review = client.get(url).text
    assert marked(review, "save")
    assert len(marked(review, "review-row")) == 1
    saved = post_form(client, url + "/save", review)
    assert saved.headers["location"] == f"/cases/{case_id}"
    exported = client.get(f"/cases/{case_id}/export").text
    added = [line for line in exported.splitlines() if line not in text.splitlines()]
    assert len(added) == 1
    assert added[0].startswith("  phone: ")
    assert exported.replace(added[0] + "\n", "", 1) == text
    assert parse_case_text(exported).reporter.phone is not None
    assert 'data-path="reporter.phone"' not in client.get(f"/cases/{case_id}").text


def test_a_full_disk_is_named_on_the_page_and_in_the_api_and_nothing_is_kept(small_disk: Path) -> None:
    """On a full disk the person is told the disk is full (free space, then try again) — on the evidence form, on
    an import, and to a tool by the HTTP API (507 ``disk_full``) — never "jubao went wrong, report it"."""
    app = create_app(WebSettings(data_dir=small_disk / "data"))
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            case_id, page = import_case(client, EXAMPLE.read_bytes())
            video = b"v" * (SMALL_DISK_BYTES + 1)
            refused = post_form(client, f"/cases/{case_id}/evidence", page,
                                {"kind": "recording", "description": "通话录像"},
                                files={"file": ("通话录像.mp4", video, "video/mp4")})  # fmt: skip
            assert refused.status_code == 422
            assert "磁盘空间已满，文件没有保存" in text_of(refused.text)
            api = client.post(f"/api/v1/cases/{case_id}/evidence", data={"kind": "recording", "description": "录像"},
                              files={"file": ("通话录像.mp4", video, "video/mp4")})  # fmt: skip
            assert (api.status_code, api.json()["code"]) == (507, "disk_full")
            assert "磁盘空间已满" in api.json()["title"]
            assert [p.name for p in small_disk.rglob("*.mp4")] == []

            big = EXAMPLE.read_bytes() + ("# " + "很长的备注" * 60_000 + "\n").encode()
            filler = fill_disk(small_disk)
            home = client.get("/")
            imported = post_form(client, "/import", home.text, files={"file": ("case.yaml", big, "application/yaml")})
            assert imported.status_code == 507
            assert "磁盘空间已满" in text_of(imported.text)
            assert "内部出错" not in text_of(imported.text)
            created = client.post("/api/v1/cases", content=big, headers={"Content-Type": "application/yaml"})
            assert (created.status_code, created.json()["code"]) == (507, "disk_full")
            assert [c["id"] for c in client.get("/api/v1/cases").json()["cases"]] == [case_id]

            filler.unlink()
            again = client.post("/api/v1/cases", content=big, headers={"Content-Type": "application/yaml"})
            assert again.status_code == 201
    finally:
        app.state.store.close()
        app.state.service.close()


def test_the_documents_download_as_one_zip_and_one_by_one(client: TestClient) -> None:
    case_id, page = import_case(client, EXAMPLE.read_bytes())
    assert marked(page, "documents-zip")
    archive = client.get(f"/cases/{case_id}/documents.zip")
    assert archive.status_code == 200
    assert archive.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert "police/complaint.docx" in names
    listing = client.get(f"/cases/{case_id}/documents").text
    assert "控告书" in text_of(listing)
    links = re.findall(r'href="(/cases/[0-9a-f]{32}/documents/\d+)" data-testid="document-file" data-path="([^"]+)"',
                       listing)  # fmt: skip
    police = next(href for href, path in links if path == "police/complaint.docx")
    one = client.get(police)
    assert one.content[:2] == b"PK"
    assert "complaint.docx" in one.headers["content-disposition"]
    for _, path in links:
        assert "王晓明" not in path


def test_deleting_asks_first_and_removes_the_evidence_copies(client: TestClient, web_app: Any) -> None:
    case_id, page = import_case(client, EXAMPLE.read_bytes())
    post_form(client, f"/cases/{case_id}/evidence", page, {"kind": "other", "description": ""},
              files={"file": ("note.txt", b"x", "text/plain")})  # fmt: skip
    folder = web_app.state.store.case_dir(case_id)
    assert any(folder.rglob("note.txt"))
    confirm = client.get(f"/cases/{case_id}/delete")
    assert marked(confirm.text, "delete-confirm")
    assert client.get(f"/cases/{case_id}").status_code == 200  # asking deleted nothing
    deleted = post_form(client, f"/cases/{case_id}/delete", confirm.text, {"confirm": "yes"})
    assert deleted.status_code == 303
    assert client.get(f"/cases/{case_id}").status_code == 404
    assert not folder.exists()


def draft_items(client: TestClient) -> list[str]:
    """The home page's list of unfinished interviews: each item's HTML."""
    return re.findall(r'<li data-testid="draft-item">(.*?)</li>', client.get("/").text, flags=re.S)


def test_an_unfinished_interview_is_listed_at_home_taken_up_again_and_discarded_after_asking(
    client: TestClient,
) -> None:
    """The person who closed the page half-way finds her case again on the home page — not only by its address."""
    assert draft_items(client) == []
    url = start_interview(client)
    page, given = client.get(url).text, 0
    while (key := step_key(page)) != "lender.name":
        assert key is not None, "the interview ended before asking for the lender's name"
        response = answer(client, url, page, key, ANSWERS.get(key, SKIP))
        assert response.status_code == 303, key
        page, given = client.get(response.headers["location"]).text, given + 1
    [item] = draft_items(client)
    assert f'href="{url}"' in item
    assert "示例快借" in text_of(item)  # named by the lender's App, as its case will be
    assert f"已回答 {given} 题" in text_of(item)
    assert step_key(client.get(url).text) == "lender.name"  # taken up where it was left
    ask = client.get(url + "/discard")
    assert marked(ask.text, "discard-confirm")
    assert f"已回答的 {given} 题" in text_of(ask.text)
    assert step_key(client.get(url).text) == "lender.name"  # asking deleted nothing
    done = post_form(client, url + "/discard", ask.text, {"next": "/"})
    assert (done.status_code, done.headers["location"]) == (303, "/")
    assert client.get(url).status_code == 404
    assert draft_items(client) == []


def test_deleting_a_case_deletes_the_unfinished_interview_completing_it(client: TestClient, web_app: Any) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("  phone: 138 0000 0101\n", "", 1)
    case_id, page = import_case(client, text.encode())
    started = post_form(client, f"/cases/{case_id}/fill", page, {"question": "reporter.phone"})
    url = started.headers["location"]
    again = post_form(client, f"/cases/{case_id}/fill", page, {"question": "reporter.phone"})
    assert again.headers["location"] == url  # the same link again: back to that draft, not a second one
    [item] = draft_items(client)
    title = web_app.state.store.get_case(case_id).title
    assert f"补充案件：{title}" in text_of(item)
    confirm = client.get(f"/cases/{case_id}/delete")
    assert post_form(client, f"/cases/{case_id}/delete", confirm.text, {"confirm": "yes"}).status_code == 303
    assert client.get(url).status_code == 404
    assert draft_items(client) == []


def test_unknown_ids_get_a_not_found_page(client: TestClient) -> None:
    case_id, _ = import_case(client, EXAMPLE.read_bytes())
    paths = [
        "/cases/" + "0" * 32,
        "/cases/not-an-id",
        "/interview/" + "f" * 32,
        "/cases/" + "0" * 32 + "/export",
        f"/cases/{case_id}/documents/x",
        f"/cases/{case_id}/documents/9999",
        f"/cases/{case_id}/evidence/" + "1" * 32,
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, path
        assert marked(response.text, "not-found"), path
        assert "Traceback" not in response.text


# --- rules of every page ----------------------------------------------------------------------------------------


def test_a_form_post_without_its_csrf_token_is_refused(client: TestClient) -> None:
    case_id, _page = import_case(client, EXAMPLE.read_bytes())
    for path, data in ((f"/cases/{case_id}/filings", {"channel": "police", "filed_on": "2026-11-01"}),
                       (f"/cases/{case_id}/delete", {"confirm": "yes"}), ("/lang", {"lang": "en", "next": "/"}),
                       ("/interview/new", {}), (f"/interview/{'f' * 32}/discard", {"next": "/"}),
                       (f"/cases/{case_id}/evidence/{'e' * 32}/delete", {"confirm": "yes"})):  # fmt: skip
        assert client.post(path, data=data, follow_redirects=False).status_code == 403, path
    assert client.get(f"/cases/{case_id}").status_code == 200


def test_the_english_switch_shows_english_pages(client: TestClient) -> None:
    case_id, page = import_case(client, EXAMPLE.read_bytes())
    switched = post_form(client, "/lang", page, {"lang": "en", "next": f"/cases/{case_id}"})
    assert switched.status_code == 303
    assert switched.headers["location"] == f"/cases/{case_id}"
    cookie = switched.headers["set-cookie"]
    assert "jubao_lang=en" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    english = text_of(client.get(f"/cases/{case_id}").text)
    assert "Recommended channels" in english
    assert "Record the filing" in english
    assert "推荐渠道" not in english
    assert "My cases" in text_of(client.get("/").text)
    away = post_form(client, "/lang", page, {"lang": "zh", "next": "//evil.example/"})
    assert away.headers["location"] == "/"  # only a path of this site


def test_no_page_shows_the_engines_rule_ids(client: TestClient, web_app: Any) -> None:
    case_id, page = import_case(client, EXAMPLE.read_bytes())
    service = web_app.state.service
    evaluation = service.evaluate(service.parse_text(EXAMPLE.read_text(encoding="utf-8")))
    ids = {item.rule for item in evaluation.fired}
    ids |= {reason.rule for route in evaluation.routes for reason in route.reasons}
    assert len(ids) > 5
    pages = [page, client.get(f"/cases/{case_id}/documents").text, client.get(f"/cases/{case_id}/delete").text]
    for html in pages:
        for rule in ids:
            assert rule not in html, rule


def test_templates_have_no_inline_script_or_style() -> None:
    templates = sorted((WEB / "templates").glob("*.html"))
    assert templates
    for template in templates:
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", html, flags=re.I), template.name
        assert not re.search(r"\sstyle\s*=", html, flags=re.I), template.name
        assert "<style" not in html.lower(), template.name
        assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), template.name  # no onclick= handlers
        assert not re.search(r"https?://", html), template.name  # nothing from elsewhere


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_both_catalogues_have_the_same_keys_and_placeholders() -> None:
    zh = _flatten(yaml.safe_load((WEB / "locales" / "zh.yaml").read_text(encoding="utf-8")))
    en = _flatten(yaml.safe_load((WEB / "locales" / "en.yaml").read_text(encoding="utf-8")))
    assert set(zh) == set(en)
    for key in zh:
        assert _placeholders(zh[key]) == _placeholders(en[key]), key
    used = set()
    for template in (WEB / "templates").glob("*.html"):
        used |= set(re.findall(r"_\('(page\.[a-z_.]+)'", template.read_text(encoding="utf-8")))
    for module in WEB.glob("page_*.py"):
        used |= set(re.findall(r'tr\("(page\.[a-z_.]+)"', module.read_text(encoding="utf-8")))
    assert used - set(zh) == set()


def test_signing_in_replaces_the_session(tmp_path: Path) -> None:
    app = create_app(WebSettings(data_dir=tmp_path / "data", auth_token="fictional-token-0123456789"))
    try:
        with TestClient(app, base_url="http://127.0.0.1") as browser:
            login = browser.get("/login")
            assert login.status_code == 200
            assert marked(login.text, "login-token")
            wrong = post_form(browser, "/login", login.text, {"token": "nope"})
            assert wrong.status_code == 401
            assert marked(wrong.text, "login-error")
            old = browser.cookies.get("jubao_session")
            signed = post_form(browser, "/login", login.text, {"token": "fictional-token-0123456789"})
            assert signed.status_code == 303
            assert signed.headers["location"] == "/"
            assert browser.cookies.get("jubao_session") != old
            assert browser.get("/").status_code == 200
    finally:
        app.state.store.close()
        app.state.service.close()
