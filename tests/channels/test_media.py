"""media: the anonymised public complaint for 黑猫投诉 and similar platforms, through the plugin entry points."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from jubao import Document, load_case
from jubao.case import Case
from jubao.engine import Engine
from jubao.plugins import PluginSet
from tests.channels.common import TODAY, example
from tests.conftest import example_cases

CHANNEL = "media"

REPORTER = {"name": "欧阳秘密", "phone": "139 0000 0999", "id_number": "11010519491231002X",
            "address": "秘密省秘密市幸福路 88 号 3 单元"}  # fmt: skip
CONTACT_NAMES = ["司马联系甲", "诸葛联系乙", "上官联系丙"]
CONTACT_PHONES = ["139 0000 0999", "139 0000 0999", "139 0000 0999"]
BORROWER_NAME = "皇甫借款"
NOTE = "备注里的秘密原话"
EVIDENCE = "证据说明里的秘密文字"


def with_secrets(case: Case) -> Case:
    """The case with every private item filled in: names, numbers, ID, address, notes, evidence descriptions."""
    data = case.model_dump()
    data["reporter"].update({k: v for k, v in REPORTER.items() if k != "name"}, name=REPORTER["name"])
    if data["reporter"]["role"] == "contact":
        data["borrower"] = {"name": BORROWER_NAME, "phone": "133 0000 9999"}
    for index, contact in enumerate(data["contacts"]["reached"]):
        contact["name"] = CONTACT_NAMES[index % 3]
        contact["phone"] = CONTACT_PHONES[index % 3]
    for incident in data["incidents"]:
        incident["note"] = f"{NOTE}：{CONTACT_NAMES[0]} {CONTACT_PHONES[0]}"
    for item in data["evidence"]:
        item["description"] = f"{EVIDENCE}（{CONTACT_NAMES[1]}）"
    return Case.model_validate(data)


def written(plugins: PluginSet, document: Document) -> dict[str, str]:
    """The document as each registered format writes it, reduced to comparable text."""
    out = {}
    for format_id, fmt in plugins.formats.items():
        if not fmt.can_write(document):
            continue
        data = fmt.write(document)
        if format_id == "docx":
            with zipfile.ZipFile(BytesIO(data)) as archive:
                xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
            out[format_id] = re.sub(r"<[^>]+>", "", xml)
        else:
            out[format_id] = data.decode("utf-8")
    return out


def squeezed(text: str) -> str:
    """Without spaces, hyphens and +86, so that 139 8765 4321 / 139-8765-4321 / +8613987654321 all match."""
    return re.sub(r"[\s\-‐－]", "", text).replace("+86", "")


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: Path(p).name)
def test_post_never_contains_private_data_in_any_format(plugins: PluginSet, draft: Any, path: Path) -> None:
    case = with_secrets(load_case(path))
    numbers = {n for c in case.collectors for n in c.phones} | {i.from_number for i in case.incidents if i.from_number}
    accounts = {a for c in case.collectors for a in c.accounts} | {
        i.from_account for i in case.incidents if i.from_account
    }
    docs = draft(case)
    assert list(docs) == ["public_post", "guide"]
    outputs = written(plugins, docs["public_post"])
    assert {"md", "txt", "docx"} <= set(outputs)
    outputs |= {f"guide.{k}": v for k, v in written(plugins, docs["guide"]).items()}  # the checklist went there
    words = [
        *CONTACT_NAMES,
        REPORTER["name"],
        REPORTER["id_number"],
        "幸福路",
        BORROWER_NAME,
        NOTE,
        EVIDENCE,
        *accounts,
    ]
    digits = [squeezed(p) for p in [*CONTACT_PHONES, REPORTER["phone"], "133 0000 9999"]]
    digits += [squeezed(n)[-11:] for n in numbers]
    for format_id, text in outputs.items():
        flat = squeezed(text)
        for word in words:
            assert word not in text, f"{format_id}: {word}"
        for number in digits:
            assert number not in flat, f"{format_id}: {number}"


def test_credit_card_case_is_routed_and_gets_the_post(engine: Engine, draft: Any, plugins: PluginSet) -> None:
    case = example("credit-card-employer.yaml")
    assert "media" in [route.channel for route in engine.evaluate(case, today=TODAY).routes]
    post = draft(case)["public_post"]
    assert plugins.channels[CHANNEL].formats == ["md", "txt"]
    text = post.text()
    assert "示例银行股份有限公司信用卡中心" in text  # the complaint's target is named
    assert "本人的单位/雇主" in text
    assert "本人的同事" in text
    assert "反映：" in text
    assert "据本人经历" in text
    assert "2026年11月20日" in text
    assert "TS20261120-0001" not in text
    assert "48,000" not in text
    assert "CC-2024-000123" not in text
    assert "深圳市示例商务咨询有限公司" not in text  # the agency is not named publicly
    assert post.blanks() == []


def test_post_says_what_the_platform_is_and_warns_about_defamation(draft: Any) -> None:
    docs = draft(example("online-microloan-doctored-images.yaml"))
    checklist = " ".join(n.text for n in docs["public_post"].guidance)  # the pre-publication checklist
    assert "不是政府部门" in checklist
    assert "没有法定的处理期限" in checklist
    assert "不收取任何费用" in checklist
    assert "名誉权" in checklist
    assert "第一千零二十四条" in checklist
    assert "联系人的姓名和电话" in checklist
    assert "《公开投诉稿》开头部分：平台性质：" in docs["guide"].text()


def test_the_post_is_only_what_is_published(draft: Any) -> None:
    """Issue 11 item 1: the checklist, the instructions and the citations list are not part of the post."""
    post = draft(example("online-microloan-doctored-images.yaml"))["public_post"]
    assert [s.heading for s in post.sections if s.heading] == ["投诉对象", "投诉标题", "投诉要求", "投诉内容"]
    text = post.text()
    for advice in ("不要发布", "使用说明", "核对", "jubao", "第一千零二十四条"):
        assert advice not in text


def test_a_guarantor_or_debt_buyer_is_not_called_the_lender(draft: Any) -> None:
    """Issue 11 item 3 for the post: a guarantor collecting by recourse never lent the money."""
    guarantor = draft(example("guarantor-recourse.yaml"))["public_post"].text()
    assert (
        "本人曾向示例银行股份有限公司南京分行借款；江苏示例融资担保有限公司称已代本人向出借人偿还并向本人追偿"
        in guarantor
    )
    assert "江苏示例融资担保有限公司的借款人" not in guarantor
    buyer = draft(example("debt-buyer-assigned.yaml"))["public_post"].text()
    assert "本人曾向示例消费金融有限公司借款；浙江示例资产管理有限公司称该笔债权已转让给它" in buyer


def test_channel_declares_no_deadline_and_needs_the_company_name(plugins: PluginSet, engine: Engine) -> None:
    channel = plugins.channels[CHANNEL]
    assert channel.deadlines == []
    assert any(f.address == "https://tousu.sina.com.cn" for f in channel.filing)
    case = example("contact-harassed.yaml")  # only the App name is known
    assert [m.path for m in channel.missing(case, engine.evaluate(case, today=TODAY))] == ["lender.name"]


def test_missing_company_is_a_blank_and_a_contact_reporter_stays_anonymous(draft: Any) -> None:
    post = draft(with_secrets(example("contact-harassed.yaml")))["public_post"]
    assert "被投诉企业名称（放贷机构或 App 运营者）" in post.blanks()
    assert "与借款无关" in post.text()
    assert "借款人的同事" in post.text()


def test_private_individual_lender_is_not_named(draft: Any) -> None:
    data = example("night-calls-borrower-only.yaml").model_dump()
    data["lender"] = {"name": "令狐放贷", "kind": "private_individual"}
    post = draft(Case.model_validate(data))["public_post"]
    assert "令狐放贷" not in post.text()
    assert "被投诉企业名称（个人出借人的姓名不宜公开）" in post.blanks()
