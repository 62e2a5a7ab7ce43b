"""Case data for the bounded, typed input tests (tests/test_bounded_input.py, tests/test_input_*.py): a case with
every text field filled, and the paths of those fields."""

from __future__ import annotations

import copy
import typing
from typing import Any

from pydantic import BaseModel, StringConstraints

from jubao.case import Case

RICH: dict[str, Any] = {
    "title": "夜间电话催收",
    "reporter": {
        "role": "contact",
        "name": "黄丽",
        "phone": "138 0000 0701",
        "region": {"province": "湖北省", "city": "武汉市", "district": "洪山区"},
        "address": "武汉市洪山区示例路 1 号",
        "relation_to_borrower": "friend",
    },
    "borrower": {"name": "张三", "phone": "139 0000 0702"},
    "lender": {
        "name": "示例资产管理有限公司",
        "app_name": "示例分期",
        "kind": "debt_buyer",
        "licence": {"licence_type": "网络小额贷款", "number": "示例〔2020〕1号", "issuer": "广东省地方金融管理局"},
        "contract_number": "HT-0001",
        "funding_institution": {"name": "示例银行股份有限公司", "kind": "bank"},
        "original_creditor": {"name": "示例网络小额贷款有限公司", "kind": "online_microloan"},
        "address": "深圳市南山区示例大厦",
    },
    "debt": {"principal": 2000, "overdue_days": 5, "term_days": 7},
    "collectors": [
        {"agency_name": "示例催收公司", "acting_for": "示例分期", "phones": ["170 0000 0702"], "accounts": ["wx_demo"]}
    ],
    "incidents": [
        {
            "time": "2026-11-15 22:45",
            "medium": "wechat",
            "from_account": "wx_demo",
            "target": {"kind": "contact", "contact": "c1"},
            "evidence": ["E1"],
            "note": "“今晚不还款，明天上报征信。”",
        }
    ],
    "contacts": {"reached": [{"id": "c1", "relation": "friend", "name": "李四", "phone": "139 0000 0703"}]},
    "evidence": [
        {
            "id": "E1",
            "kind": "chat_screenshot",
            "description": "微信聊天截图",
            "path": "evidence/e1.png",
            "proves": "催收方联系了借款人的朋友",
            "source": "本人手机",
        }
    ],
    "prior_complaints": [
        {"channel": "lender_complaint", "filed_on": "2026-11-16", "reference_number": "GD-1", "reply_summary": "已受理"}
    ],
    "carrier_complaints": [
        {
            "carrier": "china_mobile",
            "filed_on": "2026-11-16",
            "about_numbers": ["170 0000 0702"],
            "reference_number": "YD-1",
            "reply_summary": "已处理",
        }
    ],
}


def rich() -> dict[str, Any]:
    """A fresh copy of ``RICH`` (a valid case; every text field filled)."""
    return copy.deepcopy(RICH)


def put(data: dict[str, Any], loc: tuple[str | int, ...], value: Any) -> None:
    node: Any = data
    for part in loc[:-1]:
        node = node[part]
    node[loc[-1]] = value


def _is_text(annotation: Any, metadata: list[Any]) -> bool:
    """Whether a field holds free text (``ShortText`` or ``LongText``: a length limit of 200 or 5,000)."""
    found = list(metadata)
    pending = [annotation]
    while pending:
        current = pending.pop()
        if typing.get_origin(current) is typing.Annotated:
            found += typing.get_args(current)[1:]
        pending += [arg for arg in typing.get_args(current) if arg is not Ellipsis]
    return any(isinstance(item, StringConstraints) and item.max_length in (200, 5000) for item in found)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    pending = [annotation]
    while pending:
        current = pending.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            return current
        pending += list(typing.get_args(current))
    return None


def text_paths(model: type[BaseModel] = Case, data: Any = None, loc: tuple[str | int, ...] = ()) -> list[Any]:
    """The path of every text field filled in ``data`` (``RICH`` by default), e.g. ``("incidents", 0, "note")``."""
    data = RICH if data is None else data
    paths: list[tuple[str | int, ...]] = []
    for key, value in data.items():
        info = model.model_fields[key]
        here = (*loc, key)
        if _is_text(info.annotation, info.metadata):
            paths += [(*here, 0)] if isinstance(value, list) else [here]
            continue
        inner = _model_of(info.annotation)
        if inner is None:
            continue
        if isinstance(value, list):
            paths += text_paths(inner, value[0], (*here, 0))
        elif isinstance(value, dict):
            paths += text_paths(inner, value, here)
    return paths
