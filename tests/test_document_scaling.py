"""Documents are linear in the size of a case (issue 14, item 2): a victim harassed for months has hundreds of
incidents, and drafting them must not take minutes.

python-docx's ``Table.cell(r, c)`` rebuilds a table's whole cell grid on every call, so a timeline of n rows took
time in n²: 1.5 s of CPU for one incident, 22 s for 100, 160 s for 300. The DOCX writer now formats one model row
and copies it (``jubao.docx_writer._table``); contacts' names and numbers are looked up through an index instead of
every note being tried against every contact (``jubao.redaction.ContactRedactor``). Each speed-up must write exactly
what the old code wrote: the DOCX XML is compared with the cell-by-cell writing, and the redaction with trying
every name and number in turn.

Times are CPU times (``time.process_time``) compared within one run, never against a limit in seconds.
"""

from __future__ import annotations

import copy
import random
import re
import statistics
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from functools import cache
from io import BytesIO
from typing import Any

import yaml

from jubao import Case, Engine, PluginSet, build_document_set, load_case
from jubao.documents_api import Document, NumberedList, Paragraph, Section, Signature, Table
from jubao.docx_writer import docx_outline, write_docx
from jubao.plugins import build_documents
from jubao.redaction import REDACTED_NAME, REDACTED_PHONE, ContactRedactor
from jubao_plugins.procuratorate_12309 import drafting as procuratorate
from tests.conftest import EXAMPLES
from tests.docx_reference import reference_docx

TODAY = date(2026, 11, 23)
CREATED = datetime(2026, 11, 23, 12, 0).astimezone()
EXAMPLE = EXAMPLES / "credit-card-employer.yaml"


# --- big fictional cases ------------------------------------------------------------------------------------------


@cache
def _example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def big_case(incidents: int, *, contacts: int = 0) -> Case:
    """The credit-card example with its four incidents repeated ``incidents`` times over 2025-01 … 2026-11, plus
    ``contacts`` more contacts (named, with a number; not willing to report, so the documents stay the same ones),
    every third incident to a contact reaching one of them, with a note that names them."""
    data = copy.deepcopy(_example())
    extra = [
        {"id": f"c{k}", "relation": ("friend", "family", "colleague")[k % 3], "name": f"钱{_word(k)}",
         "phone": f"139 {k // 10000:04d} {k % 10000:04d}", "willing_to_report": False}
        for k in range(contacts)
    ]  # fmt: skip
    data["contacts"]["reached"] += extra
    start = datetime(2025, 1, 1, 9, 0)
    step = (datetime(2026, 11, 10) - start) / incidents
    rows = []
    for index in range(incidents):
        row = copy.deepcopy(data["incidents"][index % len(data["incidents"])])
        moment = start + step * index
        row["time"] = moment.strftime("%Y-%m-%d %H:%M")
        if "until" in row:
            row["until"] = (moment + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
        if extra and row["target"].get("kind") == "contact" and index % 3 == 0:
            contact = extra[index % len(extra)]
            row["target"] = {"kind": "contact", "contact": contact["id"]}
            row["note"] = f"打给{contact['name']}（{contact['phone']}），说我欠钱不还。"
        rows.append(row)
    data["incidents"] = rows
    return Case.model_validate(data)


def _word(number: int) -> str:
    """A name part for contact ``number``: CJK numerals, so that no contact's name is part of another's."""
    digits = "零一二三四五六七八九"
    return "".join(digits[int(d)] for d in f"{number:04d}") + "号"


def _documents(case: Case, engine: Engine, plugins: PluginSet) -> Callable[[], Any]:
    evaluation = engine.evaluate(case, today=TODAY)

    def build() -> Any:
        return build_document_set(case, evaluation, plugins, base_dir=EXAMPLES, created=CREATED)

    return build


def _cpu(run: Callable[[], Any]) -> float:
    started = time.process_time()
    run()
    return time.process_time() - started


# --- linear in incidents ------------------------------------------------------------------------------------------


def test_documents_take_time_linear_in_incidents(plugins: PluginSet, engine: Engine) -> None:
    """All routed channels, every format (DOCX too): 400 incidents cost less than 4× what 100 cost (median of 3,
    measured alternately in one run). Cell-by-cell tables made it ~12×."""
    small = _documents(big_case(100), engine, plugins)
    large = _documents(big_case(400), engine, plugins)
    small()  # templates compiled, python-docx imported
    times: dict[str, list[float]] = {"small": [], "large": []}
    for _ in range(3):
        times["small"].append(_cpu(small))
        times["large"].append(_cpu(large))
    ratio = statistics.median(times["large"]) / statistics.median(times["small"])
    assert ratio < 4, f"400 incidents took {ratio:.1f}× the CPU time of 100: {times}"


def test_a_docx_timeline_holds_every_incident(plugins: PluginSet, engine: Engine) -> None:
    """The police complaint's timeline table (a DOCX) for 400 incidents: the header row, then rows 1 … 400."""
    document_set = _documents(big_case(400), engine, plugins)()
    (complaint,) = [f for f in document_set.files if f.path == "police/complaint.docx"]
    lines = docx_outline(complaint.data).splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("[header] 序号 | 时间 |"))
    rows = [line for line in lines[start + 1 :] if line.startswith("[row] ")]
    numbers = [line.removeprefix("[row] ").split(" | ")[0] for line in rows[:400]]
    assert numbers == [str(n) for n in range(1, 401)]
    assert len(lines[start + 1 : start + 401]) == 400
    assert all(line.startswith("[row] ") for line in lines[start + 1 : start + 401])
    assert not lines[start + 401].startswith("[row] ")


