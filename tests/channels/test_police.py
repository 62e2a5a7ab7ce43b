"""The police channel (110 / 派出所): the 控告书 and the 办事须知, through the plugin entry points."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from jubao import load_case
from jubao.case import Case
from jubao.documents_api import Document, write_markdown, write_text
from jubao.engine import Engine
from jubao.evaluation import Evaluation
from jubao.loading import parse_case_text
from jubao.plugins import PluginSet, build_documents
from tests.channels.common import TODAY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

PENALTY_REQUEST = re.compile(r"(给予|请求|依法)[^。；\n]{0,6}治安管理处罚(?!法)")
"""Asking for a 治安 penalty (not merely naming the 治安管理处罚法)."""
NEW_LAW = ("治安管理处罚法》第五十条", "治安管理处罚法》（2025 年修订）", "禁止接触", "新法", "滋扰、纠缠")
"""What only the 2025 revision of the 治安管理处罚法 says: never for conduct all before 2026."""


def documents(plugins: PluginSet, engine: Engine, case, today: date = TODAY) -> dict[str, Document]:  # type: ignore[no-untyped-def]
    evaluation = engine.evaluate(case, today=today)
    return {doc.id: doc for doc in build_documents(plugins, "police", case, evaluation)}


def case_from(text: str) -> Case:
    return parse_case_text(text, fmt="yaml")


def police_reasons(evaluation: Evaluation) -> str:
    route = next(route for route in evaluation.routes if route.channel == "police")
    return "\n".join(reason.text.zh for reason in route.reasons) + "\n".join(
        f"{c.instrument}{c.article or ''}" for reason in route.reasons for c in reason.citations
    )


def markdown(doc: Document) -> str:
    return write_markdown(doc).decode("utf-8")


def example(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


def test_every_example_gets_a_complaint_and_notes(plugins: PluginSet, engine: Engine) -> None:
    for path in sorted(EXAMPLES.glob("*.y*ml")) + sorted(EXAMPLES.glob("*.json")):
        docs = documents(plugins, engine, load_case(path))
        assert set(docs) == {"complaint", "procedure_notes", "guide"}, path
        assert docs["complaint"].purpose == "filing"
        assert docs["procedure_notes"].purpose == "aid"
        assert docs["complaint"].formats == ["docx", "md"]
        assert docs["procedure_notes"].formats == ["txt", "md"]
        assert write_text(docs["procedure_notes"]).strip()


def test_credit_card_complaint_parties_claims_and_2026_law(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(documents(plugins, engine, load_case(EXAMPLES / "credit-card-employer.yaml"))["complaint"])
    assert text.startswith("# 控告书")
    # parties: the bank, the named agency, and the unidentified people behind the numbers
    assert "被控告人一：示例银行股份有限公司信用卡中心" in text
    assert "被控告人二：深圳市示例商务咨询有限公司（催收机构，受示例银行信用卡中心委托）" in text
    assert "使用电话号码170 0000 0201、170 0000 0202实施催收的人员（真实姓名和身份不明" in text
    # claims: receipt, 治安 penalty under the 2025 revision (conduct in October 2026), no-contact order (nine
    # calls in a day are 纠缠)
    assert "出具受案回执" in text
    assert "《中华人民共和国治安管理处罚法》第五十条第一款第（五）项" in text
    assert "《中华人民共和国治安管理处罚法》第五十条第二款的规定，责令被控告人及其催收人员在一定期限内禁止接触" in text
    # the debt is a credit card's: a 持卡人, no loan; the one abusive call is not "多次发送…信息"
    assert "控告人是示例银行股份有限公司信用卡中心发行的信用卡的持卡人（信用卡领用合约编号：CC-2024-000123）" in text
    assert "借款本金" not in text
    assert "打电话侮辱、恐吓，并以电话方式共催收14次，干扰他人正常生活" in text
    assert "第四十二条" not in text
    assert "立案侦查" not in text  # no criminal characterisation for this case
    # the contacts list is for the police: names and numbers appear
    assert "| 1 | 单位/雇主 | 赵人事 | 010 5555 0110 | 3 | 2026年10月14日 |" in text
    # evidence numbering matches the case order and the timeline
    assert "| 证据1 | 中国移动营业厅打印的" in text
    assert "| 证据3 | 单位人事部赵人事的书面说明" in text
    assert "| 2 | 2026年10月14日 15:20 | 电话 | 170 0000 0202 | 借款人的单位/雇主（赵人事） | 3 |" in text
    assert "证据1、证据3" in text
    assert "2026年11月23日</p>" in text
    # the reporter's notes are quoted as the reporter's account, not pasted as the complaint's own words
    assert "控告人陈述：“自称‘银行法务部’" in text


def test_2025_conduct_cites_old_article_42_and_no_no_contact_order(plugins: PluginSet, engine: Engine) -> None:
    text = example("credit-card-employer.yaml").replace("2026-10-1", "2025-10-1")
    # evaluated within six months of the conduct: still a 治安 matter, under the 2012 text
    doc = documents(plugins, engine, parse_case_text(text, fmt="yaml"), today=date(2026, 1, 20))["complaint"]
    body = markdown(doc)
    assert "《中华人民共和国治安管理处罚法》第四十二条第（五）项" in body
    assert "第五十条" not in body
    assert "禁止接触" not in body


def test_criminal_report_names_offences_with_articles(plugins: PluginSet, engine: Engine) -> None:
    docs = documents(plugins, engine, load_case(EXAMPLES / "unlicensed-714-threats.yaml"))
    text = markdown(docs["complaint"])
    claim = next(line for line in text.splitlines() if "请依法立案侦查，追究刑事责任" in line)
    assert "催收非法债务罪（《中华人民共和国刑法》第二百九十三条之一）" in claim
    assert "非法经营罪（《中华人民共和国刑法》第二百二十五条第（四）项）" in claim
    # not yet in the statute library: plain text, flagged in the guide (a filing carries no 〔待核实〕 tag)
    assert "《中华人民共和国刑法》第二百八十条第一款" in claim
    assert "第二百八十条第一款" in markdown(docs["guide"])
    assert "《公安机关办理刑事案件程序规定》第一百七十一条" in text  # criminal receipt
    assert "不予立案通知书" in text
    # unknown operator of the App: a visible blank, never a guess
    assert "【待补充：运营公司全称" in text
    notes = markdown(docs["procedure_notes"])
    assert "申请复议" in notes
    assert "《中华人民共和国刑事诉讼法》第一百一十三条〔待核实〕" in notes


def test_conduct_spanning_2026_within_the_limitation_cites_the_transition_and_asks_for_no_contact(
    plugins: PluginSet, engine: Engine
) -> None:
    docs = documents(plugins, engine, load_case(EXAMPLES / "unlicensed-714-threats.yaml"), today=date(2026, 2, 1))
    text = markdown(docs["complaint"])
    # conduct runs across 2026-01-01: the transitional rule is cited, the no-contact order requested (12 calls in
    # one night are 纠缠)
    assert PENALTY_REQUEST.search(text)
    assert "《中华人民共和国行政处罚法》第三十七条" in text
    assert "第五十条第二款" in text
    assert "请依法立案侦查，追究刑事责任" in text


def test_insult_in_group_chat_is_private_prosecution_not_a_filing_request(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(
        documents(plugins, engine, load_case(EXAMPLES / "online-microloan-doctored-images.yaml"))["complaint"]
    )
    assert "《中华人民共和国刑法》第二百四十六条" in text
    assert "告诉的才处理" in text
    assert "自诉" in text
    assert "请依法立案侦查，追究刑事责任" not in text


def test_procedure_notes_take_every_number_from_channel_data(plugins: PluginSet, engine: Engine) -> None:
    channel = plugins.channels["police"]
    deadlines = {d.id: d for d in channel.deadlines}
    notes = markdown(documents(plugins, engine, load_case(EXAMPLES / "credit-card-employer.yaml"))["procedure_notes"])
    assert f"| 治安案件受案审查 | {deadlines['admin_acceptance_review'].length}小时" in notes
    assert f"| 对不予立案申请复议 | {deadlines['criminal_reconsideration_request'].length}日 |" in notes
    assert f"| 对公安机关不作为申请行政复议 | {deadlines['admin_review_application'].length}日 |" in notes
    assert f"{deadlines['admin_suit_inaction'].length}个月" in notes
    assert f"| 治安违法追究时效 | {deadlines['public_order_limitation'].length}个月 |" in notes
    # the 2025 law's article for the limitation is unverified: flagged
    assert "| 《中华人民共和国治安管理处罚法》〔待核实〕 |" in notes
    assert "本案目前记录的最后一次行为发生在2026年10月16日" in notes
    # what to bring, including the evidence by number
    assert "证据2：2026-10-15 22:40 通话录音" in notes


def test_deadlines_declare_basis_and_status(plugins: PluginSet) -> None:
    channel = plugins.channels["police"]
    ids = {d.id for d in channel.deadlines}
    assert {
        "admin_acceptance_review", "criminal_filing_review", "criminal_reconsideration_request",
        "public_order_case_handling", "public_order_limitation", "admin_review_application", "admin_suit_inaction",
    } <= ids  # fmt: skip
    limitation = next(d for d in channel.deadlines if d.id == "public_order_limitation")
    assert {b.status.value for b in limitation.basis} == {"V", "U"}  # old law verified, new number not
    web = next(f for f in channel.filing if f.kind.value == "web")
    assert web.status.value == "U"


def test_missing_fields_are_listed_with_case_paths(plugins: PluginSet, engine: Engine) -> None:
    channel = plugins.channels["police"]
    case = load_case(EXAMPLES / "unlicensed-714-threats.yaml")
    assert [m.path for m in channel.missing(case)] == ["reporter.id_number", "reporter.address"]
    complaint = documents(plugins, engine, case)["complaint"]
    assert "身份证号码" in complaint.blanks()
    assert "住址" in complaint.blanks()


# --- issue 11 items 6 and 7: the 治安 limitation, the law in force, the police threshold ---------------------------

ALL_2025_UNLICENSED = """
title: 2025 年的“714”借款催收，2026 年 11 月才报案
reporter:
  role: borrower
  name: 测试甲
  phone: 138 0000 0601
  region: {province: 四川省, city: 成都市, district: 武侯区}
