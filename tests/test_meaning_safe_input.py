"""Meaning-safe input: a victim writes Chinese (同事, 录音, 网络小贷, 领导) and "不清楚" where she does not know,
and the case means what she meant — English values stored, "not known" never a company called 不清楚 — while
likely slips (count read as people, a manager filed as a colleague, an unknown lender kind) are warned about at
their place."""

from __future__ import annotations

import copy
import json
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jubao.vocabulary as vocab
from jubao.case import Case
from jubao.case_warnings import WARNING_CODES, case_warnings
from jubao.cli.main import cli
from jubao.i18n import catalog
from jubao.loading import CaseFileError, _fields_of, normalise_case_data, parse_case, parse_case_text
from jubao.problems import Severity
from jubao.vocabulary import (
    ALIASES_FILE,
    ALL_VOCABULARIES,
    ConsentAnswer,
    EvidenceKind,
    LenderKind,
    Medium,
    Relation,
    accepted_words,
    lookup,
    slip_words,
    word_conflicts,
)

# --- a valid case as data, and where each vocabulary lives in it ---

BASE: dict[str, Any] = {
    "reporter": {"role": "borrower", "name": "测试人", "phone": "138 0000 0001", "region": {"province": "广东省"}},
    "lender": {"name": "示例网络小额贷款有限公司", "kind": "online_microloan", "role": "lender"},
    "debt": {"contact_list_consent": "unknown"},
    "contacts": {"reached": [{"id": "c1", "relation": "family", "phone": "138 0000 0002"}]},
    "incidents": [
        {
            "time": "2026-11-01 10:00",
            "medium": "call",
            "target": {"kind": "contact", "contact": "c1"},
            "behaviours": ["debt_disclosure"],
            "evidence": ["E1"],
        }
    ],
    "evidence": [{"id": "E1", "kind": "call_log", "description": "通话记录截图"}],
    "carrier_complaints": [{"carrier": "china_mobile", "filed_on": "2026-11-02"}],
    "wants": ["stop_contact"],
}

_SLOT_BY_NAME: dict[str, tuple[str | int, ...]] = {
    "ReporterRole": ("reporter", "role"),
    "LenderKind": ("lender", "kind"),
    "CreditorRole": ("lender", "role"),
    "Carrier": ("carrier_complaints", 0, "carrier"),
    "ConsentAnswer": ("debt", "contact_list_consent"),
    "Medium": ("incidents", 0, "medium"),
    "TargetKind": ("incidents", 0, "target", "kind"),
    "Relation": ("contacts", "reached", 0, "relation"),
    "Behaviour": ("incidents", 0, "behaviours", 0),
    "EvidenceKind": ("evidence", 0, "kind"),
    "Want": ("wants", 0),
}
SLOTS = {
    vocabulary: _SLOT_BY_NAME[vocabulary.__name__]
    for vocabulary in ALL_VOCABULARIES
    if vocabulary.__name__ in _SLOT_BY_NAME
}
"""One place in BASE per vocabulary (a test checks every vocabulary has one and that the place holds it)."""


def _fit(case: dict[str, Any], vocabulary: type[StrEnum], value: str) -> None:
    """What the rest of the case must say for ``value`` to be valid where it is put."""
    if vocabulary.__name__ == "ReporterRole" and value == "contact":
        case["reporter"]["relation_to_borrower"] = "friend"
    if vocabulary.__name__ == "TargetKind" and value != "contact":
        case["incidents"][0]["target"] = {"kind": value}


def _put(case: dict[str, Any], loc: tuple[str | int, ...], value: Any) -> None:
    node: Any = case
    for part in loc[:-1]:
        node = node[part]
    node[loc[-1]] = value


def _get(case: Case, loc: tuple[str | int, ...]) -> Any:
    node: Any = case
    for part in loc:
        node = node[part] if isinstance(part, int) else getattr(node, part)
    return node


