"""Bounded input: whatever a path names or a pipe carries, jubao reads a bounded amount, never waits for ever, and
answers with located problems (exit 2) — a FIFO, /dev/zero, /proc/self/pagemap, 200 MB on standard input, a huge
JSON Lines line, a manifest that is no file, a case with 100,000 incidents.

Tests that could hang on a regression run jubao in a subprocess with its own timeout (and a memory cap, for the
reads that would otherwise grow until MemoryError).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from jubao import CaseFileError
from jubao.cli.main import cli
from jubao.loading import load_case, parse_case, parse_case_text
from tests.conftest import EXAMPLES
from tests.input_cases import rich

CASE = EXAMPLES / "night-calls-borrower-only.yaml"
TIMEOUT = 90
"""Seconds a subprocess may take: each finishes in a few seconds when input is bounded, and never without."""

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev/zero and /proc are POSIX")
linux_only = pytest.mark.skipif(not Path("/proc/self/pagemap").exists(), reason="needs Linux /proc")


def _limit_memory() -> None:  # pragma: no cover - runs in the child before exec
    import resource  # noqa: PLC0415 - POSIX only

    cap = 1536 << 20  # before the fix, /dev/zero was read until MemoryError: let that come soon
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _jubao(*args: str, stdin: Any = subprocess.DEVNULL, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jubao", "--lang", "en", *args],
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=cwd,
        preexec_fn=_limit_memory if os.name == "posix" else None,
        check=False,
    )


def _codes(stdout: str) -> list[str]:
    """Problem codes from ``jubao validate --json``."""
    return [problem["code"] for file in json.loads(stdout)["files"] for problem in file["problems"]]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "case.yaml"
    os.mkfifo(path)
    return path


# --- case files ------------------------------------------------------------------------------------------------------


@posix_only
def test_a_fifo_named_yaml_is_refused_without_waiting(fifo: Path) -> None:
    result = _jubao("validate", "--json", str(fifo))  # before: blocked in open() for ever
    assert result.returncode == 2, result.stderr
    assert _codes(result.stdout) == ["not_a_regular_file"]


@posix_only
def test_a_case_linked_to_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "case.yaml"
    link.symlink_to("/dev/zero")
    result = _jubao("validate", "--json", str(link))  # before: read until MemoryError (exit 1)
    assert result.returncode == 2, result.stderr
    assert _codes(result.stdout) == ["not_a_regular_file"]


@linux_only
def test_a_case_linked_to_an_endless_proc_file_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    link = tmp_path / "case.yaml"
    link.symlink_to("/proc/self/pagemap")  # "regular", size 0, and it never ends
    result = _jubao("validate", "--json", str(link))
    assert result.returncode == 2, result.stderr
    assert _codes(result.stdout)[0] in ("file_too_large", "file_unreadable")


def test_a_file_over_the_limit_is_refused_whatever_stat_said(tmp_path: Path) -> None:
    from jubao.bounded import TooLargeError, read_regular  # noqa: PLC0415 - new in issue 15

    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 101)
    assert read_regular(path, 101) == b"x" * 101
    with pytest.raises(TooLargeError):
        read_regular(path, 100)


def test_a_case_file_over_the_limit_is_a_problem_with_the_limit(tmp_path: Path) -> None:
    from jubao.loading import MAX_CASE_BYTES  # noqa: PLC0415

    path = tmp_path / "case.yaml"
    text = CASE.read_text(encoding="utf-8")
    path.write_text(text + "#" * (MAX_CASE_BYTES - len(text.encode()) + 1), encoding="utf-8")
    with pytest.raises(CaseFileError) as caught:
        load_case(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.params["limit_mib"]) == ("file_too_large", "10")


# --- standard input -------------------------------------------------------------------------------------------------


def _endless_stdin(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run jubao with a case followed by an endless YAML comment on stdin; return the result and the bytes sent."""
    out, err = folder / "stdout", folder / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "jubao", "--lang", "en", *args],
            stdin=subprocess.PIPE,
            stdout=stdout,
            stderr=stderr,
            preexec_fn=_limit_memory if os.name == "posix" else None,  # noqa: PLW1509
        )
    pipe = process.stdin
    assert pipe is not None
    sent = 0

    def feed() -> None:
        nonlocal sent
        chunk = b"#" * (1 << 20) + b"\n"
        with contextlib.suppress(OSError, ValueError):  # the pipe closes when jubao stops reading: the point
            pipe.write(CASE.read_bytes())
            while sent < 400 << 20:  # 400 MB: more than enough to show it is not read whole
                pipe.write(chunk)
                sent += len(chunk)
        with contextlib.suppress(OSError, ValueError):
            pipe.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        process.wait(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        writer.join(TIMEOUT)
        with contextlib.suppress(OSError, ValueError):
            pipe.close()
    result = subprocess.CompletedProcess(
        process.args, process.returncode, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")
    )
    return result, sent


@pytest.mark.parametrize("command", [["validate", "--json", "-"], ["evaluate", "-"], ["plan", "-"]])
def test_standard_input_is_read_no_further_than_the_limit(command: list[str], tmp_path: Path) -> None:
    result, sent = _endless_stdin(tmp_path, *command)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "file is too large" in result.stderr or _codes(result.stdout) == ["file_too_large"]
    assert sent < 100 << 20  # it stopped reading (the pipe closed) long before the 400 MB were sent
    assert "Traceback" not in result.stderr


def test_a_case_on_standard_input_is_still_read() -> None:
    with CASE.open("rb") as handle:
        result = _jubao("validate", "--json", "-", stdin=handle)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["files"][0]["valid"] is True


def test_standard_input_that_is_not_utf8_is_a_problem_not_a_crash() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--lang", "en", "validate", "-"], input="title: \xff\n".encode("latin-1"))
    assert result.exit_code == 2
    assert "not UTF-8" in result.output


# --- JSON Lines -----------------------------------------------------------------------------------------------------


def _jsonl_case(padding: int = 0) -> bytes:
    """One case as one line of JSON; ``padding`` spaces inside it (valid JSON, and a line that long)."""
    data = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False, default=str)
    return (text[:-1] + " " * padding + "}\n").encode()


