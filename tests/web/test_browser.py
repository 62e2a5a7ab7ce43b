"""The web app in a real browser: headless Chromium (Debian's ``chromium`` package, driven by Playwright — no browser
is downloaded) against a real ``jubao serve`` process.

A fictional victim's case is made by the guided interview, as a person would click through it; the routes are
shown; the zip of documents holds the police 控告书 as DOCX; recording a filing with a receipt number moves the plan's
date. Every page visited is saved as a screenshot in ``$JUBAO_SCREENSHOTS`` (CI keeps them as artefacts;
docs/web.md shows some of them).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import RunningServer, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("JUBAO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SKIP = "skip"
"""An answer that presses 不知道 / 跳过."""
FIRST = "first"
"""An answer that picks the first option the page offers."""

ANSWERS: dict[str, Any] = {
    "reporter.role": "borrower",
    "reporter.name": "王示例",
    "reporter.phone": "138 0000 0123",
    "reporter.region.province": "广东",
    "reporter.region.city": "深圳市",
    "lender.app_name": "示例快借",
    "lender.kind": "online_microloan",
    "debt.contact_list_consent": "no",
    "collectors.phones": "170 0000 0456\n170 0000 0457",
    "reached": ["me", "colleague"],
    "episode[0].medium": "call",
    "episode[0].time": "2026-10-10 22:40",
    "episode[0].times": "5",
    "episode[0].from_number": FIRST,
    "episode[0].behaviours": ["insult", "threat_exposure"],
    "episode[0].note": "深夜打来辱骂，说要告诉我全公司。",
    "episode[1].medium": "call",
    "episode[1].people": "20",
    "episode[1].time": "2026-10-12 10:00",
    "episode[1].until": "2026-10-12 17:00",
    "episode[1].times": "2",
    "episode[1].from_number": FIRST,
    "episode[1].behaviours": ["debt_disclosure", "demand_payment_from_third_party"],
    "episode[1].more": False,
    "evidence_item[0].kind": "call_log",
    "evidence_item[0].shows": ["0", "1"],
    "wants": ["stop_contact", "punishment"],
}
RECEIPT = "JB-2026-000123"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium (Debian package chromium) is not installed")


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("browser") / "data")
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("JUBAO_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(shots: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - imported only where Chromium is installed

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            # Root in CI has no user namespace for the sandbox; the rest keeps Chromium off the (closed) network.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-sync",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN", accept_downloads=True)
        tab = context.new_page()
        failed: list[str] = []
        # net::ERR_ABORTED is a request the browser itself dropped (a download, or the favicon of a page it already
        # left); any other failure, or an asset answered with an error, is a broken page.
        tab.on("requestfailed", lambda request: _unless_aborted(request, failed))
        tab.on(
            "response",
            lambda response: (
                failed.append(f"{response.status} {response.url}")
                if response.status >= 400 and "/static/" in response.url
                else None
            ),
        )
        tab.on("console", lambda message: failed.append(message.text) if message.type == "error" else None)
        yield tab
        context.close()
        browser.close()
        assert not failed, f"the browser reported errors or failed requests: {failed}"


def _unless_aborted(request: Any, failed: list[str]) -> None:
    if "ERR_ABORTED" not in (request.failure or ""):
        failed.append(f"{request.failure} {request.url}")


class Shots:
    """Numbered screenshots of every page the test sees."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page, self.folder, self.count = page, folder, 0

    def __call__(self, name: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"))  # what the person sees first
        if self.page.evaluate("document.body.scrollHeight") > self.page.viewport_size["height"]:
            self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}-full.png"), full_page=True)

    def part(self, test_id: str, name: str) -> None:
        """One part of the page (the routes, the plan, a form) on its own."""
        self.count += 1
        self.page.get_by_test_id(test_id).first.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"))


