"""Plugins cannot hijack, crash, leak or hang jubao (issue 15, item 4).

Every plugin here is installed the way a user installs one: a distribution (``NAME-1.0.dist-info`` with
``METADATA`` and ``entry_points.txt``) and its package in a folder on the import path, found through the ``jubao``
entry-point group next to the built-in plugins. What must hold:

* built-in channel and format ids are reserved — a third-party plugin claiming one is refused and named, whatever
  the order of the entry points, even if it calls its distribution "jubao" or the built-in is disabled;
* every hook result is type-checked: a wrong type or an object built without validation is that plugin's error,
  the rest of the run goes on;
* an exception's text (which may quote the case) is never printed or saved — only its type and place;
* plugin code that never returns is cut off at a time limit, reported and skipped, and does not keep jubao alive.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
import threading
import time
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jubao import Engine, PluginError, load_case, load_plugins
from jubao.cli.main import cli
from jubao.i18n import t
from tests.conftest import EXAMPLES

CASE = EXAMPLES / "credit-card-employer.yaml"
PHONE = "13800000101"
"""The reporter's phone number in CASE (``138 0000 0101``), as a plugin would see it (``+86…``)."""

CHANNEL = """
CID = "{cid}"
CHANNEL = Channel.model_validate({{
    "id": CID, "name": {{"zh": "测试", "en": "test"}}, "authority": {{"zh": "测试", "en": "test"}},
    "scope": {{"accepts": [{{"zh": "测试", "en": "test"}}]}},
    "filing": [{{"kind": "phone", "address": "12345", "status": "V"}}],
    "provenance": {{"sources": ["test"], "last_verified": "2026-11-01", "status": "V"}},
    "formats": ["md"],
}})
"""
ROUTED = """
from pathlib import Path

@hookimpl
def rule_sources():
    folder = Path(__file__).parent / "rules"
    folder.mkdir(exist_ok=True)
    (folder / "route.yaml").write_text(
        "rules:\\n"
        f"  - id: {CID}.route\\n"
        "    title: {zh: 测试, en: test}\\n"
        "    when: {fact: lender_named, eq: true}\\n"
        f"    then: {{routes: [{{channel: {CID}, priority: 5, reason: {{zh: 测试, en: test}}}}]}}\\n"
        "    citations: [{instrument: test, status: policy}]\\n",
        encoding="utf-8",
    )
    return [folder]
"""


def distribution(site: Path, package: str, code: str, *, name: str | None = None) -> None:
    """Write an installed distribution into ``site``: the package and its dist-info declaring one ``jubao`` entry
    point named after the package. ``name``: the distribution's name in its METADATA (default: the package's)."""
    (site / package).mkdir(parents=True)
    (site / package / "__init__.py").write_text(textwrap.dedent(code), encoding="utf-8")
    info = site / f"{package}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name or package.replace('_', '-')}\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[jubao]\n{package} = {package}\n", encoding="utf-8")


def plugin_code(cid: str, body: str, *, routed: bool = True) -> str:
    """A plugin module registering channel ``cid`` (routed for CASE unless ``routed=False``), then ``body``."""
    head = "from jubao import Channel, Document, DocumentFormat, Feature, Text, hookimpl\n"
    register = "\n@hookimpl\ndef register_channels(register):\n    register(CHANNEL)\n"
    return head + CHANNEL.format(cid=cid) + register + (ROUTED if routed else "") + textwrap.dedent(body)