def test_a_json_lines_line_over_the_limit_is_a_problem_of_that_line_only() -> None:
    from jubao.loading import MAX_CASE_BYTES  # noqa: PLC0415

    stream = _jsonl_case() + _jsonl_case(MAX_CASE_BYTES) + _jsonl_case()
    result = CliRunner().invoke(cli, ["--lang", "en", "evaluate", "-"], input=stream)
    assert result.exit_code == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["ok"] for line in lines] == [True, False, True]
    assert [(p["code"], p["line"]) for p in lines[1]["problems"]] == [("line_too_long", 2)]


def test_a_json_lines_file_over_the_limit_line_by_line(tmp_path: Path) -> None:
    from jubao.batch import evaluate_many  # noqa: PLC0415
    from jubao.loading import MAX_CASE_BYTES  # noqa: PLC0415

    path = tmp_path / "cases.jsonl"
    path.write_bytes(_jsonl_case(MAX_CASE_BYTES + 10) + _jsonl_case())
    results = list(evaluate_many([path], today=None))
    assert [result.ok for result in results] == [False, True]
    assert [(p.code, p.line) for p in results[0].problems] == [("line_too_long", 1)]


@posix_only
def test_a_fifo_named_jsonl_is_refused_without_waiting(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    os.mkfifo(path)
    result = _jubao("evaluate", str(path))  # before: blocked in open() for ever
    assert result.returncode == 2, result.stderr
    (line,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["code"] for p in line["problems"]] == ["not_a_regular_file"]


# --- evidence files and manifests ------------------------------------------------------------------------------------


def _case_with_evidence(folder: Path, evidence_path: str, sha256: str = "0" * 64) -> Path:
    data = rich()
    data["evidence"][0].update(path=evidence_path, sha256=sha256)
    case = folder / "case.yaml"
    case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return case


@linux_only
def test_an_evidence_path_of_an_endless_proc_file_is_not_read_for_ever(tmp_path: Path) -> None:
    case = _case_with_evidence(tmp_path, "/proc/self/pagemap")
    started = time.monotonic()
    result = _jubao("evidence", "verify", str(case))  # before: read /proc/self/pagemap for ever
    assert result.returncode == 1, result.stderr  # the file is "missing or unreadable": a changed evidence item
    assert "missing or unreadable" in result.stdout
    assert time.monotonic() - started < TIMEOUT


@linux_only
def test_the_interview_fingerprints_evidence_within_the_same_bounds() -> None:
    probe = (
        "from pathlib import Path\n"
        "from jubao.interview.parsing import sha256_of\n"
        "try:\n"
        "    sha256_of(Path('/proc/self/pagemap'))\n"
        "except OSError:\n"
        "    print('refused')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )  # before: read /proc/self/pagemap for ever (jubao new, evidence given or re-fingerprinted)
    assert (result.returncode, result.stdout.strip()) == (0, "refused"), result.stderr


@posix_only
def test_evidence_that_is_a_fifo_or_a_device_is_never_opened_for_reading(tmp_path: Path) -> None:
    from jubao.evidence import FileStatus, fingerprint  # noqa: PLC0415

    os.mkfifo(tmp_path / "fifo.png")
    (tmp_path / "zero.png").symlink_to("/dev/zero")
    for name in ("fifo.png", "zero.png"):
        data = rich()
        data["evidence"][0]["path"] = name
        (print_,) = fingerprint(parse_case(data), tmp_path)
        assert print_.status is FileStatus.NOT_A_FILE


def test_evidence_over_the_size_limit_is_reported_not_hashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jubao import evidence  # noqa: PLC0415

    monkeypatch.setattr(evidence, "MAX_EVIDENCE_FILE_BYTES", 10)
    (tmp_path / "big.png").write_bytes(b"x" * 11)
    (tmp_path / "small.png").write_bytes(b"x" * 10)
    for name, status in (("big.png", "too_large"), ("small.png", "ok")):
        data = rich()
        data["evidence"][0]["path"] = name
        (print_,) = evidence.fingerprint(parse_case(data), tmp_path)
        assert print_.status == status


def test_an_evidence_file_that_grows_while_hashed_is_unreadable(tmp_path: Path) -> None:
    from jubao.bounded import ChangedWhileReadingError, hash_regular  # noqa: PLC0415

    path = tmp_path / "growing.bin"
    path.write_bytes(b"abc")
    assert hash_regular(path, 100) == ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 3)
    with _growing_after_stat(path), pytest.raises(ChangedWhileReadingError):
        hash_regular(path, 100)


@contextlib.contextmanager
def _growing_after_stat(path: Path) -> Iterator[None]:
    """Append to ``path`` right after ``os.fstat`` looked at it (as a file being recorded would grow)."""
    real = os.fstat

    def fstat(fd: int) -> os.stat_result:
        result = real(fd)
        with path.open("ab") as handle:
            handle.write(b"more")
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fstat", fstat)
        yield


@posix_only
def test_a_manifest_that_is_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    case = _case_with_evidence(tmp_path, "e1.png")
    manifest = tmp_path / "evidence.json"
    os.mkfifo(manifest)
    result = _jubao("evidence", "verify", str(case), "--manifest", str(manifest))  # before: blocked for ever
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr


def test_a_manifest_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jubao import evidence  # noqa: PLC0415

    monkeypatch.setattr(evidence, "MAX_MANIFEST_BYTES", 1 << 20)
    manifest = tmp_path / "evidence.json"
    manifest.write_bytes(b" " * ((1 << 20) + 1))
    with pytest.raises(evidence.ManifestError) as caught:
        evidence.read_manifest(manifest)
    assert caught.value.code == "manifest_too_large"
    assert "1 MiB" in caught.value.message("en")
    assert "MiB" in caught.value.message("zh")


def test_a_bad_manifest_names_the_place_never_a_key_or_value_from_it(tmp_path: Path) -> None:
    from jubao import evidence  # noqa: PLC0415

    manifest = tmp_path / "evidence.json"
    record = {"id": "E1", "number": 1, "path": "张三.png", "status": "ok", "李四 13912345678": 1}
    body = {"format": "jubao.evidence/1", "created": "2026-11-20T10:00:00+08:00", "items": [record]}
    manifest.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(evidence.ManifestError) as caught:
        evidence.read_manifest(manifest)
    for lang in ("zh", "en"):
        message = caught.value.message(lang)
        assert "items.0.?" in message
        assert "李四" not in message
        assert "13912345678" not in message


# --- limits on the size of a case -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loc", "limit_name", "item"),
    [
        (("incidents",), "MAX_INCIDENTS", {"time": "2026-11-01 10:00", "medium": "not-a-medium", "target": {}}),
        (("contacts", "reached"), "MAX_CONTACTS", {"id": "c1", "relation": "not-a-relation"}),
        (("evidence",), "MAX_EVIDENCE", {"id": "E1", "kind": "not-a-kind", "description": ""}),
    ],
)
def test_a_list_over_its_limit_is_one_located_problem_found_before_any_item_is_validated(
    loc: tuple[str, ...], limit_name: str, item: dict[str, Any]
) -> None:
    from jubao import case as case_module  # noqa: PLC0415

    limit = getattr(case_module, limit_name)
    data = rich()
    node: Any = data
    for part in loc[:-1]:
        node = node[part]
    node[loc[-1]] = [json.loads(json.dumps(item)) for _ in range(limit + 1)]  # all invalid; copies: no YAML aliases
    text = yaml.safe_dump(data, allow_unicode=True)
    with pytest.raises(CaseFileError) as caught:
        parse_case_text(text, fmt="yaml")
    (problem,) = caught.value.problems
    assert (problem.code, problem.loc, problem.params["max_length"]) == ("too_many_items", loc, str(limit))
    assert problem.line is not None
    assert problem.column is not None
    assert str(limit) in problem.message("zh")
    assert str(limit) in problem.message("en")
    assert problem.params["hint"].startswith("too_many_")  # says how to shorten the list