def _case_with(vocabulary: type[StrEnum], member: StrEnum, written: str) -> dict[str, Any]:
    case = copy.deepcopy(BASE)
    _fit(case, vocabulary, member.value)
    _put(case, SLOTS[vocabulary], written)
    return case


def _labels() -> list[tuple[type[StrEnum], StrEnum, str]]:
    """Every (vocabulary, member, Chinese label) — generated from the vocabulary and core/locales/zh.yaml — plus the
    label without its part in brackets where it has one (银行（含信用卡） and 银行)."""
    zh = catalog("zh")
    found = []
    for vocabulary in ALL_VOCABULARIES:
        for member in vocabulary:
            label = zh[f"vocab.{vocabulary.__name__}.{member.value}"]
            found.append((vocabulary, member, label))
            plain = unicodedata.normalize("NFKC", label).split("(")[0].strip()
            if plain != label:
                found.append((vocabulary, member, plain))
    return found


LABELS = _labels()


def _label_id(item: tuple[type[StrEnum], StrEnum, str]) -> str:
    return f"{item[0].__name__}.{item[1].value}={item[2]}"


def test_every_vocabulary_has_a_slot_holding_it() -> None:
    assert set(SLOTS) == set(ALL_VOCABULARIES)
    for vocabulary, loc in SLOTS.items():
        case = parse_case(BASE)
        assert isinstance(_get(case, loc), vocabulary), vocabulary


@pytest.mark.parametrize("item", LABELS, ids=_label_id)
@pytest.mark.parametrize("fmt", ["yaml", "json", "data"])
def test_every_chinese_label_parses_to_its_member(item: tuple[type[StrEnum], StrEnum, str], fmt: str) -> None:
    vocabulary, member, label = item
    data = _case_with(vocabulary, member, label)
    if fmt == "yaml":
        case = parse_case_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), fmt="yaml")
    elif fmt == "json":
        case = parse_case_text(json.dumps(data, ensure_ascii=False), fmt="json")
    else:
        case = parse_case(data)
    assert _get(case, SLOTS[vocabulary]) is member
    stored: Any = case.model_dump(mode="json")
    for part in SLOTS[vocabulary]:
        stored = stored[part]
    assert stored == member.value  # what is stored, and what every later stage sees, is the English value


@pytest.mark.parametrize(
    ("vocabulary", "written", "expected"),
    [
        (LenderKind, "网络小贷", LenderKind.ONLINE_MICROLOAN),
        (LenderKind, "不知道", LenderKind.UNKNOWN),
        (LenderKind, "不清楚", LenderKind.UNKNOWN),
        (ConsentAnswer, "不知道", ConsentAnswer.UNKNOWN),
        (ConsentAnswer, "没有", ConsentAnswer.NO),
        (ConsentAnswer, True, ConsentAnswer.YES),
        (Relation, "领导", Relation.EMPLOYER),
        (Relation, "人事", Relation.EMPLOYER),
        (Relation, "妈妈", Relation.FAMILY),
        (Relation, "老公", Relation.SPOUSE),
        (Medium, "微信", Medium.WECHAT),
        (Medium, "短信", Medium.SMS),
        (Medium, "打电话", Medium.CALL),
        (Medium, "ＱＱ", Medium.QQ),  # full-width
        (Medium, "In person", Medium.IN_PERSON),
        (Medium, "app-push", Medium.APP_PUSH),
        (Medium, "App推送", Medium.APP_PUSH),
        (EvidenceKind, "录音", EvidenceKind.RECORDING),
        (EvidenceKind, "短信", EvidenceKind.SMS_SCREENSHOT),
    ],
)
def test_everyday_words(vocabulary: type[StrEnum], written: object, expected: StrEnum) -> None:
    assert lookup(vocabulary, written) is expected


