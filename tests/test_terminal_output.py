"""Terminal output carries no control sequences (issue 15): text from a case (a title, a name, a note), from a
plugin (a channel's name, a rule's reason) or from a file name reaches the terminal without escape sequences (an
OSC 8 hyperlink, an OSC 52 clipboard write, a cursor move, a screen clear), other control characters or bidi
overrides — in every command's text output, in Chinese and English. ``--json`` output keeps the same data, with those
characters as JSON escapes."""

from __future__ import annotations

import json
import re
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from jubao import Text
from jubao.cli import terminal
from jubao.cli.main import cli
from jubao.cli.terminal import json_terminal_safe, terminal_safe
from tests.conftest import EXAMPLES
from tests.test_plugins import channel, plugin_module, registering

OSC8 = "\x1b]8;;http://evil.example/\x07点这里\x1b]8;;\x07"
OSC52 = "\x1b]52;c;ZWNobyBldmls\x07"
CSI = "\x1b[2J\x1b[1;1H\x1b[31m"
C1 = "\x9b2J\x9d0;标题\x9c\x90q\x9c"
BIDI = "\u202e反向\u202c\u2066隔离\u2069\u200f"
OTHER = "\x07\x08\x00\x7f\r"
HOSTILE = OSC8 + OSC52 + CSI + C1 + BIDI + OTHER

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What must never reach a terminal: C0 controls but tab and newline (tabs become spaces, but a stray one is
harmless), ESC, DEL, C1 controls, bidi marks, embeddings, overrides and isolates."""


def _clean(result: Result) -> None:
    for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        found = FORBIDDEN.search(text)
        assert found is None, f"{found.group()!r} on {stream}:\n{text!r}"


# --- the function ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"标题{OSC8}", "标题点这里"),  # the link's text stays, the link goes
        (f"a{OSC52}b", "ab"),
        (f"a{CSI}b", "ab"),
        (f"a{C1}b", "ab"),
        (f"a{BIDI}b", "a反向隔离b"),
        ("第一行\n第二行\t完", "第一行\n第二行 完"),
        ("a\x1b", "a"),  # a lone ESC at the end
        ("a\x1b]0;unterminated title\nb", "a\nb"),  # an unterminated string control stops at the line's end
        ("普通文字 plain text", "普通文字 plain text"),
        ("坏\ud800字", "坏\ufffd字"),  # a lone surrogate cannot be written as UTF-8
    ],
)
def test_terminal_safe(text: str, expected: str) -> None:
    assert terminal_safe(text) == expected
    assert terminal_safe("x\ny", newlines=False) == "x y"


@given(st.text(st.sampled_from([*"\x1b\x07\x9b\x9c\x9d\x90\t\n\r[];0123PX^_\\a中", "\u202e", "\u2066", "\x00"])))
def test_terminal_safe_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    safe = terminal_safe(text)
    assert FORBIDDEN.search(safe) is None
    assert terminal_safe(safe) == safe
    assert safe.count("\n") <= text.count("\n")


@given(st.text())
def test_json_stays_the_same_data(text: str) -> None:
    value = {"title": text, "list": [text, 1]}
    encoded = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
    safe = json_terminal_safe(encoded)
    assert json.loads(safe) == value
    assert FORBIDDEN.search(safe) is None
    assert re.search("[\ud800-\udfff]", safe) is None


def test_printable_text_is_never_changed() -> None:
    """Both functions return printable text (``str.isprintable``) without looking further: that is safe only
    while every character their patterns look for is unprintable. Checked over the whole of Unicode, so widening
    a pattern to a printable character fails here instead of being skipped by the shortcut."""
    every = "".join(chr(code) for code in range(0x110000))
    for pattern in (terminal._UNSAFE, terminal._JSON_UNSAFE):
        found = pattern.findall(every)
        assert len(found) > 2048  # C0, DEL, C1, bidi controls, separators and all surrogates
        assert [char for char in found if char.isprintable()] == []
    assert json_terminal_safe("付款\u3000期限") == "付款\u3000期限"  # unprintable, so checked in full, and kept
    assert json_terminal_safe("付款\u3000期限\u202e") == "付款\u3000期限\\u202e"


# --- the CLI on a case --------------------------------------------------------------------------------------------


@pytest.fixture
def hostile_case(tmp_path: Path) -> Path:
    """A valid case whose title, names and notes hold what validation lets through (bidi controls)."""
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "contact-harassed.yaml").read_text(encoding="utf-8"))
    data["title"] = f"被催收{BIDI}的案件"
    data["borrower"]["name"] = f"周{BIDI}某"
    data["incidents"][0]["note"] = f"对方说{BIDI}要来单位"
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


COMMANDS = [
    ["validate"],
    ["validate", "--json"],
    ["evaluate"],
    ["evaluate", "--json"],
    ["explain"],
    ["plan"],
    ["plan", "--json"],
    ["next"],
    ["next", "--format", "md"],
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_case_text_reaches_the_terminal_without_control_sequences(
    hostile_case: Path, command: list[str], lang: str
) -> None:
    result = CliRunner().invoke(cli, ["--lang", lang, *command, str(hostile_case)])
    assert result.exit_code == 0, result.output
    _clean(result)
    if "--json" in command:
        json.loads(result.stdout)  # still JSON, the same data


def test_a_title_with_escape_sequences_is_refused_or_printed_safely(tmp_path: Path) -> None:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "contact-harassed.yaml").read_text(encoding="utf-8"))
    data["title"] = f"标题{HOSTILE}"
    data["incidents"][0]["note"] = HOSTILE
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=True, default=str), encoding="utf-8")
    for command in (["validate"], ["evaluate"], ["next"], ["plan"]):
        result = CliRunner().invoke(cli, [*command, str(path)])
        assert result.exit_code in (0, 2), result.output
        _clean(result)


def test_an_invalid_case_with_escape_sequences_in_its_name_is_reported_safely(tmp_path: Path) -> None:
    """Every command that reads a case names the file when it is invalid (``jubao.cli.common``)."""
    named = tmp_path / f"bad{OSC52}{BIDI}.yaml"
    named.write_text("title: [\n", encoding="utf-8")
    for command in ("validate", "evaluate", "plan", "next"):
        result = CliRunner().invoke(cli, [command, str(named)])
        assert result.exit_code == 2, result.output
        _clean(result)


def test_a_file_name_with_escape_sequences_is_printed_safely(tmp_path: Path) -> None:
    source = (EXAMPLES / "contact-harassed.yaml").read_text(encoding="utf-8")
    named = tmp_path / f"case{OSC52}{CSI}{BIDI}.yaml"
    named.write_text(source, encoding="utf-8")
    missing = tmp_path / f"gone{OSC8}.yaml"
    for args in (["validate", str(named)], ["validate", str(missing)], ["evaluate", str(named)]):
        result = CliRunner().invoke(cli, args)
        _clean(result)


# --- the CLI with a plugin's text ------------------------------------------------------------------------------------


@pytest.fixture
def hostile_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An installed plugin whose channel's name, rule title and reason hold escape sequences, routed for every case
    whose regulator is known."""
    rules = tmp_path / "rules"
    rules.mkdir()
    rule = {
        "rules": [
            {
                "id": "zz_hostile.route",
                "title": {"zh": f"规则{OSC8}", "en": f"rule{OSC52}"},
                "when": {"fact": "contacts_reached", "gte": 0},
                "then": {
                    "routes": [
                        {
                            "channel": "zz_hostile",
                            "priority": 9,
                            "reason": {"zh": f"理由{CSI}{BIDI}", "en": f"reason{C1}"},
                        }
                    ]
                },
                "citations": [{"instrument": f"法{OSC8}", "status": "policy"}],
            }
        ]
    }
    (rules / "route.yaml").write_text(yaml.safe_dump(rule, allow_unicode=True), encoding="utf-8")
    hostile = channel(
        "zz_hostile",
        name=Text(zh=f"渠道{OSC8}{BIDI}", en=f"channel{OSC52}{C1}"),
        authority=Text(zh=f"机关{CSI}", en=f"authority{OTHER}"),
    )
    module = plugin_module("zz_hostile", register_channels=registering(hostile), rule_sources=lambda: [rules])
    real = list(entry_points(group="jubao"))
    point = EntryPoint("zz_hostile", "zz_hostile_module_for_tests", "jubao")
    monkeypatch.setattr("jubao.plugins.entry_points", lambda group: [*real, point] if group == "jubao" else [])
    real_load = EntryPoint.load
    monkeypatch.setattr(EntryPoint, "load", lambda self: module if self.name == "zz_hostile" else real_load(self))
    return "zz_hostile"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "command",
    [
        ["channels", "list"],
        ["channels", "show", "zz_hostile"],
        ["plugins"],
        ["evaluate"],
        ["explain"],
        ["plan"],
        ["next"],
    ],
    ids=" ".join,
)
def test_plugin_text_reaches_the_terminal_without_control_sequences(
    hostile_plugin: str, command: list[str], lang: str
) -> None:
    args = [*command, str(EXAMPLES / "contact-harassed.yaml")] if command[0] not in ("channels", "plugins") else command
    result = CliRunner().invoke(cli, ["--lang", lang, *args])
    assert result.exit_code == 0, result.output
    _clean(result)
    if command[0] == "evaluate":
        assert "zz_hostile" in result.stdout or "渠道点这里" in result.stdout or "channel" in result.stdout
