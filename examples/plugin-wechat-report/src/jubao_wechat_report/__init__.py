"""jubao plugin: report a debt collector's WeChat account inside WeChat (an example third-party plugin).

When collectors harass through WeChat, the account can be reported in the app (对方资料页 → 右上角“…” → 投诉).
jubao's own facts do not say whether WeChat was used, so this plugin declares a feature,
``wechat_report_collector_used_wechat``, and routes on it with its own rule (``rules/routing.yaml``). The channel
is data (``channel.yaml``; the in-app route is from memory and marked M) and the complaint text is a Jinja2
template (``templates/complaint.md.j2``). ``jubao.TemplateChannel`` registers all of it; the only code here is the
feature. Only ``jubao``'s public API is used.
"""

from __future__ import annotations

from jubao import Case, FactType, Feature, Medium, TemplateChannel, Text


def collector_used_wechat(case: Case) -> bool:
    """Whether any incident came through WeChat. A collector's ``accounts`` are not counted: the case does not
    say which platform an account is on."""
    return any(incident.medium is Medium.WECHAT for incident in case.incidents)


USED_WECHAT = Feature(
    name="wechat_report_collector_used_wechat",
    type=FactType.BOOL,
    description=Text(zh="催收人员至少一次通过微信联系", en="the collectors used WeChat at least once"),
    compute=collector_used_wechat,
)


plugin = TemplateChannel(__name__, features=[USED_WECHAT])
"""The plugin object the entry point names: the channel, its documents (``channel.yaml``), its rules (``rules/``)
and its feature."""