def test_words_that_could_mean_two_things_are_not_guessed() -> None:
    assert lookup(LenderKind, "网贷") is None  # an online microlender or a platform
    assert lookup(Relation, "不知道") is None  # no "unknown" relation
    assert lookup(Medium, "mother") is None


def test_no_word_stands_for_two_values() -> None:
    for vocabulary in ALL_VOCABULARIES:
        assert word_conflicts(vocabulary) == [], vocabulary
        assert accepted_words(vocabulary)  # builds without VocabularyDataError


def test_a_word_for_two_values_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    data = copy.deepcopy(vocab._alias_data())
    data["aliases"]["Relation"]["colleague"] = [*data["aliases"]["Relation"]["colleague"], "领导"]
    monkeypatch.setattr(vocab, "_alias_data", lambda: data)
    assert any("领导" in conflict for conflict in word_conflicts(Relation))


def test_alias_file_names_only_real_vocabularies_and_values() -> None:
    data = yaml.safe_load(files("jubao").joinpath(ALIASES_FILE).read_text(encoding="utf-8"))
    by_name = {vocabulary.__name__: vocabulary for vocabulary in ALL_VOCABULARIES}
    assert set(data["aliases"]) <= set(by_name)
    for name, values in data["aliases"].items():
        assert {str(value) for value in values} <= {member.value for member in by_name[name]}, name


def test_employer_person_words_are_aliases_of_employer() -> None:
    words = slip_words("employer_person_words")
    assert words
    for word in words:
        assert lookup(Relation, word) is Relation.EMPLOYER, word


# --- "不清楚" means not known ---

UNKNOWN_WORDS = ["不清楚", "不知道", "未知", "不详", "unknown", "N/A", " 不清楚 "]


def _contact_reporter(case: dict[str, Any]) -> None:
    case["reporter"].update(role="contact", relation_to_borrower="friend")
    case["borrower"] = {"phone": "138 0000 0003"}


def _funder(case: dict[str, Any]) -> None:
    case["lender"].update(kind="loan_platform", funding_institution={"name": "示例银行股份有限公司", "kind": "bank"})


NAME_FIELDS: list[tuple[tuple[str | int, ...], Callable[[dict[str, Any]], None]]] = [
    (("lender", "name"), lambda case: case["lender"].update(app_name="示例借")),
    (("lender", "app_name"), lambda case: None),
    (("lender", "contract_number"), lambda case: None),
    (("borrower", "name"), _contact_reporter),
    (("contacts", "reached", 0, "name"), lambda case: None),
    (("contacts", "reached", 0, "phone"), lambda case: None),
    (("collectors", 0, "agency_name"), lambda case: case.update(collectors=[{"acting_for": "示例"}])),
    (("lender", "funding_institution", "credit_code"), _funder),
    (("incidents", 0, "from_number"), lambda case: None),
    (("lender", "role"), lambda case: None),
    (("debt", "principal"), lambda case: None),
]


@pytest.mark.parametrize("word", UNKNOWN_WORDS)
@pytest.mark.parametrize(
    ("loc", "fit"), NAME_FIELDS, ids=lambda v: ".".join(map(str, v)) if isinstance(v, tuple) else ""
)
def test_not_known_in_a_field_that_may_be_left_out_means_left_out(
    word: str, loc: tuple[str | int, ...], fit: Callable[[dict[str, Any]], None]
) -> None:
    data = copy.deepcopy(BASE)
    fit(data)
    _put(data, loc, word)
    case = parse_case_text(yaml.safe_dump(data, allow_unicode=True), fmt="yaml")
    assert _get(case, loc) is None
    if not word.isascii():
        assert word.strip() not in json.dumps(case.model_dump(mode="json"), ensure_ascii=False)


def test_a_lender_is_never_called_not_known() -> None:
    data = copy.deepcopy(BASE)
    data["lender"] = {"name": "不清楚", "app_name": "不知道"}
    with pytest.raises(CaseFileError) as caught:
        parse_case(data)
    assert [(p.code, p.path) for p in caught.value.problems] == [("required", "lender.name")]


