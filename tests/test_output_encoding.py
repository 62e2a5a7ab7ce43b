"""Output to a terminal or file that cannot hold every character.

A Chinese Windows ``cmd.exe`` redirecting output (``jubao evaluate 案件.yaml > 结果.txt``) writes code page 936
(GBK), which has no ✓ or ✗; a Latin-1 locale has no Chinese at all. jubao used to die there half-way with
"内部出错（UnicodeEncodeError）". Now text comes out in that encoding with symbols in their nearest written form,
and ``--json`` comes out with ``\\uXXXX`` escapes, so a tool reading it gets exactly the data a UTF-8 run gives.

Real processes (the encoding comes from ``PYTHONIOENCODING``, as from the locale), plus the two helpers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jubao.cli.encoding import FALLBACKS, holds_everything, json_for_encoding
from tests.conftest import EXAMPLES

CARD = EXAMPLES / "credit-card-employer.yaml"


def _run(encoding: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    script = Path(sys.executable).with_name("jubao")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "jubao"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUBAO_")} | {"PYTHONIOENCODING": encoding}
    return subprocess.run([*command, *args], capture_output=True, env=env, timeout=120, check=False)


@pytest.mark.parametrize("encoding", ["gbk", "latin-1"])
def test_every_command_finishes_and_speaks_in_that_encoding(encoding: str, tmp_path: Path) -> None:
    for args in (["validate", str(CARD)], ["evaluate", str(CARD)], ["plan", str(CARD)], ["next", str(CARD)],
                 ["due", str(EXAMPLES)], ["documents", str(CARD), "--out", str(tmp_path / "out")],
                 ["validate", str(EXAMPLES / "does-not-exist.yaml")]):  # fmt: skip
        result = _run(encoding, *args)
        assert result.returncode in (0, 2), (args, result.stderr.decode(encoding, "replace"))
        text = (result.stdout + result.stderr).decode(encoding)  # strictly: every byte is that encoding
        assert "UnicodeEncodeError" not in text, args
        assert "内部出错" not in text, args
    validated = _run(encoding, "validate", str(CARD)).stdout.decode(encoding)
    if encoding == "gbk":  # Chinese stays Chinese; ✓ has no GBK form, √ does
        assert validated.startswith(f"√ {CARD}：有效（4 条事件，2 名被联系人，3 项证据）")
    else:  # no Chinese in Latin-1: it cannot be shown, but the line is there and the command did its work
        assert validated.startswith(f"v {CARD}")


@pytest.mark.parametrize("encoding", ["gbk", "latin-1", "ascii"])
def test_json_output_is_the_same_data_in_any_encoding(encoding: str) -> None:
    reference = json.loads(_run("utf-8", "evaluate", "--json", str(CARD)).stdout.decode("utf-8"))
    result = _run(encoding, "evaluate", "--json", str(CARD))
    assert result.returncode == 0
    assert json.loads(result.stdout.decode(encoding)) == reference
    lines = _run(encoding, "evaluate", str(CARD), str(EXAMPLES / "night-calls-borrower-only.yaml")).stdout
    expected = _run("utf-8", "evaluate", str(CARD), str(EXAMPLES / "night-calls-borrower-only.yaml")).stdout
    assert [json.loads(line) for line in lines.decode(encoding).splitlines()] == [
        json.loads(line) for line in expected.decode("utf-8").splitlines()
    ]
    schema = _run(encoding, "schema", "case")
    assert json.loads(schema.stdout.decode(encoding)) == json.loads(_run("utf-8", "schema", "case").stdout)


def test_json_escapes_what_the_encoding_lacks_and_nothing_else() -> None:
    text = json.dumps({"note": "催收 ✓ 😀 café"}, ensure_ascii=False)
    assert json_for_encoding(text, "utf-8") is text
    in_gbk = json_for_encoding(text, "gbk")
    assert in_gbk == '{"note": "催收 \\u2713 \\ud83d\\ude00 café"}'  # GBK has é (pinyin), not ✓ or 😀
    assert json.loads(in_gbk) == json.loads(text)
    in_latin1 = json_for_encoding(text, "latin-1")
    assert "café" in in_latin1
    assert json.loads(in_latin1) == json.loads(text)


def test_which_encodings_hold_everything() -> None:
    assert holds_everything("utf-8")
    assert holds_everything("UTF8")
    assert holds_everything("gb18030")
    assert not holds_everything("gbk")
    assert not holds_everything("cp936")
    assert not holds_everything("latin-1")
    assert not holds_everything("no-such-encoding")
    assert not holds_everything(None)


def test_every_fallback_is_plain_enough_for_gbk_or_ascii() -> None:
    """Each symbol's last fallback is ASCII, so some form of it can be written anywhere."""
    for symbol, forms in FALLBACKS.items():
        assert forms, symbol
        assert forms[-1].isascii(), symbol