lender:
  app_name: 示例快借
  kind: unlicensed
  annual_rate_percent: 900
debt: {principal: 2000, upfront_deduction: 600, term_days: 7, overdue_days: 5}
contacts:
  reached:
    - {id: mum, relation: family, name: 测试乙, phone: 138 0000 0602}
incidents:
  - time: 2025-03-03 10:00
    until: 2025-03-03 18:00
    medium: call
    from_number: 170 0000 0603
    target: {kind: borrower}
    count: 15
    behaviours: [excessive_frequency, insult, threat_violence]
  - time: 2025-04-20 09:00
    medium: sms
    from_number: 170 0000 0603
    target: {kind: contact, contact: mum}
    count: 2
    behaviours: [debt_disclosure, threat_exposure]
    note: 短信说“再不还钱就到你家去”。
"""


def test_all_2025_conduct_in_november_2026_is_past_the_limitation_and_cites_only_the_old_law(
    plugins: PluginSet, engine: Engine
) -> None:
    case = case_from(ALL_2025_UNLICENSED)
    evaluation = engine.evaluate(case, today=TODAY)
    assert evaluation.as_of == date(2025, 4, 20)
    complaint = markdown(documents(plugins, engine, case)["complaint"])
    assert not PENALTY_REQUEST.search(complaint), "a 治安 penalty is asked for after the limitation"
    assert "禁止接触" not in complaint
    assert "催收非法债务罪（《中华人民共和国刑法》第二百九十三条之一）" in complaint
    assert "请依法立案侦查，追究刑事责任" in complaint
    # the police route stays for the criminal heads only, and its reason says why
    reasons = police_reasons(evaluation)
    assert "第五十条" not in reasons
    assert "禁止接触" not in reasons
    assert "追究时效" in reasons
    assert "涉嫌犯罪" in reasons
    assert "涉嫌催收非法债务罪（《中华人民共和国刑法》第二百九十三条之一）" in reasons  # each head by name
    assert evaluation.facts.get("public_order_time_barred") is True
    # no channel's documents (filings, aids, guides) carry the 2025 revision for this all-2025 conduct
    for route in evaluation.routes:
        for document in build_documents(plugins, route.channel, case, evaluation):
            text = document.text()
            for phrase in NEW_LAW:
                assert phrase not in text, f"{route.channel}/{document.id}: {phrase}"
        for reason in route.reasons:
            assert "第五十条" not in reason.text.zh, route.channel
            assert "禁止接触" not in reason.text.zh, route.channel
            assert all(c.version != date(2025, 6, 27) for c in reason.citations), (route.channel, reason.rule)


def test_the_all_2025_example_is_no_police_matter_and_no_document_cites_the_2025_revision(
    plugins: PluginSet, engine: Engine
) -> None:
    case = load_case(EXAMPLES / "all-2025-microloan.yaml")
    evaluation = engine.evaluate(case, today=TODAY)
    assert "police" not in evaluation.route_ids()  # no criminal head survives the 治安 limitation
    for route in evaluation.routes:
        for reason in route.reasons:
            assert all(c.version != date(2025, 6, 27) for c in reason.citations), (route.channel, reason.rule)
            assert all(c.version != date(2026, 1, 30) for c in reason.citations), (route.channel, reason.rule)
        for document in build_documents(plugins, route.channel, case, evaluation):
            for phrase in NEW_LAW:
                assert phrase not in document.text(), f"{route.channel}/{document.id}: {phrase}"
    # drafted for the police anyway, the complaint asks for nothing the limitation has closed
    docs = documents(plugins, engine, case)
    assert not PENALTY_REQUEST.search(markdown(docs["complaint"]))
    for document in docs.values():
        for phrase in NEW_LAW:
            assert phrase not in document.text(), f"police/{document.id}: {phrase}"
    assert "追究时效已过" in markdown(docs["guide"])


def test_a_police_report_made_within_the_limitation_keeps_the_public_order_request(
    plugins: PluginSet, engine: Engine
) -> None:
    text = ALL_2025_UNLICENSED + "prior_complaints:\n  - {channel: police, filed_on: 2025-06-01}\n"
    case = case_from(text)
    evaluation = engine.evaluate(case, today=TODAY)
    assert evaluation.facts["public_order_time_barred"] is False
    complaint = markdown(documents(plugins, engine, case)["complaint"])
    assert PENALTY_REQUEST.search(complaint)
    assert "《中华人民共和国治安管理处罚法》第四十二条第（五）项" in complaint
    assert "禁止接触" not in complaint  # the 2012 law has no such order


MASS_MESSAGES = """
title: 群发 30 名联系人
reporter:
  role: borrower
  name: 测试丙
  phone: 138 0000 0611
  region: {province: 浙江省, city: 杭州市}