def test_not_known_in_free_text_is_kept() -> None:
    data = copy.deepcopy(BASE)
    data["incidents"][0]["note"] = "不清楚"
    assert parse_case(data).incidents[0].note == "不清楚"


REQUIRED_TEXT = """\
reporter:
  role: 借款人
  name: 不知道
  region: {province: 广东省}
lender:
  app_name: 示例借
  kind: 助贷
  funding_institution:
    name: 不清楚
contacts:
  reached:
    - id: c1
      relation: 不知道
incidents:
  - time: 2026-11-01 10:00
    medium: 电话
    target: {kind: 联系人, contact: c1}
    behaviours: [辱骂, 不清楚]
"""


def test_not_known_where_something_is_required_is_a_located_problem_saying_what_to_write() -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case_text(REQUIRED_TEXT, source="case.yaml")
    found = [(p.line, p.column, p.path, p.code, p.params.get("hint")) for p in caught.value.problems]
    assert found == [
        (3, 3, "reporter.name", "unknown_not_allowed", "unknown_reporter_name"),
        (9, 5, "lender.funding_institution.name", "unknown_not_allowed", "unknown_funder_name"),
        (13, 7, "contacts.reached[0].relation", "unknown_not_allowed", "unknown_write_other"),
        (18, 22, "incidents[0].behaviours[1]", "unknown_not_allowed", "unknown_list_item"),
    ]
    funder = caught.value.problems[1]
    assert "funding_institution" in funder.message("zh")
    assert "删掉" in funder.message("zh")
    assert "other" in caught.value.problems[2].message("en")


def test_normalise_case_data_does_not_change_its_input() -> None:
    data = copy.deepcopy(BASE)
    data["incidents"][0]["medium"] = "电话"
    before = copy.deepcopy(data)
    normalised, problems = normalise_case_data(data)
    assert data == before
    assert normalised["incidents"][0]["medium"] == "call"
    assert problems == []


# --- errors keep their places ---

CHINESE_CASE = """\
reporter:
  role: 借款人
  name: 测试人
  phone: 138 0000 0001
  region: {province: 广东省}
lender:
  name: 示例网络小额贷款有限公司
  kind: 网络小贷
contacts:
  reached:
    - id: boss
      relation: 领导
incidents:
  - time: 2026-11-01 10:00
    medium: 电话
    from_number: 12
    target: {kind: 联系人, contact: boss}
    behaviours: [辱骂, 向他人透露债务, 骂街]
evidence:
  - id: E1
    kind: 录音
    description: 通话录音
"""


def test_errors_in_a_case_written_with_chinese_labels_point_to_the_right_place() -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case_text(CHINESE_CASE, source="case.yaml")
    found = {(p.line, p.column, p.path, p.code) for p in caught.value.problems}
    assert found == {
        (16, 5, "incidents[0].from_number", "invalid_phone"),
        (18, 31, "incidents[0].behaviours[2]", "unknown_value"),
    }
    data = yaml.safe_load(CHINESE_CASE.replace("2026-11-01 10:00", "'2026-11-01 10:00'"))
    json_text = json.dumps(data, indent=2, ensure_ascii=False)
    with pytest.raises(CaseFileError) as caught:
        parse_case_text(json_text, fmt="json")
    lines = json_text.splitlines()
    found_lines = {p.path: lines[p.line - 1] for p in caught.value.problems if p.line is not None}
    assert '"from_number": 12' in found_lines["incidents[0].from_number"]
    assert '"骂街"' in found_lines["incidents[0].behaviours[2]"]


