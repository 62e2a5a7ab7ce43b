"""jubao plugin: Guangdong's 12345 government service hotline (an example third-party plugin)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from string import Template
from typing import Any

from jubao import Channel, Citation, Document, FilingMethod, Provenance, RequiredField, Scope, Section, Text, hookimpl

CHANNEL = Channel(
    id="gd_12345",
    name=Text(zh="广东省 12345 政务服务便民热线", en="Guangdong 12345 government service hotline"),
    authority=Text(zh="广东省各地市政务服务便民热线（12345）", en="Guangdong's city 12345 hotlines"),
    scope=Scope(
        accepts=[
            Text(
                zh="对地方金融组织（小额贷款公司、融资担保公司等）的投诉，转交地方金融管理局办理",
                en="complaints about local financial organisations, passed to the local financial bureau",
            ),
        ],
        refuses=[
            Text(
                zh="紧急情况（请拨打 110）；已进入诉讼、仲裁、行政复议或信访程序的事项",
                en="emergencies (call 110); matters already in litigation, arbitration, review or petition",
            ),
        ],
    ),
    filing=[
        FilingMethod(kind="phone", address="12345", hours=Text(zh="7×24 小时人工服务", en="24/7 staffed"), status="V"),
    ],
    required_fields=[
        RequiredField(path="case.reporter.phone", label=Text(zh="本人联系电话", en="your phone number")),
        RequiredField(path="case.lender.name", label=Text(zh="放贷机构全称", en="the lender's full name")),
    ],
    formats=["md"],
    provenance=Provenance(
        sources=["jubao reference §1.11 (国办发〔2020〕53号)", "jubao reference §1.4 (increasingly through 12345)"],
        last_verified=date(2026, 11, 23),
        status="S",
    ),
)

CITATIONS = [
    Citation(instrument="国务院办公厅关于进一步优化地方政务服务便民热线的指导意见（国办发〔2020〕53号）", status="V"),
]


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def rule_sources() -> list[Traversable]:
    return [files(__name__) / "rules"]


@hookimpl
def build_documents(channel: Channel, case: Any, evaluation: Any) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    template = Template(files(__name__).joinpath("templates", "call_notes.md.tmpl").read_text(encoding="utf-8"))
    lender = case.lender.name or case.lender.app_name or "【待补充：放贷机构名称】"
    text = template.substitute(
        lender=lender,
        regulator="地方金融管理局",
        contacts=str(evaluation.classification.contacts_reached),
        severity=f"S{evaluation.severity.level}",
        first=min(i.time for i in case.incidents).strftime("%Y年%m月%d日"),
    )
    paragraphs = [block.strip() for block in text.split("\n\n") if block.strip()]
    return [
        Document(
            channel=CHANNEL.id,
            title="12345 热线通话要点",
            sections=[Section(heading="通话要点", paragraphs=paragraphs)],
        )
    ]