def run_jubao(*arguments: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """``jubao …`` in a fresh process (what a user runs); ``timeout`` fails the test rather than hang it."""
    return subprocess.run(
        [sys.executable, "-m", "jubao", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env},
        check=False,
    )


# --- 1. built-in ids are reserved ----------------------------------------------------------------------------------

EVIL = """
from jubao import Document, channel_from_package, hookimpl

@hookimpl
def register_channels(register):
    register(channel_from_package("jubao_plugins.police"))

@hookimpl
def build_documents(context):
    return [Document(channel="police", title="EVIL_MARKER")]
"""


@pytest.mark.parametrize("dist_name", ["jubao", "aaa-evil"], ids=["calls itself jubao", "plain third party"])
def test_a_plugin_sorting_first_cannot_take_over_a_built_in_channel(
    dist_name: str, site: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """Before: a distribution whose METADATA said ``Name: jubao`` sorted among the built-ins, ``aaa_evil`` came
    before ``police``, wrote the police documents, and the built-in police plugin was the one skipped."""
    distribution(site, "aaa_evil", EVIL, name=dist_name)
    loaded = load_plugins()
    assert loaded.channel_owner["police"] == "police"
    assert [error.plugin for error in loaded.errors] == ["aaa_evil"]
    assert "police is reserved" in loaded.errors[0].message
    assert "police" in loaded.builtin
    assert "aaa_evil" not in loaded.builtin
    out = tmp_path / "out"
    result = runner.invoke(cli, ["documents", str(CASE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "! 已跳过插件 aaa_evil：channel id police is reserved" in result.stderr
    police = out / "police"
    assert sorted(police.iterdir())
    assert all("EVIL_MARKER" not in path.read_bytes().decode("utf-8", "replace") for path in police.iterdir())
    strict = runner.invoke(cli, ["--strict-plugins", "evaluate", str(CASE)])
    assert strict.exit_code == 1
    assert "aaa_evil" in strict.stderr


def test_a_built_in_channel_id_stays_reserved_when_the_built_in_is_disabled(site: Path) -> None:
    distribution(site, "aaa_evil", EVIL)
    loaded = load_plugins(disabled=["police"])
    assert "police" not in loaded.channels
    assert [error.plugin for error in loaded.errors] == ["aaa_evil"]
    assert "police is reserved" in loaded.errors[0].message


@pytest.mark.parametrize("disabled", [(), ("formats",)])
def test_jubaos_format_ids_are_reserved(disabled: tuple[str, ...], site: Path) -> None:
    """A third-party ``md`` would write every index.md and built-in Markdown document."""
    distribution(site, "tp_formats", """
        from jubao import DocumentFormat, Text, hookimpl

        @hookimpl
        def register_document_formats(register):
            register(DocumentFormat(id="md", suffix=".md", media_type="text/markdown",
                                    description=Text(zh="伪", en="fake"), write=lambda document: b"FAKE"))
    """)  # fmt: skip
    loaded = load_plugins(disabled=disabled)
    assert [error.plugin for error in loaded.errors] == ["tp_formats"]
    assert "md is reserved" in loaded.errors[0].message
    assert loaded.format_owner.get("md") in (None, "formats")
    assert {"md", "txt", "json", "docx"} == _core_format_ids()


def test_jubaos_reserved_format_ids_are_its_own_formats() -> None:
    from jubao import DOCX, JSON_PAYLOAD, MARKDOWN, PLAIN_TEXT  # noqa: PLC0415 - DOCX imports python-docx

    assert {MARKDOWN.id, PLAIN_TEXT.id, JSON_PAYLOAD.id, DOCX.id} == _core_format_ids()


def _core_format_ids() -> frozenset[str]:
    from jubao.plugins import CORE_FORMAT_IDS  # noqa: PLC0415 - here, so the other tests run on code without it

    return CORE_FORMAT_IDS


def test_every_built_in_plugin_is_named_after_its_channel() -> None:
    """Why a disabled built-in's channel id is known without importing it: the entry point's name is the id."""
    loaded = load_plugins()
    owned = set(loaded.channel_owner.values())
    assert owned <= loaded.builtin
    assert all(loaded.channel_owner[cid] == cid for cid in loaded.channels)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.randoms(use_true_random=False))
def test_what_loads_does_not_depend_on_the_entry_point_order(
    order: random.Random,
    site: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not (site / "aaa_evil").exists():
        distribution(site, "aaa_evil", EVIL, name="jubao")
        distribution(site, "tp_good", plugin_code("tp_good_channel", ""))
    points = list(entry_points(group="jubao"))
    expected = load_plugins()
    order.shuffle(points)
    monkeypatch.setattr("jubao.plugins.entry_points", lambda group: points if group == "jubao" else [])
    shuffled = load_plugins()
    assert shuffled.channel_owner == expected.channel_owner
    assert shuffled.format_owner == expected.format_owner
    assert [str(error) for error in shuffled.errors] == [str(error) for error in expected.errors]
    assert shuffled.channel_owner["police"] == "police"
    assert shuffled.channel_owner["tp_good_channel"] == "tp_good"


def test_an_entry_point_repeating_a_built_in_one_loads_jubaos_code_once(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another distribution declaring ``police = jubao_plugins.police:plugin`` names jubao's own code: loaded once,
    nobody blamed."""
    real = list(entry_points(group="jubao"))
    police = next(point for point in real if point.name == "police")
    again = EntryPoint(police.name, police.value, "jubao")
    monkeypatch.setattr("jubao.plugins.entry_points", lambda group: [again, *real] if group == "jubao" else [])
    loaded = load_plugins()
    assert loaded.errors == []
    assert loaded.channel_owner["police"] == "police"


# --- 2. hook results are type-checked ------------------------------------------------------------------------------

LOAD_TIME_WRONG = {
    "rule_sources_int": (
        "@hookimpl\ndef rule_sources():\n    return 5\n",
        "rule_sources returned a int, not a list of directories",
    ),
    "rule_sources_str": (
        "@hookimpl\ndef rule_sources():\n    return '/tmp'\n",
        "rule_sources returned a str, not a list of directories",
    ),
    "rule_sources_raising_generator": (
        "@hookimpl\ndef rule_sources():\n    yield from ()\n    raise ValueError('x')\n",
        "rule_sources failed: ValueError at tp_",
    ),
    "unvalidated_channel": (
        "@hookimpl\ndef register_channels(register):\n    register(Channel.model_construct(id='Not An Id', name=5))\n",
        "invalid channel (",
    ),
    "unvalidated_format": (
        "@hookimpl\ndef register_document_formats(register):\n"
        "    register(DocumentFormat.model_construct(id='zz', suffix='.zz', media_type='x', write=None))\n",
        "invalid document format (",
    ),
    "unvalidated_feature": (
        "@hookimpl\ndef register_facts(register):\n"
        "    register(Feature.model_construct(name='Bad Name', type='nonsense', compute=None))\n",
        "invalid feature (",
    ),
    "swallowed_refusal": (
        "@hookimpl\ndef register_facts(register):\n"
        "    try:\n        register(42)\n    except Exception:\n        pass\n",
        "register_facts: registered a int, not a jubao.Feature",
    ),
    "system_exit": (
        "import sys\n@hookimpl\ndef register_facts(register):\n    sys.exit(3)\n",
        "register_facts failed: SystemExit at tp_",
    ),
}


@pytest.mark.parametrize("kind", sorted(LOAD_TIME_WRONG))
def test_a_wrong_registration_drops_only_that_plugin(kind: str, site: Path, runner: CliRunner) -> None:
    """Before: ``rule_sources`` returning 5 raised TypeError out of ``load_plugins`` (every command failed); a
    channel, format or feature made with ``model_construct`` was accepted and crashed a later step."""
    body, said = LOAD_TIME_WRONG[kind]
    package = f"tp_{kind}"
    if kind.startswith("unvalidated_channel"):
        code = "from jubao import Channel, hookimpl\n" + body
    else:
        code = plugin_code(f"{package}_channel", body, routed=not kind.startswith("rule_sources"))
    distribution(site, package, code)
    loaded = load_plugins()
    assert [error.plugin for error in loaded.errors] == [package]
    assert said in loaded.errors[0].message
    assert not [cid for cid, owner in loaded.channel_owner.items() if owner == package]
    with Engine(plugins=loaded) as engine:
        assert "police" in engine.evaluate(load_case(CASE)).route_ids()
    result = runner.invoke(cli, ["evaluate", "--json", str(CASE)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [t("plugins.skipped", "zh", plugin=package, message=loaded.errors[0].message)]
    with pytest.raises(PluginError, match=package):
        load_plugins(strict=True)


DRAFTING_WRONG = {
    "string": ("return 'not a list'", "build_documents returned a str, not a list of documents"),
    "mapping": ("return {'channel': CID, 'title': 'x'}", "build_documents returned a dict, not a list of documents"),
    "unvalidated_document": (
        "return [Document.model_construct(channel=CID, title=5, id='../../etc', sections='x')]",
        "build_documents returned an invalid Document (",
    ),
    "raising_generator": (
        "yield Document(channel=CID, title='x'); raise ValueError('y')",
        "build_documents failed: ValueError at tp_",
    ),
    "system_exit": ("import sys; sys.exit(0)", "build_documents failed: SystemExit at tp_"),
}


@pytest.mark.parametrize("kind", sorted(DRAFTING_WRONG))
def test_a_wrong_drafting_result_is_that_channels_error(
    kind: str, site: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """Before: a Document made with ``model_construct`` failed inside jubao and the error named jubao's own file
    (``TypeError at core/filing.py:81``); ``sys.exit`` in a plugin ended jubao's run."""
    statement, said = DRAFTING_WRONG[kind]
    package = f"tp_draft_{kind}"
    distribution(site, package, plugin_code(f"{package}_channel", f"""
        @hookimpl
        def build_documents(context):
            {statement}
    """))  # fmt: skip
    out = tmp_path / "out"
    result = runner.invoke(cli, ["documents", str(CASE), "--out", str(out)])
    assert result.exit_code == 1, result.output
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    entry = next(c for c in index["channels"] if c["channel"] == f"{package}_channel")
    assert entry["error"].startswith(said), entry["error"]
    assert "core/" not in entry["error"]
    assert (out / "police").is_dir()


FORMAT_WRONG = {
    "write_returns_str": ("write=lambda document: 'text'", "accepts=None", "write returned a str, not bytes"),
    "write_raises": ("write=lambda document: 1 / 0", "accepts=None", "write failed: ZeroDivisionError at tp_"),
    "accepts_raises": ("write=lambda document: b'x'", "accepts=lambda document: 1 / 0", None),
    "accepts_not_bool": ("write=lambda document: b'x'", "accepts=lambda document: 'yes'", None),
}


@pytest.mark.parametrize("kind", sorted(FORMAT_WRONG))
def test_a_third_party_format_that_misbehaves_costs_only_its_own_files(
    kind: str, site: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """Before: ``accepts`` raising crashed the whole ``documents`` run (it is asked outside any error handling)."""
    write, accepts, said = FORMAT_WRONG[kind]
    package = f"tp_fmt_{kind}"
    distribution(site, package, plugin_code(f"{package}_channel", f"""
        @hookimpl
        def register_document_formats(register):
            register(DocumentFormat(id="zz", suffix=".zz", media_type="x", description=Text(zh="z", en="z"),
                                    {write}, {accepts}))

        @hookimpl
        def build_documents(context):
            return [Document(channel=CID, title="测试", formats=["zz", "md"])]
    """))  # fmt: skip
    out = tmp_path / "out"
    result = runner.invoke(cli, ["documents", str(CASE), "--out", str(out)])
    assert "Traceback" not in result.output
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    entry = next(c for c in index["channels"] if c["channel"] == f"{package}_channel")
    if said is None:  # accepts failed: the document is offered in Markdown only, and a warning says why
        assert result.exit_code == 0, result.output
        assert entry.get("error") is None
        assert [Path(p).suffix for d in entry["documents"] for p in d["files"]] == [".md"]
        assert f"! 插件 {package}：format zz: accepts" in result.stderr
    else:
        assert result.exit_code == 1, result.output
        assert entry["error"] == f"zz: plugin {package}: {said}" or entry["error"].startswith(
            f"zz: plugin {package}: {said}"
        )
    assert (out / "police").is_dir()


# --- 3. exception text is never printed or saved -------------------------------------------------------------------

RAISING = {
    "plain": "raise ValueError(context.case.reporter.phone)",
    "validator": """
        from pydantic import BaseModel, field_validator

        class Row(BaseModel):
            phone: str

            @field_validator("phone")
            @classmethod
            def check(cls, value):
                raise ValueError(f"bad number {value}")

        Row(phone=context.case.reporter.phone)""",
    "dict_key": """
        from pydantic import BaseModel

        class Rows(BaseModel):
            rows: dict[str, int]

        Rows(rows={context.case.reporter.phone: "x"})""",
    "custom_error": """
        from pydantic_core import PydanticCustomError

        from pydantic import BaseModel, field_validator

        class Row(BaseModel):
            phone: str

            @field_validator("phone")
            @classmethod
            def check(cls, value):
                raise PydanticCustomError("bad_phone", f"bad number {value}")

        Row(phone=context.case.reporter.phone)""",
    "module_not_found": "raise ModuleNotFoundError('x', name=context.case.reporter.phone)",
}


@pytest.mark.parametrize("kind", sorted(RAISING))
def test_a_plugins_exception_text_appears_nowhere(kind: str, site: Path, tmp_path: Path) -> None:
    """A plugin raising with the case's phone number in the message: the number is in no output, printed or saved.
    Before: a pydantic validator's message (``Value error, bad number +86138…``), a dict key in an error's
    location, and a ModuleNotFoundError's ``name`` were copied into the error line, index.json and index.md."""
    package = f"tp_leak_{kind}"
    body = textwrap.indent(textwrap.dedent(RAISING[kind]).strip(), "    ")
    feature = (
        ""
        if kind != "plain"
        else """
@hookimpl
def register_facts(register):
    def compute(case):
        raise ValueError(case.reporter.phone)
    register(Feature(name="tp_leak_feature", type="bool", description=Text(zh="测试", en="test"), compute=compute))
"""
    )
    code = plugin_code(f"{package}_channel", f"\n@hookimpl\ndef build_documents(context):\n{body}\n" + feature)
    distribution(site, package, code)
    out = tmp_path / "out"
    result = run_jubao("documents", str(CASE), "--out", str(out))
    assert result.returncode == 1, result.stderr
    index_json = (out / "index.json").read_text(encoding="utf-8")
    index_md = (out / "index.md").read_text(encoding="utf-8")
    entry = next(c for c in json.loads(index_json)["channels"] if c["channel"] == f"{package}_channel")
    assert entry["error"]
    for text in (result.stdout, result.stderr, index_json, index_md):
        assert PHONE not in text
        assert "bad number" not in text
    if kind == "plain":
        assert "feature tp_leak_feature: ValueError at tp_leak_plain/__init__.py:" in result.stderr


# --- 4. plugin code that never returns ------------------------------------------------------------------------------

SPIN = "while True:\n        pass"
UNSTOPPABLE = """while True:
        try:
            while True:
                pass
        except BaseException:
            pass"""


def _plugin_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("jubao-plugin-")]


def _stopped() -> bool:
    deadline = time.monotonic() + 10
    while _plugin_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _plugin_threads()


@pytest.mark.parametrize(
    ("where", "said"),
    [("import", "import did not finish within 0.5 s"), ("register", "registration hooks did not finish within 0.5 s")],
)
def test_a_plugin_that_hangs_while_loading_is_skipped(
    where: str, said: str, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUBAO_PLUGIN_TIMEOUT", "0.5")
    package = f"tp_hang_{where}"
    if where == "import":
        code = "def spin():\n    " + SPIN + "\n\nspin()\n"
    else:
        code = plugin_code(f"{package}_channel", "\n@hookimpl\ndef register_facts(register):\n    " + SPIN + "\n")
    distribution(site, package, code)
    started = time.monotonic()
    loaded = load_plugins()
    assert time.monotonic() - started < 30
    assert [error.plugin for error in loaded.errors] == [package]
    assert loaded.errors[0].message.startswith(said)
    assert "JUBAO_PLUGIN_TIMEOUT" in loaded.errors[0].message
    assert "police" in loaded.channels
    assert package not in {info.name for info in loaded.plugins}
    assert _stopped(), "the stuck worker was asked to stop and should have"


def test_a_feature_that_hangs_is_unknown_and_never_asked_again(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUBAO_PLUGIN_TIMEOUT", "0.5")
    distribution(site, "tp_hang_feature", """
        from jubao import Feature, Text, hookimpl

        CALLS = []

        def spin(case):
            CALLS.append(1)
            while True:
                pass

        @hookimpl
        def register_facts(register):
            register(Feature(name="tp_hang_feature", type="bool", description=Text(zh="测试", en="test"), compute=spin))
    """)  # fmt: skip
    loaded = load_plugins()
    assert loaded.errors == []
    case = load_case(CASE)
    with Engine(plugins=loaded) as engine:
        assert engine.evaluate(case).features["tp_hang_feature"] is None
        assert engine.evaluate(case).features["tp_hang_feature"] is None
    assert len(sys.modules["tp_hang_feature"].CALLS) == 1  # not asked again
    assert loaded.hung == {"tp_hang_feature"}
    (warning,) = loaded.warnings
    assert warning.message.startswith("feature tp_hang_feature: did not finish within 0.5 s")
    assert _stopped()


def test_drafting_that_hangs_is_that_plugins_error_and_the_other_channels_are_written(
    site: Path, tmp_path: Path
) -> None:
    """Two channels of one plugin whose ``build_documents`` never returns: the first is cut off at the limit, the
    second is not even tried; the built-in channels are written; the process exits."""
    code = plugin_code("tp_slow_a", SPIN_DRAFTING) + textwrap.dedent(SECOND_CHANNEL)
    distribution(site, "tp_slow", code)
    out = tmp_path / "out"
    started = time.monotonic()
    asked = ["--channel", "tp_slow_a", "--channel", "tp_slow_b", "--channel", "police"]
    result = run_jubao("documents", str(CASE), "--out", str(out), *asked, JUBAO_PLUGIN_DRAFTING_TIMEOUT="1")
    assert time.monotonic() - started < 60
    assert result.returncode == 1, result.stderr
    errors = {c["channel"]: c.get("error") for c in json.loads((out / "index.json").read_text("utf-8"))["channels"]}
    assert errors["tp_slow_a"].startswith("build_documents did not finish within 1 s (JUBAO_PLUGIN_DRAFTING_TIMEOUT)")
    assert errors["tp_slow_b"].startswith("build_documents skipped: the plugin overran its time limit")
    assert errors["police"] is None
    assert (out / "police").is_dir()


SPIN_DRAFTING = """
@hookimpl
def build_documents(context):
    while True:
        pass
"""
SECOND_CHANNEL = """
SECOND = CHANNEL.model_copy(update={"id": "tp_slow_b"})

@hookimpl
def register_channels(register):
    register(CHANNEL)
    register(SECOND)
"""


def test_a_plugin_that_cannot_be_stopped_does_not_keep_jubao_running(site: Path) -> None:
    """A hook that swallows the stop request keeps its (daemon) thread busy; jubao still reports it and exits."""
    code = plugin_code("tp_stuck_channel", "\n@hookimpl\ndef register_facts(register):\n    " + UNSTOPPABLE + "\n")
    distribution(site, "tp_stuck", code)
    started = time.monotonic()
    result = run_jubao("evaluate", str(CASE), JUBAO_PLUGIN_TIMEOUT="1", timeout=90)
    assert time.monotonic() - started < 90
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("! 已跳过插件 tp_stuck：registration hooks did not finish within 1 s")
    strict = run_jubao("--strict-plugins", "evaluate", str(CASE), JUBAO_PLUGIN_TIMEOUT="1", timeout=90)
    assert strict.returncode == 1
    assert "tp_stuck" in strict.stderr


def test_the_time_limit_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from jubao.watchdog import DEFAULT_TIMEOUT, TIMEOUT_ENV, timeout_from_env  # noqa: PLC0415

    for raw, expected in [("", DEFAULT_TIMEOUT), ("2.5", 2.5), ("0", None), ("off", None), ("x", DEFAULT_TIMEOUT),
                          ("-1", DEFAULT_TIMEOUT), ("nan", DEFAULT_TIMEOUT), ("inf", DEFAULT_TIMEOUT)]:  # fmt: skip
        monkeypatch.setenv(TIMEOUT_ENV, raw)
        assert timeout_from_env() == expected, raw


def test_built_in_plugins_start_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A normal run (only jubao's own plugins) pays nothing for the time limits: no worker thread is started."""
    started: list[str] = []
    real_start = threading.Thread.start

    def start(self: threading.Thread) -> None:
        started.append(self.name)
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    loaded = load_plugins()
    with Engine(plugins=loaded) as engine:
        evaluation = engine.evaluate(load_case(CASE))
    from jubao.plugins import build_documents  # noqa: PLC0415

    assert build_documents(loaded, "police", load_case(CASE), evaluation)
    assert not [name for name in started if name.startswith("jubao-plugin-")]


def test_a_slow_plugin_within_its_limit_is_waited_for(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUBAO_PLUGIN_TIMEOUT", "5")
    distribution(site, "tp_slow_ok", plugin_code("tp_slow_ok_channel", "import time\ntime.sleep(0.2)\n"))
    loaded = load_plugins()
    assert loaded.errors == []
    assert loaded.channel_owner["tp_slow_ok_channel"] == "tp_slow_ok"


# --- describe_exception over any text ----------------------------------------------------------------------------


def _raised(kind: str, secret: str) -> BaseException:
    """An exception of ``kind`` carrying ``secret`` in its message, a validation message, a location or a field."""
    from typing import Annotated, Literal  # noqa: PLC0415

    from pydantic import BaseModel, Field, field_validator  # noqa: PLC0415
    from pydantic_core import PydanticCustomError  # noqa: PLC0415

    class Checked(BaseModel):
        value: str

        @field_validator("value")
        @classmethod
        def check(cls, value: str) -> str:
            if kind == "custom":
                raise PydanticCustomError("bad_value", f"bad {value}", {"value": value})
            raise ValueError(f"bad {value}")

    class Cat(BaseModel):
        kind: Literal["cat"]

    class Dog(BaseModel):
        kind: Literal["dog"]

    class Tagged(BaseModel):
        pet: Annotated[Cat | Dog, Field(discriminator="kind")]

    class Keyed(BaseModel):
        rows: dict[str, int]

    try:
        if kind == "plain":
            raise ValueError(secret)
        if kind in ("validator", "custom"):
            Checked(value=secret)
        if kind == "tag":
            Tagged.model_validate({"pet": {"kind": secret}})
        if kind == "key":
            Keyed.model_validate({"rows": {secret: "x"}})
        if kind == "module":
            raise ModuleNotFoundError("x", name=secret)
        if kind == "syntax":
            raise SyntaxError("x", (secret, 1, 1, secret))
    except Exception as exc:  # the exception is what the test describes
        return exc
    raise AssertionError(kind)


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["plain", "validator", "custom", "tag", "key", "module", "syntax"]),
    secret=st.text(alphabet="0123456789李小红王晓明张", min_size=6, max_size=20),
)
def test_a_described_exception_never_holds_its_text(kind: str, secret: str) -> None:
    """Whatever text an exception carries — in its message, a validator's message, a custom error, a union tag,
    a dict key in the location, a module name or a file name — its description at run time does not hold it."""
    from jubao.plugins import describe_exception  # noqa: PLC0415

    described = describe_exception(_raised(kind, secret))
    assert secret not in described
    assert described  # still says something: the type, the field path or the place


TITLE_CHANNEL_YAML = """\
id: tp_titles
name: {zh: 测试, en: test}
authority: {zh: 测试, en: test}
scope:
  accepts: [{zh: 测试, en: test}]
filing:
  - {kind: phone, address: "12345", status: V}
provenance: {sources: [test], last_verified: 2026-11-01, status: V}
formats: [md]
documents:
  - {template: letter}
"""
TITLE_TEMPLATE = "# 致{{ ctx.case.lender.name }}的函\\n\\n{{ extra_text }}\\n"
TITLE_PLUGIN = """
from pathlib import Path
from jubao import TemplateChannel


def spin(context):
    while True:
        pass


plugin = TemplateChannel(__name__, values=spin)
"""


def test_a_case_dependent_title_that_hangs_does_not_hang_the_plan(site: Path) -> None:
    """``jubao plan`` lists document titles; a title that depends on the case is rendered, with the plugin's own
    ``values`` code. A third-party template channel whose code never returns: the plan still comes (its documents
    unlisted), within the drafting time limit — before, only ``build_documents`` had one."""
    package = site / "tp_titles"
    (package / "templates").mkdir(parents=True)
    (package / "rules").mkdir()
    (package / "__init__.py").write_text(TITLE_PLUGIN, encoding="utf-8")
    (package / "channel.yaml").write_text(TITLE_CHANNEL_YAML, encoding="utf-8")
    (package / "templates" / "letter.md.j2").write_text(TITLE_TEMPLATE, encoding="utf-8")
    (package / "rules" / "route.yaml").write_text(
        "rules:\n  - id: tp_titles.route\n    title: {zh: 测试, en: test}\n    when: {fact: lender_named, eq: true}\n"
        "    then: {routes: [{channel: tp_titles, priority: 5, reason: {zh: 测试, en: test}}]}\n"
        "    citations: [{instrument: test, status: policy}]\n",
        encoding="utf-8",
    )
    info = site / "tp_titles-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tp-titles\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[jubao]\ntp_titles = tp_titles:plugin\n", encoding="utf-8")
    started = time.monotonic()
    result = run_jubao("plan", str(CASE), "--as-of", "2026-11-23", "--json", timeout=90,
                       JUBAO_PLUGIN_DRAFTING_TIMEOUT="1")  # fmt: skip
    assert time.monotonic() - started < 60
    assert result.returncode == 0, result.stderr
    steps = {step["channel"]: step for step in json.loads(result.stdout)["steps"]}
    assert steps["tp_titles"]["documents"] == []
    assert steps["police"]["documents"]  # the built-in channels are listed as usual