def test_a_chinese_word_that_contains_one_accepted_word_gets_a_suggestion() -> None:
    text = CHINESE_CASE.replace("relation: 领导", "relation: 我的同事").replace(
        "from_number: 12", "from_number: 13800000009"
    )
    text = text.replace(", 骂街]", "]")
    with pytest.raises(CaseFileError) as caught:
        parse_case_text(text)
    (problem,) = caught.value.problems
    assert (problem.line, problem.path, problem.code) == (12, "contacts.reached[0].relation", "unknown_value")
    assert problem.params["suggestion"] == "colleague"
    assert "我的同事" not in problem.message("zh")  # never repeat what was written


# --- warnings ---


def _count_as_people(case: dict[str, Any]) -> None:
    case["incidents"].append(
        {
            "time": "2026-11-02 10:00",
            "medium": "call",
            "target": {"kind": "contact", "relation": "colleague"},
            "count": 20,
        }
    )


def _count_as_times(case: dict[str, Any]) -> None:
    _count_as_people(case)
    case["incidents"][-1]["until"] = "2026-11-05 10:00"


def _twenty_colleagues_listed(case: dict[str, Any]) -> None:
    _count_as_people(case)
    case["contacts"]["reached"] += [{"id": f"col{i}", "relation": "colleague"} for i in range(20)]


def _group_count(case: dict[str, Any]) -> None:
    case["incidents"].append({"time": "2026-11-02 10:00", "medium": "sms", "target": {"kind": "group"}, "count": 30})


def _group_with_audience(case: dict[str, Any]) -> None:
    _group_count(case)
    case["incidents"][-1]["target"]["audience_size"] = 30


def _manager_as_colleague(case: dict[str, Any]) -> None:
    case["contacts"]["reached"].append({"id": "boss", "relation": "colleague", "name": "王经理"})


def _manager_as_employer(case: dict[str, Any]) -> None:
    case["contacts"]["reached"].append({"id": "boss", "relation": "employer", "name": "王经理"})


def _note_names_my_manager(case: dict[str, Any]) -> None:
    case["incidents"].append(
        {
            "time": "2026-11-02 10:00",
            "medium": "call",
            "target": {"kind": "contact", "relation": "colleague"},
            "note": "打到单位，找我领导说我欠钱",
        }
    )


def _note_names_collectors_title(case: dict[str, Any]) -> None:
    _note_names_my_manager(case)
    case["incidents"][-1]["note"] = "对方自称法务部经理，告诉同事我欠钱"


def _kind_unknown(case: dict[str, Any]) -> None:
    case["lender"] = {"app_name": "示例借"}


def _kind_unknown_written_in_chinese(case: dict[str, Any]) -> None:
    case["lender"] = {"app_name": "示例借", "kind": "不知道"}


def _kind_known(case: dict[str, Any]) -> None:
    case["lender"] = {"app_name": "示例借", "kind": "网络小贷"}


def _bank_of_unknown_kind(case: dict[str, Any]) -> None:
    case["lender"] = {"name": "示例银行股份有限公司"}


def _bank_of_bank_kind(case: dict[str, Any]) -> None:
    case["lender"] = {"name": "示例银行股份有限公司", "kind": "银行"}


def _platform_without_funder(case: dict[str, Any]) -> None:
    case["lender"] = {"app_name": "示例花", "kind": "助贷"}


def _platform_with_funder(case: dict[str, Any]) -> None:
    case["lender"] = {
        "app_name": "示例花",
        "kind": "助贷",
        "funding_institution": {"name": "示例消费金融有限公司", "kind": "消费金融"},
    }


def _same_phone_twice(case: dict[str, Any]) -> None:
    case["contacts"]["reached"].append({"id": "c2", "relation": "friend", "phone": "13800000002"})


def _different_phones(case: dict[str, Any]) -> None:
    case["contacts"]["reached"].append({"id": "c2", "relation": "friend", "phone": "13800000004"})