def test_a_victim_makes_a_case_sees_routes_downloads_documents_and_records_a_filing(
    page: Any, app_server: RunningServer, shots: Path, tmp_path: Path
) -> None:
    shot = Shots(page, shots)
    page.goto(app_server.url)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    shot("home")
    page.get_by_test_id("new-case").click()

    review = _interview(page, shot, tmp_path, home=app_server.url)
    assert review
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f]{32}$"))
    shot("case")
    shot.part("routes", "case-routes")
    shot.part("plan", "case-plan")

    routes = page.get_by_test_id("route")
    channels = [routes.nth(i).get_attribute("data-channel") for i in range(routes.count())]
    assert "police" in channels, channels
    assert "miit_12321" in channels
    assert "公安机关" in page.get_by_test_id("routes").inner_text()
    police_step = page.locator('[data-testid="plan-step"][data-channel="police"]')
    status_before = police_step.get_attribute("data-status")
    dates_before = _dates(page, "police")

    with page.expect_download() as download_info:
        page.get_by_test_id("documents-zip").first.click()
    archive = tmp_path / "documents.zip"
    download_info.value.save_as(archive)
    with zipfile.ZipFile(archive) as documents:
        police_docx = [n for n in documents.namelist() if n.startswith("police/") and n.endswith(".docx")]
        assert police_docx, documents.namelist()
        texts = [_docx_text(documents.read(name)) for name in police_docx]
    assert any("控告书" in text for text in texts)
    assert any("王示例" in text for text in texts)

    page.get_by_test_id("documents-list").first.click()
    page.wait_for_url(re.compile(r"/documents$"))
    shot("documents")
    assert page.get_by_test_id("document-file").count() >= 3
    page.go_back()

    page.get_by_test_id("filing-channel").select_option("police")
    page.get_by_test_id("filing-reference").fill(RECEIPT)
    today = date.fromisoformat(page.get_by_test_id("filing-date").input_value())  # the form offers today
    filed_on = (today - timedelta(days=3)).isoformat()  # filed three days ago: the plan counts from then
    page.get_by_test_id("filing-date").fill(filed_on)
    shot.part("record", "case-record-filing")
    page.get_by_test_id("filing-submit").click()
    page.wait_for_load_state()
    shot("case-after-filing")
    shot.part("plan", "case-plan-after-filing")
    assert RECEIPT in page.get_by_test_id("filings").inner_text()
    police_step = page.locator('[data-testid="plan-step"][data-channel="police"]')
    assert police_step.get_attribute("data-status") != status_before
    dates_after = _dates(page, "police")
    assert dates_after != dates_before, "the plan's dates did not move"
    assert min(dates_after) < min(dates_before)  # counted from the filing three days ago, not from today

    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    shot("case-english")
    assert "Police" in page.get_by_test_id("routes").inner_text() or "police" in page.content()
    assert "Plan" in page.locator("body").inner_text()


def _interview(page: Any, shot: Shots, tmp_path: Path, *, home: str) -> bool:
    """Answer every question; half-way (after naming the lender's App) leave for the home page and take the
    unfinished case up again from its list, as someone who closed the page would."""
    evidence = tmp_path / "call-log.txt"
    evidence.write_text("fictional call log\n", encoding="utf-8")
    seen_kinds: set[str] = set()
    left = False
    for _ in range(80):
        page.wait_for_load_state()
        if page.get_by_test_id("save").count():
            shot("review")
            return True
        key = page.locator('input[name="key"]').first.get_attribute("value")
        assert key, page.content()[:2000]
        if key == "lender.name" and not left:  # the App was just named
            left = True
            page.goto(home)
            assert page.get_by_test_id("draft-item").count() == 1
            assert "示例快借" in page.get_by_test_id("draft-list").inner_text()
            shot("home-unfinished")
            page.get_by_test_id("draft-continue").click()
            page.wait_for_load_state()
            assert page.locator('input[name="key"]').first.get_attribute("value") == "lender.name"
        kind = _widget(page)
        if kind not in seen_kinds:
            seen_kinds.add(kind)
            shot(f"interview-{kind}")
        value = ANSWERS.get(key, SKIP)
        if key == "evidence.files":
            page.get_by_test_id("answer-files").set_input_files(str(evidence))
            page.get_by_test_id("next").click()
        elif value == SKIP:
            page.get_by_test_id("skip").click()
        elif isinstance(value, bool):
            page.get_by_test_id("yes" if value else "no").click()
        elif kind == "radio":
            choice = (
                page.locator('input[type="radio"]').first
                if value == FIRST
                else page.locator(f'input[type="radio"][value="{value}"]')
            )
            choice.check()
            page.get_by_test_id("next").click()
        elif kind == "checkbox":
            for item in value:
                page.locator(f'input[type="checkbox"][value="{item}"]').check()
            page.get_by_test_id("next").click()
        else:
            page.get_by_test_id("answer").fill(value)
            page.get_by_test_id("next").click()
        error = page.get_by_test_id("answer-error")
        assert not error.count(), (key, error.first.inner_text() if error.count() else "")
    raise AssertionError("the interview did not reach its review")


def _widget(page: Any) -> str:
    if page.get_by_test_id("answer-files").count():
        return "file"
    if page.locator('input[type="radio"]').count():
        return "radio"
    if page.locator('input[type="checkbox"]').count():
        return "checkbox"
    if page.get_by_test_id("yes").count():
        return "yes_no"
    return "text"


def _dates(page: Any, channel: str) -> list[str]:
    items = page.locator(f'[data-testid="plan-date"][data-channel="{channel}"]')
    return [items.nth(i).get_attribute("data-date") or "" for i in range(items.count())]


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml)