# --- the same XML as the cell-by-cell writing ----------------------------------------------------------------------


def _document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return archive.read("word/document.xml")


EDGE_CASES = Document(
    channel="test",
    title="表格",
    sections=[
        Section(
            heading="表格",
            blocks=[
                Table(
                    header=["序号", "内容", "备注"], rows=[["1", "a\tb", ""], ["2", "第一行\n第二行\r第三行"], ["3"]]
                ),
                Table(header=["只有表头"]),
                Table(rows=[[" 前后有空格 ", "\u3000全角空格", "&<>\"'"], ["", "", ""]]),
                Table(header=["一", "二"], rows=[["单行", "\t"]]),
                Table(rows=[["无表头，一行"]]),
                Paragraph(text="正文\t制表\n换行 "),
                NumberedList(items=["第一项", " 第二项\t"]),
                Paragraph(text=""),
            ],
        ),
        Section(blocks=[Signature(closing=["此致", "某某"], lines=["报告人：测试人"], attachments=["甲", "乙"])]),
    ],
)


def _docx_documents(plugins: PluginSet, engine: Engine) -> Iterator[tuple[str, Document]]:
    """The edge cases, every document of two example cases' routed channels (an employer reached; 30 contacts —
    every example's DOCX is compared as an outline in tests/test_channel_documents.py), and the police documents
    of a case of 40 incidents, whose complaint has its timeline as a table (the cell-by-cell reference takes time
    in n², so not 400)."""
    yield "edge cases", EDGE_CASES
    names = ("credit-card-employer", "consumer-finance-30-contacts")
    cases = [(name, load_case(EXAMPLES / f"{name}.yaml"), None) for name in names]
    for name, case, only in [*cases, ("40 incidents", big_case(40, contacts=5), "police")]:
        evaluation = engine.evaluate(case, today=TODAY)
        for channel_id in evaluation.route_ids():
            if channel_id not in plugins.channels or only not in (None, channel_id):
                continue
            for document in build_documents(plugins, channel_id, case, evaluation):
                if document.sections:
                    yield f"{name}/{channel_id}/{document.id}", document