WARNING_CASES = [
    ("count_is_times", _count_as_people, "incidents[1].count", [_count_as_times, _twenty_colleagues_listed]),
    ("group_count_is_times", _group_count, "incidents[1].count", [_group_with_audience]),
    ("manager_as_colleague", _manager_as_colleague, "contacts.reached[1].relation", [_manager_as_employer]),
    ("manager_as_colleague", _note_names_my_manager, "incidents[1].target.relation", [_note_names_collectors_title]),
    ("lender_kind_unknown", _kind_unknown, "lender.kind", [_kind_known]),
    ("lender_kind_unknown", _kind_unknown_written_in_chinese, "lender.kind", [_kind_known]),
    ("kind_from_name", _bank_of_unknown_kind, "lender.kind", [_bank_of_bank_kind]),
    ("platform_without_funder", _platform_without_funder, "lender.kind", [_platform_with_funder]),
    ("same_phone_twice", _same_phone_twice, "contacts.reached[1].phone", [_different_phones]),
]


def _warnings_of(change: Callable[[dict[str, Any]], None]) -> list[tuple[str, str]]:
    data = copy.deepcopy(BASE)
    change(data)
    return [(warning.code, warning.path) for warning in case_warnings(parse_case(data))]


def test_the_base_case_has_no_warnings() -> None:
    assert case_warnings(parse_case(BASE)) == []


def test_every_warning_code_is_tested_and_has_messages() -> None:
    assert {code for code, *_ in WARNING_CASES} == set(WARNING_CODES)
    for code in WARNING_CODES:
        assert f"problem.{code}" in catalog("zh")
        assert f"problem.{code}" in catalog("en")


@pytest.mark.parametrize(
    ("code", "slip", "path", "fixes"), WARNING_CASES, ids=[f"{c[0]}-{c[1].__name__}" for c in WARNING_CASES]
)
def test_each_warning_fires_on_its_slip_and_not_on_the_correct_case(
    code: str, slip: Callable[[dict[str, Any]], None], path: str, fixes: list[Callable[[dict[str, Any]], None]]
) -> None:
    assert _warnings_of(slip) == [(code, path)]
    for fix in fixes:
        assert _warnings_of(fix) == [], fix.__name__


def test_count_warning_says_times_not_people_and_how_to_write_people() -> None:
    data = copy.deepcopy(BASE)
    _count_as_people(data)
    (warning,) = case_warnings(parse_case(data))
    assert warning.severity is Severity.WARNING
    zh, en = warning.message("zh"), warning.message("en")
    for part in ("count 是次数，不是人数", "contacts.reached", "audience_size: 20"):
        assert part in zh
    for part in ("not of people", "contacts.reached"):
        assert part in en


def test_lender_kind_warning_says_how_to_find_out() -> None:
    data = copy.deepcopy(BASE)
    _kind_unknown(data)
    (warning,) = case_warnings(parse_case(data))
    message = warning.message("zh")
    for part in ("借款合同", "征信报告", "关于我们"):
        assert part in message


def test_a_contact_reporters_own_calls_are_times() -> None:
    data = copy.deepcopy(BASE)
    data["reporter"].update(role="contact", relation_to_borrower="colleague")
    _count_as_people(data)
    assert case_warnings(parse_case(data)) == []


# --- the CLI ---

SLIP_CASE = """\
reporter:
  role: 借款人
  name: 测试人
  region: {province: 广东省}
lender:
  app_name: 示例借
incidents:
  - time: 2026-11-01 10:00
    medium: 电话
    target: {kind: 联系人, relation: 同事}
    count: 20
"""


def test_validate_shows_warnings_and_still_passes(runner: CliRunner, write: Callable[..., Path]) -> None:
    path = write("case.yaml", SLIP_CASE)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "：有效" in result.stdout
    assert "有 2 条提醒" in result.stderr
    assert f"{path}:5:1: lender.kind:" in result.stderr  # no kind written: the place of the lender section
    assert f"{path}:11:5: incidents[0].count: count 是次数，不是人数" in result.stderr


