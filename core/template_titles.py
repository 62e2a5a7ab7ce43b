"""A template's document title read from its source, without rendering it (``jubao plan`` lists titles).

Kept apart from ``jubao.drafting`` because it parses templates with Jinja2's own parser, which only the commands
that list or draft documents need.
"""

from __future__ import annotations

import jinja2
import jinja2.nodes

from jubao.cache import DiscoveryCache
from jubao.cache import stamp as file_stamp
from jubao.drafting import _environment
from jubao.markup import LITERAL

_SILENT_NODES = (jinja2.nodes.Assign, jinja2.nodes.AssignBlock, jinja2.nodes.Import, jinja2.nodes.FromImport,
                 jinja2.nodes.Macro)  # fmt: skip
"""Template statements that write nothing."""


def _writes_nothing(node: jinja2.nodes.Node) -> bool:
    """``node`` writes no text whatever the case: a statement above, or a loop or condition made only of them."""
    if isinstance(node, _SILENT_NODES):
        return True
    if isinstance(node, jinja2.nodes.For):
        return all(_writes_nothing(child) for child in [*node.body, *node.else_])
    if isinstance(node, jinja2.nodes.If):
        return all(_writes_nothing(child) for child in [*node.body, *node.elif_, *node.else_])
    if isinstance(node, jinja2.nodes.With | jinja2.nodes.Scope):
        return all(_writes_nothing(child) for child in node.body)
    return False


def template_title(package: str, template: str, discovery: DiscoveryCache | None = None) -> str | None:
    """The title ``templates/<template>.md.j2`` of ``package`` renders for every case, read from its source without
    rendering: the first non-blank line it writes when that line is plain template text (``# 控告书``) and only
    statements that write nothing (``{% set %}``, ``{% import %}``, ``{% macro %}``, comments, loops and conditions
    made only of these) come before it.
    None when the title depends on the case (an expression or a condition before or in it): only rendering the
    document tells then. The answer is kept in ``discovery`` while the template file is unchanged."""
    env = _environment(package)
    name = f"{template}.md.j2"
    try:
        source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    except jinja2.TemplateNotFound:
        return None
    if discovery is not None and filename:
        stored = discovery.get("title", filename)
        fresh = isinstance(stored, dict) and stored.get("jinja2") == jinja2.__version__  # the parser that read it
        if fresh and isinstance(stored.get("title"), str | None):
            title: str | None = stored.get("title")
            return title
    before = file_stamp(filename) if filename else None
    title = _static_title(env, source, name, filename)
    if discovery is not None and filename:
        discovery.put("title", filename, before, {"title": title, "jinja2": jinja2.__version__})
    return title


def _static_title(env: jinja2.Environment, source: str, name: str, filename: str | None) -> str | None:
    try:
        tree = env.parse(source, name, filename)
    except jinja2.TemplateSyntaxError:
        return None
    written = ""  # the plain text written so far (a line may continue across statements that write nothing)
    for node in tree.body:
        if _writes_nothing(node):
            continue
        if not isinstance(node, jinja2.nodes.Output):
            return None
        for child in node.nodes:
            if not isinstance(child, jinja2.nodes.TemplateData):
                return None
            written += child.data
            *complete, written = written.split("\n")
            for line in complete:  # as parse_markup reads lines: the first non-blank one is the title or not
                stripped = line.strip()
                if stripped:
                    return _clean_title(stripped)
    stripped = written.strip()  # the last line, at the end of the template
    return _clean_title(stripped) if stripped else None


def _clean_title(line: str) -> str | None:
    return line[2:].strip().replace(LITERAL, "") if line.startswith("# ") else None