def test_docx_xml_is_what_cell_by_cell_writing_wrote(plugins: PluginSet, engine: Engine) -> None:
    """word/document.xml byte for byte as python-docx's API writes it with ``Table.cell`` for every cell
    (``tests/docx_reference.py``): tables (tabs, line breaks, spaces kept, empty and missing cells, a header alone,
    no header), paragraphs, the documents of the example cases' routed channels and a timeline of 40 incidents."""
    documents = list(_docx_documents(plugins, engine))
    fast = [_document_xml(write_docx(document)) for _, document in documents]
    for (label, document), written in zip(documents, fast, strict=True):
        assert written == _document_xml(reference_docx(document, CREATED.replace(tzinfo=None))), label
    assert len(documents) > 40
    assert any(b"<w:tab/>" in xml and b"<w:br/>" in xml for xml in fast)  # the edge cases were written
    assert any(xml.count(b"<w:tr>") > 40 for xml in fast)  # and the timeline of 40 incidents


def test_the_docx_writer_imports_python_docx_only_when_it_writes() -> None:
    """``jubao.docx_writer`` (``jubao.DOCX``) is light to import: lxml (and python-docx, the first time the blank
    package is made) come with the first DOCX."""
    import subprocess  # noqa: PLC0415 - only here
    import sys  # noqa: PLC0415

    probe = "import sys, jubao.docx_writer; print(sorted(m for m in ('docx', 'lxml') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --- contacts' names and numbers, by index ------------------------------------------------------------------------


def _every_name_and_number(redactor: ContactRedactor, text: str) -> str:
    """What the redaction did before the index: every name (longest first), then every number, tried in turn."""
    if not text or not redactor:
        return text
    kept = redactor._kept
    for index, name in enumerate(kept):
        text = text.replace(name, chr(0xE000 + index))
    for name, label in redactor._names:
        text = text.replace(name, label)
    for index, name in enumerate(kept):
        text = text.replace(chr(0xE000 + index), name)
    for pattern, label in redactor._phones:
        text = pattern.sub(label, text)
    return text


def _tricky_case(rng: random.Random) -> Case:
    """Contacts whose names hold each other (王晓, 王晓红), the words of the labels (联系, 系人, 人1), the
    reporter's name; numbers that hold each other, service numbers, numbers abroad."""
    people = [
        ("王晓", "139 0000 0123"), ("王晓红", "010 5555 0123"), ("晓红", None), ("联系", "95555"), ("人1", "110"),
        ("测试人", "138 0000 0001"), ("周某", "95588"), ("系人", "+1 202 555 0123"), ("的号", "+86 10 5555 0110"),
        ("钱一", "139 0000 0012"), ("钱一二", "+86 139 0000 0012"), ("号码", "12110"), ("小王2", "+86 10 5555 0199"),
    ]  # fmt: skip
    chosen = rng.sample(people, rng.randint(1, len(people)))
    reached = [
        {"id": f"p{n}", "relation": "friend", "name": name} | ({"phone": phone} if phone else {})
        for n, (name, phone) in enumerate(chosen)
    ]
    reporter = {"role": "borrower", "name": "测试人", "phone": "138 0000 0001", "region": {"province": "广东省"}}
    data: dict[str, Any] = {
        "reporter": reporter,
        "lender": {"name": "示例银行", "kind": "bank"},
        "contacts": {"reached": reached},
        "incidents": [{"time": "2026-10-01 10:00", "medium": "call", "target": {"kind": "borrower"}}],
    }
    if rng.random() < 0.5:  # a friend reports, naming the borrower: both names are kept
        reporter |= {"role": "contact", "relation_to_borrower": "friend"}
        data["borrower"] = {"name": "周某"}
    return Case.model_validate(data)