lender: {name: 示例消费金融有限公司, kind: consumer_finance}
incidents:
  - time: 2026-11-03 09:12
    medium: sms
    from_number: "1069 0000 0612"
    target: {kind: group, audience_size: 30}
    count: 30
    behaviours: [debt_disclosure, group_blast, demand_payment_from_third_party]
    note: 30 名联系人收到同样短信：“您的亲友测试丙逾期未还，请转告其尽快还款，否则后果自负。”
"""


def test_mass_messages_to_many_contacts_go_to_the_police_even_below_s3(plugins: PluginSet, engine: Engine) -> None:
    case = case_from(MASS_MESSAGES)
    evaluation = engine.evaluate(case, today=TODAY)
    assert evaluation.severity.level == 2
    assert "police" in evaluation.route_ids()
    reasons = police_reasons(evaluation)
    assert "群发" in reasons
    assert "多次" not in reasons
    assert "禁止接触" not in reasons
    complaint = markdown(documents(plugins, engine, case)["complaint"])
    assert "散布他人隐私（《中华人民共和国治安管理处罚法》第五十条第一款第（六）项）" in complaint
    assert "控告人陈述：“30 名联系人收到同样短信" in complaint
    assert "禁止接触" not in complaint  # messages alone are not 滋扰、纠缠、跟踪


SINGLE_VISIT = """
title: 一次上门
reporter:
  role: borrower
  name: 测试丁
  phone: 138 0000 0621
  region: {province: 山东省, city: 济南市}
