"""The case store (``jubao.store``): what ``jubao serve`` keeps for victims and volunteers, on SQLite (always) and on
PostgreSQL (when ``JUBAO_TEST_POSTGRESQL_URL`` names a server where the tests may create a database).

What users rely on: an imported case file comes back byte for byte; invalid text is refused with its problems and
nothing is stored; recording a filing or a reply changes the text (comments kept) and the filings table alike; two
volunteers cannot overwrite each other; evidence copies are hashed, named safely and deleted with their case only;
the schema migrates itself; ``jubao serve --wipe`` removes the store and nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import json
import os
import sqlite3
import stat
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from jubao import parse_case_text
from jubao.case_edit import add_evidence_item
from jubao.cli.main import cli
from jubao.loading import CaseFileError
from jubao.store import Store, StoreError, default_data_dir, default_url
from jubao.store.migrate import head_revision
from jubao.store.models import Base
from tests.conftest import SMALL_DISK_BYTES, fill_disk

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
EXAMPLE_FILES = sorted([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")])
PG_ENV = "JUBAO_TEST_POSTGRESQL_URL"
PG_URL = os.environ.get(PG_ENV, "").strip()
TODAY = date(2026, 11, 25)
LIMIT = 1024 * 1024

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason="PostgreSQL: JUBAO_TEST_POSTGRESQL_URL is not set"),
    ),
]

COMMENTED = """\
# 我的案件（示例，人物与号码均为虚构）
title: 前同事被反复催收
reporter:
  role: contact   # 我是借款人的前同事
  name: 李娜
  phone: 138 0000 0601
  relation_to_borrower: colleague
  region: {province: 北京, city: 北京市}
borrower:
  name: 周某
lender:
  app_name: 示例易贷
  kind: loan_platform
incidents:
  # 第一次来电
  - time: 2026-11-02 12:10
    medium: call
    from_number: 170 0000 0602
    target: {kind: contact, relation: colleague}
    behaviours: [debt_disclosure]
    evidence: [E1]

evidence:
  - id: E1
    kind: call_log
    description: 本人手机通话记录截图
    collected_on: 2026-11-10   # 截图日期

# 我的诉求
wants: [stop_contact]
"""


# --- fixtures -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgresql_database() -> Iterator[str]:
    """A database of its own for this module on the server ``JUBAO_TEST_POSTGRESQL_URL`` names; dropped after."""
    admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = f"jubao_test_store_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, data_dir: Path) -> str:
    """The database URL of a test's store: SQLite in the data dir, or the module's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return default_url(data_dir)
    url: str = request.getfixturevalue("postgresql_database")
    Store.wipe(url, data_dir=data_dir)  # each test starts from an empty database
    return url


@pytest.fixture
def store(store_url: str, data_dir: Path) -> Iterator[Store]:
    with Store.open(store_url, data_dir=data_dir) as opened:
        yield opened