def test_redaction_by_index_is_trying_every_name_and_number() -> None:
    """Random texts made of the contacts' names and parts of them, their numbers as people write them, the labels'
    words and digits, separators: the same result as replacing every name, then every number, in turn."""
    rng = random.Random(14_002)
    changed = 0
    for _ in range(150):
        case = _tricky_case(rng)
        redactor = ContactRedactor(case)
        pieces = [
            "联系人",
            "的号码",
            "1",
            "12",
            "110",
            " ",
            "-",
            "(",
            "（",
            "+",
            "00",
            "86",
            "0",
            "说",
            "。",
            "３",
            "\n",
        ]
        for contact in case.contacts.reached:
            assert contact.name
            pieces += [contact.name, contact.name[:1], contact.name[1:]]
            if contact.phone:
                digits = re.sub(r"\D", "", contact.phone)
                pieces += [contact.phone, digits, digits[2:], "0" + digits[2:], f"{digits[2:4]} {digits[4:]}"]
        for _ in range(40):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
            expected = _every_name_and_number(redactor, text)
            assert redactor(text) == expected, text
            changed += expected != text
    assert changed > 1000  # the texts do hold names and numbers


def test_redaction_takes_time_independent_of_the_number_of_contacts() -> None:
    """The same 600 notes (each naming one of the first 100 contacts) against 100 and against 1,000 contacts:
    less than 4× the CPU time (trying every contact on every note took 10×)."""
    notes = [f"打给钱{_word(k % 100)}（139 0000 {k % 100:04d}），说我欠钱不还。" for k in range(600)] + ["每天打电话。"]
    redactors = {size: ContactRedactor(big_case(4, contacts=size)) for size in (100, 1000)}
    for redactor in redactors.values():
        redactor(notes[0])
    times: dict[int, list[float]] = {100: [], 1000: []}
    for _ in range(3):
        for size, redactor in redactors.items():
            times[size].append(_cpu(_redacting(redactor, notes)))
    ratio = statistics.median(times[1000]) / statistics.median(times[100])
    assert ratio < 4, f"1,000 contacts took {ratio:.1f}× the CPU time of 100: {times}"
    # contact c5 comes after the example's two contacts: 联系人8
    assert (
        redactors[1000](notes[5]) == f"打给{REDACTED_NAME.format(n=8)}（{REDACTED_PHONE.format(n=8)}），说我欠钱不还。"
    )


def _redacting(redactor: ContactRedactor, notes: list[str]) -> Callable[[], list[str]]:
    return lambda: [redactor(note) for note in notes]


def test_the_procuratorate_masks_as_every_pattern_in_turn_would() -> None:
    """The 12309 clue report's own masking (×× and （号码略）), tried only where a name or a number's digits are in
    the text: the same result as ``re.sub`` of every contact's name, then number, in turn — also when a name holds
    digits (小王2) or what a mask says (号码)."""
    rng = random.Random(14_012)
    changed = 0
    for _ in range(150):
        case = _tricky_case(rng)
        redactor = procuratorate.Redactor(case)
        patterns = []
        for contact in case.contacts.reached:
            if contact.name:
                patterns.append((re.compile(re.escape(contact.name)), procuratorate.NAME_MASK))
            if contact.phone:
                patterns.append((procuratorate._number_pattern(contact.phone), procuratorate.NUMBER_MASK))
        pieces = ["（号码略）", "××", "号码", "86", "+86", "0", "-", " ", "2", "小王", "说", "\n"]
        for contact in case.contacts.reached:
            assert contact.name
            pieces += [contact.name, contact.name[:1]]
            if contact.phone:
                digits = re.sub(r"\D", "", contact.phone)
                pieces += [contact.phone, digits, digits[2:], f"{digits[2:5]}-{digits[5:]}", "0" + digits[2:]]
        for _ in range(40):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
            expected = text
            for pattern, mask in patterns:
                expected = pattern.sub(mask, expected)
            assert redactor(text) == expected, text
            changed += expected != text
    assert changed > 1000