lender: {name: 示例小额贷款有限公司, kind: microloan}
contacts:
  reached:
    - {id: boss, relation: employer}
incidents:
  - time: 2026-11-18 10:30
    medium: in_person
    target: {kind: contact, contact: boss}
    behaviours: [home_or_work_visit, debt_disclosure]
    note: 两人到单位前台，当众说本人欠钱不还。
"""


def test_a_single_visit_is_not_repeated_harassment_and_gets_no_no_contact_order(
    plugins: PluginSet, engine: Engine
) -> None:
    case = case_from(SINGLE_VISIT)
    evaluation = engine.evaluate(case, today=TODAY)
    assert "police" in evaluation.route_ids()  # a visit to the workplace is S3
    assert "public_order.harassment" not in {c.id for c in evaluation.characterisations}
    reasons = police_reasons(evaluation)
    assert "多次" not in reasons
    assert "禁止接触" not in reasons
    for document in documents(plugins, engine, case).values():
        text = document.text()
        for phrase in ("多次", "反复", "禁止接触", "滋扰、纠缠"):
            assert phrase not in text, f"{document.id}: {phrase}"


def test_repeated_visits_in_2026_ask_for_the_no_contact_order(plugins: PluginSet, engine: Engine) -> None:
    text = SINGLE_VISIT.replace(
        "    note: 两人到单位前台，当众说本人欠钱不还。\n", "    count: 2\n    until: 2026-11-20 10:30\n"
    )
    case = case_from(text)
    evaluation = engine.evaluate(case, today=TODAY)
    assert evaluation.facts["no_contact_order_available"] is True
    complaint = markdown(documents(plugins, engine, case)["complaint"])
    assert "多次上门滋扰，干扰他人正常生活（《中华人民共和国治安管理处罚法》第五十条第一款第（五）项）" in complaint
    assert "责令被控告人及其催收人员在一定期限内禁止接触控告人及其被骚扰的单位/雇主" in complaint


def test_an_earlier_episode_past_its_limitation_is_left_out_of_the_public_order_request(
    plugins: PluginSet, engine: Engine
) -> None:
    text = ALL_2025_UNLICENSED.replace("  - time: 2025-04-20 09:00", "  - time: 2026-10-20 09:00")
    case = case_from(text)
    evaluation = engine.evaluate(case, today=TODAY)
    assert evaluation.features["episodes"] == 2
    assert evaluation.facts["public_order_time_barred"] is False
    docs = documents(plugins, engine, case)
    complaint = markdown(docs["complaint"])
    assert "依法调查处理，对被控告人自2026年10月20日以来" in complaint
    # the 2025 episode is not punishable any more: no transition paragraph (从旧兼从轻) for it
    assert "《中华人民共和国行政处罚法》第三十七条" not in complaint
    assert "2026年10月20日以前的行为已超过治安管理处罚的追究时效" in markdown(docs["guide"])


def test_the_limitation_in_the_rules_and_in_the_channel_data_agree(plugins: PluginSet, engine: Engine) -> None:
    """The 治安 limitation is a rules parameter (what the time-bar rule compares with) and a channel deadline (what
    the plan dates): one number, cited both times to the 2012 text and flagged for the 2025 revision."""
    parameter = engine.ruleset.parameters["public_order.limitation_months"]
    deadline = next(d for d in plugins.channels["police"].deadlines if d.id == "public_order_limitation")
    assert (deadline.length, deadline.unit) == (parameter.value_on(TODAY), "months")
    assert parameter.value_on(date(2025, 6, 1)) == deadline.length
    assert {c.status.value for c in parameter.citations} == {"V", "U"}
    assert any(c.article == "第二十二条" and c.version == date(2012, 10, 26) for c in parameter.citations)
