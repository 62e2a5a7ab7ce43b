"""Province-level divisions of mainland China, for the reporter's region.

Which 地方金融管理局, 网信 office, police station and court is competent depends on the province, so the
province is a closed list (normalised to its full official name) rather than free text. Hong Kong, Macao and
Taiwan are refused with a reason: their law and channels differ and jubao's rules do not cover them.
"""

from __future__ import annotations

MAINLAND_PROVINCES: tuple[str, ...] = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省",
    "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省",
    "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
)  # fmt: skip

OUTSIDE_SCOPE: tuple[str, ...] = ("香港", "澳门", "台湾")

_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


_BY_SHORT_NAME = {_short(full): full for full in MAINLAND_PROVINCES}


class RegionError(ValueError):
    """Raised with a short English reason when a province name is not usable."""


def normalise_province(raw: str) -> str:
    """Map ``广东`` / ``广东省`` / `` 广东省 `` to ``广东省``; raise ``RegionError`` otherwise."""
    text = raw.strip()
    short = _short(text)
    if short in _BY_SHORT_NAME:
        return _BY_SHORT_NAME[short]
    if short in OUTSIDE_SCOPE:
        raise RegionError("outside mainland China")
    raise RegionError("unknown province")


PROVINCE_IDS: dict[str, str] = {
    "北京市": "beijing", "天津市": "tianjin", "河北省": "hebei", "山西省": "shanxi", "内蒙古自治区": "inner_mongolia",
    "辽宁省": "liaoning", "吉林省": "jilin", "黑龙江省": "heilongjiang", "上海市": "shanghai", "江苏省": "jiangsu",
    "浙江省": "zhejiang", "安徽省": "anhui", "福建省": "fujian", "江西省": "jiangxi", "山东省": "shandong",
    "河南省": "henan", "湖北省": "hubei", "湖南省": "hunan", "广东省": "guangdong", "广西壮族自治区": "guangxi",
    "海南省": "hainan", "重庆市": "chongqing", "四川省": "sichuan", "贵州省": "guizhou", "云南省": "yunnan",
    "西藏自治区": "tibet", "陕西省": "shaanxi", "甘肃省": "gansu", "青海省": "qinghai", "宁夏回族自治区": "ningxia",
    "新疆维吾尔自治区": "xinjiang",
}  # fmt: skip
"""Stable ASCII ids of the provinces, for rules (a provincial hotline plugin routes on ``reporter_province``)."""