def example(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


def upload(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def files_under(path: Path) -> list[Path]:
    return sorted(p.relative_to(path) for p in path.rglob("*")) if path.exists() else []


# --- import and export ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_an_imported_case_file_is_exported_byte_for_byte(store: Store, path: Path) -> None:
    original = path.read_text(encoding="utf-8")
    created = store.create_case(original, source=path.name)
    again = store.get_case(created.id)
    assert again.text == original
    assert again.fmt == ("json" if path.suffix == ".json" else "yaml")
    assert again.revision == 1


def test_line_endings_byte_order_mark_and_comments_survive_the_store(store: Store) -> None:
    original = "\ufeff" + COMMENTED.replace("\n", "\r\n")
    assert store.get_case(store.create_case(original).id).text == original


def test_invalid_case_text_is_refused_with_its_problems_and_nothing_is_stored(store: Store, data_dir: Path) -> None:
    broken = COMMENTED.replace("incidents:", "happenings:")
    with pytest.raises(CaseFileError) as raised:
        store.create_case(broken, source="upload.yaml")
    with pytest.raises(CaseFileError) as expected:
        parse_case_text(broken, source="upload.yaml")
    assert raised.value.problems == expected.value.problems
    assert raised.value.source == "upload.yaml"
    assert store.list_cases() == []
    assert files_under(data_dir / "cases") == []


def test_a_title_is_given_or_derived_and_timestamps_are_utc(store: Store) -> None:
    titled = store.create_case(example("night-calls-borrower-only.yaml"), title="  黄女士\n的案件 ")
    assert titled.title == "黄女士 的案件"
    data = json.loads(example("guarantee-company-visit.json"))
    del data["title"]
    derived = store.create_case(json.dumps(data, ensure_ascii=False))
    assert derived.title.startswith(data["lender"]["name"] + " · 20")
    assert derived.created_at.utcoffset() == UTC.utcoffset(None)


def test_cases_are_listed_most_recently_changed_first(store: Store) -> None:
    first = store.create_case(example("contact-harassed.yaml"))
    second = store.create_case(example("night-calls-borrower-only.yaml"))
    assert [c.id for c in store.list_cases()] == [second.id, first.id]
    store.record_filing(first.id, channel="police", filed_on=date(2026, 11, 20), reference_number=None)
    listed = store.list_cases()
    assert [c.id for c in listed] == [first.id, second.id]
    assert listed[0].revision == 2


@pytest.mark.parametrize("case_id", ["", "nope", "../../etc/passwd", uuid.uuid4().hex, uuid.uuid4().hex.upper()])
def test_unknown_or_malformed_ids_are_not_found(store: Store, case_id: str) -> None:
    for call in (store.get_case, store.delete_case, store.filings, store.evidence_files, store.case_dir):
        with pytest.raises(StoreError) as raised:
            call(case_id)
        assert raised.value.code == "not_found"
    with pytest.raises(StoreError, match="not_found"):
        store.replace_case(case_id, COMMENTED)


# --- filings, replies, conflicts ----------------------------------------------------------------------------------


def test_recording_a_filing_and_a_reply_changes_the_text_keeping_comments_and_the_table(store: Store) -> None:
    case = store.create_case(COMMENTED)
    filed = store.record_filing(case.id, channel="police", filed_on=date(2026, 11, 20), reference_number="JJ-0001")
    assert filed.revision == 2
    for line in COMMENTED.splitlines():
        assert line in filed.text.splitlines()
    parsed = parse_case_text(filed.text)
    assert [(p.channel, p.filed_on, p.reference_number) for p in parsed.prior_complaints] == [
        ("police", date(2026, 11, 20), "JJ-0001")
    ]
    [row] = store.filings(case.id)
    assert (row.channel, row.filed_on, row.reference_number, row.reply_received, row.index) == (
        "police", date(2026, 11, 20), "JJ-0001", False, 0,
    )  # fmt: skip

    replied = store.record_reply(case.id, channel="police", reply_on=date(2026, 11, 24), summary="已受理")
    assert replied.revision == 3
    assert {"# 我的诉求", "    collected_on: 2026-11-10   # 截图日期"} <= set(replied.text.splitlines())
    assert parse_case_text(replied.text).prior_complaints[0].reply_summary == "已受理"
    [row] = store.filings(case.id)
    assert (row.reply_received, row.reply_on) == (True, date(2026, 11, 24))
    assert store.get_case(case.id).text == replied.text


def test_a_json_case_is_edited_as_json(store: Store) -> None:
    case = store.create_case(example("guarantee-company-visit.json"))
    filed = store.record_filing(case.id, channel="nfra_12378", filed_on=date(2026, 11, 20), reference_number=None)
    assert filed.fmt == "json"
    assert json.loads(filed.text)["prior_complaints"][-1] == {"channel": "nfra_12378", "filed_on": "2026-11-20"}


def test_an_imported_case_with_prior_complaints_fills_the_filings_table(store: Store) -> None:
    original = example("credit-card-employer.yaml")
    case = store.create_case(original)
    expected = parse_case_text(original).prior_complaints
    assert expected
    rows = store.filings(case.id)
    assert [(r.channel, r.filed_on, r.reference_number, r.reply_received, r.reply_on) for r in rows] == [
        (p.channel, p.filed_on, p.reference_number, p.reply_received, p.reply_on) for p in expected
    ]
    without = store.replace_case(case.id, example("contact-harassed.yaml"))
    assert without.revision == 2
    assert store.filings(case.id) == []


def test_a_reply_with_no_filing_is_refused_and_changes_nothing(store: Store) -> None:
    case = store.create_case(COMMENTED)
    with pytest.raises(StoreError) as raised:
        store.record_reply(case.id, channel="police", reply_on=date(2026, 11, 24), summary=None)
    assert raised.value.code == "edit_failed"
    assert raised.value.params == {"code": "no_filing", "params": {"channel": "police"}}
    assert store.get_case(case.id) == case


def test_an_edit_made_on_a_stale_revision_is_a_conflict(store: Store) -> None:
    case = store.create_case(COMMENTED)
    mine = COMMENTED.replace("description: 本人手机通话记录截图", "description: 通话记录截图（第一位志愿者）")
    theirs = COMMENTED.replace("description: 本人手机通话记录截图", "description: 通话记录截图（第二位志愿者）")
    saved = store.replace_case(case.id, mine, expected_revision=1)
    assert saved.revision == 2
    with pytest.raises(StoreError) as raised:
        store.replace_case(case.id, theirs, expected_revision=1)
    assert raised.value.code == "conflict"
    assert raised.value.params == {"current": 2, "expected": 1}
    assert store.get_case(case.id).text == mine


def test_an_invalid_replacement_changes_nothing(store: Store) -> None:
    case = store.create_case(COMMENTED)
    with pytest.raises(CaseFileError):
        store.replace_case(case.id, COMMENTED.replace("kind: call_log", "kind: 不是证据种类"))
    assert store.get_case(case.id) == case


def test_concurrent_writers_lose_no_update(store: Store) -> None:
    case = store.create_case(COMMENTED)
    writers = 8
    start = threading.Barrier(writers)

    def file(n: int) -> int:
        start.wait()
        stored = store.record_filing(
            case.id, channel="police", filed_on=date(2026, 11, 10 + n), reference_number=f"REF-{n}"
        )
        return stored.revision

    with ThreadPoolExecutor(writers) as pool:
        revisions = list(pool.map(file, range(writers)))
    assert sorted(revisions) == list(range(2, writers + 2))
    final = store.get_case(case.id)
    assert final.revision == writers + 1
    references = {p.reference_number for p in parse_case_text(final.text).prior_complaints}
    assert references == {f"REF-{n}" for n in range(writers)}
    assert {row.reference_number for row in store.filings(case.id)} == references


# --- evidence -----------------------------------------------------------------------------------------------------


def test_evidence_is_kept_with_its_sha256_and_added_to_the_case(store: Store) -> None:
    case = store.create_case(COMMENTED)
    data = os.urandom(300_000)
    stored, kept = store.add_evidence(
        case.id, file_name="录音 11月2日.m4a", data=upload(data), kind="recording", description="催收电话录音",
        max_bytes=LIMIT, today=TODAY,
    )  # fmt: skip
    assert kept.sha256 == hashlib.sha256(data).hexdigest()
    assert kept.size == len(data)
    assert kept.stored_path.read_bytes() == data
    assert kept.stored_path.parent == store.case_dir(case.id) / "evidence"
    assert kept.file_name == "录音 11月2日.m4a"
    assert kept.received_at.tzinfo is not None
    assert stored.revision == 2
    assert set(COMMENTED.splitlines()) <= set(stored.text.splitlines())
    item = parse_case_text(stored.text).evidence[-1]
    assert (item.id, item.kind.value, item.description, item.collected_on, item.sha256) == (
        "E2", "recording", "催收电话录音", TODAY, kept.sha256,
    )  # fmt: skip
    assert store.case_dir(case.id) / (item.path or "") == kept.stored_path
    assert store.evidence_files(case.id) == [kept]
    assert store.evidence_path(case.id, kept.id) == kept.stored_path


def test_an_evidence_id_is_not_given_again_while_a_file_kept_under_it_remains(store: Store) -> None:
    """The person edits an uploaded item out of the case file (its copy stays kept); the next upload must not take
    its id, or the old file would pass for the new item."""
    case = store.create_case(COMMENTED)  # E1, without a file
    _, first = store.add_evidence(case.id, file_name="a.png", data=upload(b"a"), kind="app_screenshot",
                                  description="截图一", max_bytes=LIMIT, today=TODAY)  # fmt: skip
    assert first.evidence_id == "E2"
    store.replace_case(case.id, COMMENTED)  # E2 edited out again
    stored, second = store.add_evidence(case.id, file_name="b.png", data=upload(b"b"), kind="app_screenshot",
                                        description="截图二", max_bytes=LIMIT, today=TODAY)  # fmt: skip
    assert second.evidence_id == "E3"
    assert [e.id for e in parse_case_text(stored.text).evidence] == ["E1", "E3"]
    assert [(f.evidence_id, f.path) for f in store.evidence_files(case.id)] == [
        ("E2", "evidence/a.png"),
        ("E3", "evidence/b.png"),
    ]


def test_a_kept_copy_is_deleted_only_once_the_case_file_no_longer_names_it(store: Store) -> None:
    """An upload of the wrong file: its item is edited out, then its copy can go — never while a document could
    still cite it."""
    case = store.create_case(COMMENTED)
    _, wrong = store.add_evidence(case.id, file_name="wrong.png", data=upload(b"w"), kind="app_screenshot",
                                  description="传错的截图", max_bytes=LIMIT, today=TODAY)  # fmt: skip
    _, right = store.add_evidence(case.id, file_name="right.png", data=upload(b"r"), kind="app_screenshot",
                                  description="截图", max_bytes=LIMIT, today=TODAY)  # fmt: skip
    with pytest.raises(StoreError, match="in_use") as refused:
        store.delete_evidence_file(case.id, wrong.id)
    assert refused.value.params == {"evidence_id": "E2"}
    assert wrong.stored_path.read_bytes() == b"w"
    assert len(store.evidence_files(case.id)) == 2
    without_wrong = add_evidence_item(COMMENTED, {"id": "E3", "kind": "app_screenshot", "description": "截图",
                                                  "path": right.path, "sha256": right.sha256}).text  # fmt: skip
    store.replace_case(case.id, without_wrong)
    store.delete_evidence_file(case.id, wrong.id)
    assert not wrong.stored_path.exists()
    assert store.evidence_files(case.id) == [right]
    assert sorted(p.name for p in right.stored_path.parent.iterdir()) == ["right.png"]  # nothing half-deleted
    assert store.get_case(case.id).text == without_wrong
    with pytest.raises(StoreError, match="in_use"):
        store.delete_evidence_file(case.id, right.id)
    with pytest.raises(StoreError, match="not_found"):
        store.delete_evidence_file(case.id, wrong.id)


def test_a_full_disk_is_named_as_such_nothing_is_half_kept_and_freeing_space_is_enough(small_disk: Path) -> None:
    """A victim's laptop fills up (videos of the calls, say). The store must say the disk is full — not "try again
    later", which never helps — keep nothing half-written, and work again once space is freed."""
    data = small_disk / "data"
    big_case = COMMENTED + "# " + "很长的备注" * 60_000 + "\n"  # ~900 KB: more pages than SQLite has to spare
    with Store.open(data_dir=data) as store:
        case = store.create_case(COMMENTED)
        video = upload(b"v" * (SMALL_DISK_BYTES + 1))
        with pytest.raises(StoreError) as refused:
            store.add_evidence(case.id, file_name="通话录像.mp4", data=video, kind="recording", description="录像",
                               max_bytes=2 * SMALL_DISK_BYTES, today=TODAY)  # fmt: skip
        assert refused.value.code == "disk_full"
        assert store.evidence_files(case.id) == []
        assert [p.name for p in data.rglob("*.mp4")] == []  # the partial copy was removed
        assert store.get_case(case.id).text == COMMENTED

        filler = fill_disk(small_disk)
        with pytest.raises(StoreError) as refused:
            store.create_case(big_case)
        assert refused.value.code == "disk_full"
        assert [c.id for c in store.list_cases()] == [case.id]

        filler.unlink()
        again = store.create_case(big_case)
        assert store.get_case(again.id).text == big_case
        assert len(store.list_cases()) == 2


def test_serve_on_a_full_disk_says_so_in_words(small_disk: Path) -> None:
    """Starting ``jubao serve`` whose data directory is on a full disk: a sentence saying the disk is full."""
    fill_disk(small_disk)
    result = CliRunner().invoke(cli, ["serve", "--data-dir", str(small_disk / "data"), "--port", "0", "--no-browser"])
    assert result.exit_code == 1
    assert "打不开案件数据库：磁盘空间已满（" in result.output  # then the system's words: SQLite's, or ENOSPC's
    assert "）。请先腾出磁盘空间，再运行 jubao serve。" in result.output
    assert "Traceback" not in result.output


def test_a_second_file_of_the_same_name_never_overwrites_the_first(store: Store) -> None:
    case = store.create_case(COMMENTED)
    _, first = store.add_evidence(case.id, file_name="截图.png", data=upload(b"one"), kind="chat_screenshot",
                                  description="微信截图", max_bytes=LIMIT, today=TODAY)  # fmt: skip
    stored, second = store.add_evidence(case.id, file_name="截图.png", data=upload(b"two"), kind="chat_screenshot",
                                        description="微信截图", max_bytes=LIMIT, today=TODAY)  # fmt: skip
    assert (first.stored_path.name, second.stored_path.name) == ("截图.png", "截图-2.png")
    assert first.stored_path.read_bytes() == b"one"
    assert [e.id for e in parse_case_text(stored.text).evidence] == ["E1", "E2", "E3"]


@pytest.mark.parametrize(
    ("file_name", "stored_as"),
    [("../../x", "x"), ("a/b/c.jpg", "c.jpg"), ("..\\..\\evil.txt", "evil.txt"), ("con", "_con"),
     ("NUL.txt", "_NUL.txt"), (".bashrc", "bashrc"), ("a\x00b\u202egpj.exe", "a_bgpj.exe"),
     ("长" * 100 + ".jpg", "长" * 38 + ".jpg")],
)  # fmt: skip
def test_a_hostile_file_name_is_stored_safely_inside_the_case(
    store: Store, data_dir: Path, file_name: str, stored_as: str
) -> None:
    case = store.create_case(COMMENTED)
    _, kept = store.add_evidence(case.id, file_name=file_name, data=upload(b"data"), kind="other",
                                 description="文件", max_bytes=LIMIT, today=TODAY)  # fmt: skip
    evidence_dir = (data_dir / "cases" / case.id / "evidence").resolve()
    assert kept.stored_path.resolve().parent == evidence_dir
    assert kept.stored_path.name == stored_as
    assert files_under(data_dir / "cases") == [
        Path(case.id),
        Path(case.id, "evidence"),
        kept.stored_path.relative_to(data_dir / "cases"),
    ]
    assert not (data_dir.parent / "x").exists()


@pytest.mark.parametrize("file_name", ["", "..", " . ", "/", "???"])
def test_a_file_name_with_nothing_usable_is_refused_and_nothing_is_left(
    store: Store, data_dir: Path, file_name: str
) -> None:
    case = store.create_case(COMMENTED)
    with pytest.raises(StoreError) as raised:
        store.add_evidence(case.id, file_name=file_name, data=upload(b"data"), kind="other", description="文件",
                           max_bytes=LIMIT, today=TODAY)  # fmt: skip
    assert raised.value.code == "bad_file"
    assert files_under(data_dir / "cases") == []
    assert store.get_case(case.id) == case


def test_a_file_past_the_limit_leaves_nothing_behind(store: Store, data_dir: Path) -> None:
    case = store.create_case(COMMENTED)
    with pytest.raises(StoreError) as raised:
        store.add_evidence(case.id, file_name="big.mp4", data=upload(b"x" * 5000), kind="recording",
                           description="视频", max_bytes=4096, today=TODAY)  # fmt: skip
    assert raised.value.code == "too_large"
    assert raised.value.params == {"limit": 4096}
    assert files_under(data_dir / "cases") == []
    assert store.evidence_files(case.id) == []
    assert store.get_case(case.id) == case


def test_an_evidence_item_the_case_refuses_leaves_nothing_behind(store: Store, data_dir: Path) -> None:
    case = store.create_case(COMMENTED)
    with pytest.raises(CaseFileError) as raised:
        store.add_evidence(case.id, file_name="a.png", data=upload(b"png"), kind="not_a_kind", description="截图",
                           max_bytes=LIMIT, today=TODAY)  # fmt: skip
    assert [p.loc for p in raised.value.problems] == [("evidence", 1, "kind")]
    assert files_under(data_dir / "cases") == []
    assert store.evidence_files(case.id) == []
    assert store.get_case(case.id) == case


def test_deleting_a_case_deletes_its_evidence_copies_and_nothing_else(store: Store, data_dir: Path) -> None:
    doomed = store.create_case(COMMENTED)
    kept = store.create_case(COMMENTED)
    store.add_evidence(doomed.id, file_name="a.png", data=upload(b"a"), kind="other", description="截图",
                       max_bytes=LIMIT, today=TODAY)  # fmt: skip
    _, other = store.add_evidence(kept.id, file_name="a.png", data=upload(b"b"), kind="other", description="截图",
                                  max_bytes=LIMIT, today=TODAY)  # fmt: skip
    (data_dir / "notes.txt").write_text("mine", encoding="utf-8")
    store.delete_case(doomed.id)
    assert not (data_dir / "cases" / doomed.id).exists()
    assert sorted(p.name for p in (data_dir / "cases").iterdir()) == [kept.id]
    assert other.stored_path.read_bytes() == b"b"
    assert (data_dir / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert [c.id for c in store.list_cases()] == [kept.id]
    with pytest.raises(StoreError, match="not_found"):
        store.filings(doomed.id)
    with pytest.raises(StoreError, match="not_found"):
        store.evidence_path(doomed.id, other.id)


def test_add_evidence_item_keeps_the_users_lines() -> None:
    edit = add_evidence_item(
        COMMENTED,
        {"id": "E2", "kind": "recording", "description": "录音", "path": "evidence/a.m4a", "sha256": None},
        "case.yaml",
    )
    added = [line for line in edit.text.splitlines() if line not in COMMENTED.splitlines()]
    assert added == ["  - id: E2", "    kind: recording", "    description: 录音", "    path: evidence/a.m4a"]
    assert edit.index == 1
    assert edit.case.evidence[1].path == "evidence/a.m4a"


def test_add_evidence_item_creates_the_list_before_prior_complaints() -> None:
    original = example("night-calls-borrower-only.yaml")
    edit = add_evidence_item(original, {"id": "E1", "kind": "call_log", "description": "通话记录"})
    assert list(yaml.safe_load(edit.text))[-2:] == ["evidence", "wants"]
    assert [line for line in original.splitlines() if line not in edit.text.splitlines()] == []


def test_add_evidence_item_turns_an_empty_flow_list_into_a_block_list() -> None:
    original = example("night-calls-borrower-only.yaml").replace("wants:", "evidence: []\nwants:")
    edit = add_evidence_item(original, {"id": "E1", "kind": "call_log", "description": "通话记录"})
    assert "evidence:\n  - id: E1\n    kind: call_log\n    description: 通话记录\nwants:" in edit.text


# --- drafts -------------------------------------------------------------------------------------------------------


def test_a_draft_keeps_its_answers_until_it_becomes_a_case(store: Store, data_dir: Path) -> None:
    draft = store.create_draft(lang="zh")
    assert store.get_draft(draft) == ("zh", {})
    answers = {"reporter.role": "contact", "collectors.known": False, "wants": ["stop_contact"], "debt": None}
    store.save_draft(draft, answers)
    assert store.get_draft(draft) == ("zh", answers)
    added = store.add_draft_file(draft, file_name="通话记录.png", data=upload(b"png"), max_bytes=LIMIT)
    assert added.path == "evidence/通话记录.png"
    assert (store.draft_dir(draft) / added.path).read_bytes() == b"png"
    text = add_evidence_item(COMMENTED, {"id": "E2", "kind": "call_log", "description": "通话记录",
                                         "path": added.path, "sha256": added.sha256}).text  # fmt: skip

    case = store.finish_draft(draft, text)
    assert store.get_case(case.id).text == text
    assert (store.case_dir(case.id) / added.path).read_bytes() == b"png"
    [kept] = store.evidence_files(case.id)
    assert (kept.evidence_id, kept.sha256, kept.size) == ("E2", hashlib.sha256(b"png").hexdigest(), 3)
    assert not (data_dir / "drafts" / draft).exists()
    with pytest.raises(StoreError, match="not_found"):
        store.get_draft(draft)


def test_an_invalid_case_from_a_draft_keeps_the_draft(store: Store) -> None:
    draft = store.create_draft(lang="en")
    store.add_draft_file(draft, file_name="a.png", data=upload(b"png"), max_bytes=LIMIT)
    with pytest.raises(CaseFileError):
        store.finish_draft(draft, "title: only a title\n")
    assert store.get_draft(draft) == ("en", {})
    assert (store.draft_dir(draft) / "evidence" / "a.png").exists()
    assert store.list_cases() == []


def test_deleting_a_draft_deletes_its_files(store: Store, data_dir: Path) -> None:
    draft = store.create_draft(lang="zh")
    store.add_draft_file(draft, file_name="a.png", data=upload(b"png"), max_bytes=LIMIT)
    store.delete_draft(draft)
    assert not (data_dir / "drafts" / draft).exists()
    with pytest.raises(StoreError, match="not_found"):
        store.draft_dir(draft)


def test_unfinished_drafts_are_listed_most_recently_changed_first_with_the_case_they_complete(store: Store) -> None:
    case = store.create_case(COMMENTED)
    new = store.create_draft(lang="zh")
    rerun = store.create_draft(lang="en", case_id=case.id)
    store.save_draft(new, {"lender.app_name": "示例快借", "_previous:x": "y"})  # changed last: listed first
    listed = store.list_drafts()
    assert [(d.id, d.lang, d.case_id, d.case_title) for d in listed] == [
        (new, "zh", None, None),
        (rerun, "en", case.id, "前同事被反复催收"),
    ]
    assert listed[0].answers == {"lender.app_name": "示例快借", "_previous:x": "y"}
    assert listed[0].updated_at > listed[0].created_at
    with pytest.raises(StoreError, match="not_found"):
        store.create_draft(lang="zh", case_id="0" * 32)
    assert len(store.list_drafts()) == 2


def test_deleting_a_case_deletes_the_drafts_completing_it_and_their_files(store: Store, data_dir: Path) -> None:
    """What was being added to a case goes with it; another draft stays."""
    case = store.create_case(COMMENTED)
    rerun = store.create_draft(lang="zh", case_id=case.id)
    store.save_draft(rerun, {"_case": case.id, "reporter.phone": "138 0000 0699"})
    store.add_draft_file(rerun, file_name="录音.m4a", data=upload(b"m4a"), max_bytes=LIMIT)
    other = store.create_draft(lang="zh")
    store.add_draft_file(other, file_name="a.png", data=upload(b"png"), max_bytes=LIMIT)
    store.delete_case(case.id)
    assert [d.id for d in store.list_drafts()] == [other]
    with pytest.raises(StoreError, match="not_found"):
        store.get_draft(rerun)
    assert not (data_dir / "drafts" / rerun).exists()
    assert (data_dir / "drafts" / other / "evidence" / "a.png").read_bytes() == b"png"


def test_the_0002_migration_links_drafts_to_their_cases_and_drops_those_of_deleted_cases(
    store_url: str, data_dir: Path
) -> None:
    """A store made before drafts knew their case (revision 0001, the link only in the answers): opening it links
    them, and the drafts of cases deleted meanwhile — with their files — are gone."""
    from alembic import command  # noqa: PLC0415
    from sqlalchemy import column, insert, table  # noqa: PLC0415

    from jubao.store.migrate import alembic_config  # noqa: PLC0415
    from jubao.store.models import CaseRow, UtcDateTime  # noqa: PLC0415

    case_id, gone, linked, fresh = (uuid.uuid4().hex for _ in range(4))
    now = datetime.now(UTC)
    drafts = table("drafts", column("id"), column("lang"), column("answers"), column("created_at", UtcDateTime()),
                   column("updated_at", UtcDateTime()))  # fmt: skip
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(_sqlalchemy_url(store_url))
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
        connection.execute(insert(CaseRow).values(id=case_id, title="t", fmt="yaml", text=COMMENTED, revision=1,
                                                  created_at=now, updated_at=now))  # fmt: skip
        for draft_id, answers in ((linked, {"_case": case_id, "_focus": "reporter.phone"}),
                                  (gone, {"_case": "f" * 32, "reporter.phone": "138 0000 0698"}),
                                  (fresh, {"lender.app_name": "示例快借"})):  # fmt: skip
            connection.execute(insert(drafts).values(id=draft_id, lang="zh", answers=json.dumps(answers),
                                                     created_at=now, updated_at=now))  # fmt: skip
            (data_dir / "drafts" / draft_id / "evidence").mkdir(parents=True)
            (data_dir / "drafts" / draft_id / "evidence" / "a.png").write_bytes(b"png")
    engine.dispose()
    with Store.open(store_url, data_dir=data_dir) as store:
        assert {(d.id, d.case_id) for d in store.list_drafts()} == {(linked, case_id), (fresh, None)}
        assert not (data_dir / "drafts" / gone).exists()
        assert (data_dir / "drafts" / linked / "evidence" / "a.png").exists()
        assert (data_dir / "drafts" / fresh / "evidence" / "a.png").exists()
        store.delete_case(case_id)  # the link the migration made deletes it with its case
        assert [d.id for d in store.list_drafts()] == [fresh]
        assert not (data_dir / "drafts" / linked).exists()


# --- the database -------------------------------------------------------------------------------------------------


def test_sqlite_is_in_wal_mode_inside_the_private_data_dir(data_dir: Path) -> None:
    with Store.open(data_dir=data_dir) as store:
        assert store.backend == "sqlite"
        assert store.url == default_url(data_dir)
        assert store.where == str(data_dir)
        store.create_case(COMMENTED)
        database = data_dir / "jubao.sqlite3"
        assert database.is_file()
        with contextlib.closing(sqlite3.connect(database)) as connection, connection:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


def test_opening_again_is_a_no_op_and_the_schema_is_at_head(store_url: str, data_dir: Path) -> None:
    with Store.open(store_url, data_dir=data_dir) as store:
        case = store.create_case(COMMENTED)
    with Store.open(store_url, data_dir=data_dir) as store:
        assert store.get_case(case.id) == case
    engine = create_engine(_sqlalchemy_url(store_url))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]
    engine.dispose()


def test_the_migrations_make_the_schema_the_models_describe(store: Store, store_url: str) -> None:
    """A change of the models without a migration (or the reverse) fails here, on SQLite and PostgreSQL."""
    engine = create_engine(_sqlalchemy_url(store_url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_a_database_made_by_a_newer_jubao_is_refused(store_url: str, data_dir: Path) -> None:
    with Store.open(store_url, data_dir=data_dir) as store:
        store.create_case(COMMENTED)
    engine = create_engine(_sqlalchemy_url(store_url))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        with pytest.raises(StoreError) as raised:
            Store.open(store_url, data_dir=data_dir)
        assert raised.value.code == "unsupported_db"
        assert raised.value.params["revision"] == "9999"
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()})
        engine.dispose()


def test_wipe_removes_the_store_and_leaves_other_files(store_url: str, data_dir: Path) -> None:
    with Store.open(store_url, data_dir=data_dir) as store:
        case = store.create_case(COMMENTED)
        store.add_evidence(case.id, file_name="a.png", data=upload(b"a"), kind="other", description="截图",
                           max_bytes=LIMIT, today=TODAY)  # fmt: skip
        store.add_draft_file(store.create_draft(lang="zh"), file_name="b.png", data=upload(b"b"), max_bytes=LIMIT)
    (data_dir / "notes.txt").write_text("mine", encoding="utf-8")
    (data_dir / "backup").mkdir()

    planned = Store.wipe_plan(store_url, data_dir=data_dir)
    assert (data_dir / "cases").is_dir()
    removed = Store.wipe(store_url, data_dir=data_dir)
    assert removed == planned

    assert {str(data_dir / "cases"), str(data_dir / "drafts")} <= set(removed)
    assert sorted(p.name for p in data_dir.iterdir()) == ["backup", "notes.txt"]
    if store_url.startswith("sqlite"):
        assert str(data_dir / "jubao.sqlite3") in removed
    else:
        engine = create_engine(_sqlalchemy_url(store_url))
        with engine.connect() as connection:
            assert not {"cases", "filings", "evidence_files", "drafts", "alembic_version"} & set(
                inspect(connection).get_table_names()
            )
        engine.dispose()
    assert Store.wipe(store_url, data_dir=data_dir) == []
    with Store.open(store_url, data_dir=data_dir) as store:
        assert store.list_cases() == []


def test_wipe_of_a_sqlite_file_shared_with_another_program_drops_only_jubaos_tables(data_dir: Path) -> None:
    with Store.open(data_dir=data_dir) as store:
        store.create_case(COMMENTED)
    database = data_dir / "jubao.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("CREATE TABLE my_notes (note TEXT)")
        connection.execute("INSERT INTO my_notes VALUES ('keep me')")
    connection.close()
    Store.wipe(data_dir=data_dir)
    with contextlib.closing(sqlite3.connect(database)) as connection, connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {"my_notes"}
        assert connection.execute("SELECT note FROM my_notes").fetchall() == [("keep me",)]
    connection.close()


def test_a_file_that_is_no_database_is_refused_and_never_wiped(data_dir: Path) -> None:
    data_dir.mkdir()
    mine = data_dir / "jubao.sqlite3"
    mine.write_bytes(b"my own notes, not a database\n" * 100)
    for call in (lambda: Store.open(data_dir=data_dir), lambda: Store.wipe(data_dir=data_dir)):
        with pytest.raises(StoreError) as raised:
            call()
        assert raised.value.code == "unavailable"
    assert mine.read_bytes() == b"my own notes, not a database\n" * 100


def test_default_data_dir_honours_jubao_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JUBAO_DATA_DIR", str(tmp_path / "elsewhere"))
    assert default_data_dir() == tmp_path / "elsewhere"
    assert default_url(tmp_path / "elsewhere") == f"sqlite:///{tmp_path}/elsewhere/jubao.sqlite3"
    with Store.open() as store:
        assert store.data_dir == tmp_path / "elsewhere"
    assert (tmp_path / "elsewhere" / "jubao.sqlite3").is_file()
    monkeypatch.delenv("JUBAO_DATA_DIR")
    assert default_data_dir().name == "jubao"


@pytest.mark.parametrize(
    ("url", "code"),
    [("not a url", "bad_url"), ("sqlite://", "bad_url"), ("sqlite:///:memory:", "bad_url"),
     ("mysql://user@localhost/jubao", "unsupported_db"), ("postgresql+psycopg2://localhost/jubao", "unsupported_db")],
)  # fmt: skip
def test_a_database_url_jubao_cannot_use_is_refused(data_dir: Path, url: str, code: str) -> None:
    with pytest.raises(StoreError) as raised:
        Store.open(url, data_dir=data_dir)
    assert raised.value.code == code


def test_postgresql_without_its_driver_says_what_to_install(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a))
    with pytest.raises(StoreError) as raised:
        Store.open("postgresql://localhost/jubao", data_dir=data_dir)
    assert raised.value.code == "missing_driver"
    assert "pip install 'jubao[postgresql]'" in str(raised.value)


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL: JUBAO_TEST_POSTGRESQL_URL is not set")
def test_a_postgresql_password_is_never_printed(postgresql_database: str, data_dir: Path) -> None:
    url = make_url(postgresql_database)
    with_password = url.set(password="s3cret-Passw0rd").render_as_string(hide_password=False)
    try:
        store = Store.open(with_password, data_dir=data_dir)
    except StoreError as error:  # a server that checks passwords: the message must not hold it either
        message = str(error)
    else:
        with store:
            assert store.backend == "postgresql"
            message = f"{store.url} {store!r}"
        assert "***" in message
    assert "s3cret" not in message


def _sqlalchemy_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)