def test_validate_json_lists_warnings_with_their_severity(runner: CliRunner, write: Callable[..., Path]) -> None:
    path = write("case.yaml", SLIP_CASE)
    result = runner.invoke(cli, ["--lang", "en", "validate", "--json", str(path)])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["files"][0]["valid"] is True
    problems = report["files"][0]["problems"]
    assert [(p["code"], p["severity"], p["line"]) for p in problems] == [
        ("count_is_times", "warning", 11),
        ("lender_kind_unknown", "warning", 5),
    ]


def test_validate_strict_makes_warnings_errors(runner: CliRunner, write: Callable[..., Path]) -> None:
    path = write("case.yaml", SLIP_CASE)
    result = runner.invoke(cli, ["validate", "--strict", str(path)])
    assert result.exit_code == 2
    assert "发现 2 个问题" in result.stderr
    result = runner.invoke(cli, ["validate", "--strict", "--json", str(path)])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert {p["severity"] for p in report["files"][0]["problems"]} == {"error"}


def test_validate_strict_passes_a_case_without_slips(runner: CliRunner) -> None:
    examples = sorted(str(p) for p in (Path(__file__).parent.parent / "examples").glob("*.yaml"))
    result = runner.invoke(cli, ["validate", "--strict", *examples])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_evaluate_prints_warnings_on_stderr_and_keeps_json_clean(runner: CliRunner, write: Callable[..., Path]) -> None:
    path = write("case.yaml", SLIP_CASE)
    result = runner.invoke(cli, ["evaluate", "--json", str(path)])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    warning_lines = [line for line in result.stderr.splitlines() if line.startswith("! ")]
    assert len(warning_lines) == 2
    assert warning_lines[0].startswith(f"! {path}:11:5: incidents[0].count:")


# --- never a crash ---

FIELDS_FOR_ANY_TEXT = [*SLOTS.values(), *(loc for loc, _ in NAME_FIELDS if loc[0] not in ("borrower", "collectors"))]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loc=st.sampled_from(FIELDS_FOR_ANY_TEXT), text=st.text(max_size=30), as_list=st.booleans())
def test_any_text_anywhere_is_a_case_or_located_problems(loc: tuple[str | int, ...], text: str, as_list: bool) -> None:
    data = copy.deepcopy(BASE)
    if loc == ("lender", "funding_institution", "credit_code"):
        _funder(data)
    _put(data, loc, [text] if as_list else text)
    source = json.dumps(data, indent=1)  # ASCII: any string survives
    for problem in _problems(lambda: parse_case_text(source, fmt="json")):
        assert problem.line is not None, problem
        assert problem.message("zh")
        assert problem.message("en")
    try:
        yaml_text = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:  # text PyYAML cannot write
        return
    _problems(lambda: parse_case_text(yaml_text, fmt="yaml"))


def _problems(parse: Callable[[], Case]) -> list[Any]:
    """The problems ``parse`` reports (none when it returns a case); anything but ``CaseFileError`` fails the test."""
    try:
        parse()
    except CaseFileError as error:
        problems = list(error.problems)
    else:
        return []
    assert problems, "a CaseFileError always lists its problems"
    return problems


_FIELD_NAMES = sorted(
    {
        name
        for model in (Case, *(info.slot.model for info in _fields_of(Case).values() if info.slot.model))
        for name in _fields_of(model)
    }
)
_ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(_FIELD_NAMES) | st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(st.sampled_from(_FIELD_NAMES), _ANY_JSON, max_size=6))
def test_normalising_any_data_never_raises(data: dict[str, Any]) -> None:
    normalise_case_data(data)
    _problems(lambda: parse_case(data))


def test_fields_of_every_model_are_read_without_error() -> None:
    """Normalising walks the case model; a field type it cannot classify must not break loading."""
    assert _fields_of(Case)["incidents"].slot.kind == "list"
    assert _fields_of(Case)["lender"].slot.kind == "model"