def test_a_list_at_its_limit_is_accepted() -> None:
    from jubao.case import MAX_CONTACTS  # noqa: PLC0415

    data = rich()
    data["contacts"]["reached"] = [{"id": f"c{i}", "relation": "friend"} for i in range(MAX_CONTACTS)]
    data["contacts"]["reached"][1] = data["contacts"]["reached"][0] | {"id": "c1"}  # the one incidents refer to
    assert len(parse_case(data).contacts.reached) == MAX_CONTACTS


def test_lists_built_in_python_have_the_same_limits() -> None:
    from jubao.case import MAX_ITEMS  # noqa: PLC0415

    data = rich()
    data["collectors"][0]["phones"] = ["170 0000 0702"] * (MAX_ITEMS + 1)
    with pytest.raises(CaseFileError) as caught:
        parse_case(data)
    assert [(p.code, p.path) for p in caught.value.problems] == [("too_many_items", "collectors[0].phones")]


def test_the_limits_are_documented() -> None:
    from jubao import case as case_module  # noqa: PLC0415

    doc = (EXAMPLES.parent / "docs" / "case-format.md").read_text(encoding="utf-8")
    for name in ("MAX_INCIDENTS", "MAX_CONTACTS", "MAX_EVIDENCE", "MAX_ITEMS"):
        assert f"{getattr(case_module, name):,}" in doc, name
