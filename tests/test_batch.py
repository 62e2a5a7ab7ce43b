"""Batch evaluation (issue 14, item 4): ``jubao.evaluate_many`` and ``jubao evaluate`` on many cases, across worker
processes, and the Dask example — results in input order, bad cases reported and skipped, the same evaluations as
one case at a time.

Cases are generated (``jubao.generate``: fictional people and numbers), evaluated on a fixed day.
"""

from __future__ import annotations

import contextlib
import json
import os
import pty
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import jubao
from jubao import BatchResult, Engine, evaluate_many, parse_case
from jubao.cli.main import cli
from jubao.generate import random_case_data
from tests.conftest import REPO

TODAY = date(2026, 11, 20)
"""After every generated date (``jubao.generate.LATEST``)."""
BAD_PHONE = "12345678"
"""Not a phone number: what a bad case holds, and what no output may repeat."""


def generated(count: int, seed: int = 1400) -> list[dict[str, Any]]:
    return [random_case_data(random.Random(seed + n)) for n in range(count)]


def broken(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with an invalid phone and a prior complaint to a channel that does not exist."""
    data = json.loads(json.dumps(data))
    data["reporter"]["phone"] = BAD_PHONE
    return data


def line(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def expected(engine: Engine, data: dict[str, Any]) -> dict[str, Any]:
    """What ``jubao evaluate --json`` gives for ``data``, as JSON data."""
    evaluation: dict[str, Any] = json.loads(engine.evaluate(parse_case(data), today=TODAY).model_dump_json(indent=2))
    return evaluation


def write_cases(folder: Path, cases: list[dict[str, Any]], *, bad: set[int] = frozenset()) -> list[Path]:  # type: ignore[assignment]
    """One file per case (YAML, every third JSON), named so that name order is input order; ``bad`` indexes are
    broken."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, original in enumerate(cases):
        data = broken(original) if n in bad else original
        if n % 3 == 2:
            path = folder / f"case-{n:03d}.json"
            path.write_text(line(data), encoding="utf-8")
        else:
            path = folder / f"case-{n:03d}.yaml"
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def jsonl(output: str) -> list[dict[str, Any]]:
    return [json.loads(row) for row in output.splitlines()]


# --- the Python API ------------------------------------------------------------------------------------------------


def test_results_come_in_input_order_with_two_workers(engine: Engine) -> None:
    cases = generated(30)
    results = list(evaluate_many(cases, jobs=2, today=TODAY, chunk_size=2))
    assert [result.index for result in results] == list(range(30))
    assert all(isinstance(result, BatchResult) and result.ok for result in results)
    assert [result.evaluation for result in results] == [expected(engine, data) for data in cases]
    # the same lines as one process gives
    alone = list(evaluate_many(cases, today=TODAY, engine=engine))
    assert [result.json_line() for result in results] == [result.json_line() for result in alone]


def test_a_bad_case_is_reported_with_its_problems_and_skipped(engine: Engine) -> None:
    cases = generated(6)
    texts: list[Any] = [line(data) for data in cases]
    texts[2] = line(broken(cases[2]))
    results = list(evaluate_many(texts, today=TODAY, engine=engine))
    assert [result.ok for result in results] == [True, True, False, True, True, True]
    bad = results[2]
    assert bad.evaluation_json is None
    assert bad.evaluation is None
    assert [(p.code, p.path, p.line) for p in bad.problems] == [("invalid_phone", "reporter.phone", 1)]
    assert bad.problems[0].column is not None
    row = json.loads(bad.json_line("zh"))
    assert row["ok"] is False
    assert row["problems"][0]["code"] == "invalid_phone"
    assert row["problems"][0]["path"] == "reporter.phone"
    assert BAD_PHONE not in bad.json_line("zh")
    assert BAD_PHONE not in bad.json_line("en")
    assert [result.evaluation for result in results if result.ok] == [
        expected(engine, data) for n, data in enumerate(cases) if n != 2
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_fail_fast_stops_after_the_first_bad_case(jobs: int) -> None:
    cases: list[Any] = generated(12)
    cases[4] = broken(cases[4])
    cases[9] = broken(cases[9])
    results = list(evaluate_many(cases, jobs=jobs, today=TODAY, fail_fast=True, chunk_size=2))
    assert [result.index for result in results] == [0, 1, 2, 3, 4]
    assert [result.ok for result in results] == [True, True, True, True, False]
    # without it, both bad cases are reported and the rest evaluated
    results = list(evaluate_many(cases, jobs=jobs, today=TODAY, chunk_size=2))
    assert [n for n, result in enumerate(results) if not result.ok] == [4, 9]


def test_inputs_may_be_paths_texts_mappings_cases_and_json_lines(engine: Engine, tmp_path: Path) -> None:
    cases = generated(7)
    folder = tmp_path / "folder"
    write_cases(folder, cases[:2])
    single = tmp_path / "single.yaml"
    single.write_text(yaml.safe_dump(cases[2], allow_unicode=True), encoding="utf-8")
    stream = tmp_path / "more.jsonl"
    stream.write_text(f"{line(cases[3])}\n\n{line(cases[4])}\n", encoding="utf-8")
    inputs: list[Any] = [folder, str(single), stream, line(cases[5]).encode(), parse_case(cases[6]), cases[0]]
    results = list(evaluate_many(inputs, today=TODAY, engine=engine))
    assert [(r.index, r.location) for r in results] == [
        (0, str(folder / "case-000.yaml")),
        (1, str(folder / "case-001.yaml")),
        (2, str(single)),
        (3, f"{stream}:1"),
        (4, f"{stream}:3"),  # blank lines are skipped, the line numbers are the file's
        (5, "<text>"),
        (6, "<data>"),
        (7, "<data>"),
    ]
    assert [r.evaluation for r in results] == [expected(engine, data) for data in [*cases, cases[0]]]
    # one open JSON Lines stream, binary or text
    with stream.open("rb") as binary, stream.open(encoding="utf-8") as text:
        assert [r.evaluation for r in evaluate_many(binary, today=TODAY, engine=engine)] == [
            r.evaluation for r in evaluate_many(text, today=TODAY, engine=engine)
        ]
    assert results[0].to_evaluation() == engine.evaluate(parse_case(cases[0]), today=TODAY)


def test_a_json_lines_problem_is_located_on_its_line_of_the_stream(engine: Engine, tmp_path: Path) -> None:
    cases = generated(3)
    stream = tmp_path / "cases.jsonl"
    stream.write_text(f"{line(cases[0])}\n{line(broken(cases[1]))}\n{{not json\n", encoding="utf-8")
    results = list(evaluate_many(stream, today=TODAY, engine=engine))
    assert [r.ok for r in results] == [True, False, False]
    assert [(p.code, p.line) for p in results[1].problems] == [("invalid_phone", 2)]
    assert results[1].location == f"{stream}:2"
    assert [(p.code, p.line, p.column) for p in results[2].problems] == [("json_syntax", 3, 2)]


def test_evaluate_many_and_its_result_are_public_and_lazy(engine: Engine) -> None:
    code = (
        "import sys, jubao; assert 'jubao.batch' not in sys.modules; jubao.evaluate_many, jubao.BatchResult; print(1)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.stdout.strip() == "1", run.stderr
    assert jubao.evaluate_many is evaluate_many
    with pytest.raises(ValueError, match="jobs=1"):
        evaluate_many([], jobs=2, engine=engine)
    with pytest.raises(ValueError, match="jobs"):
        evaluate_many([], jobs=-1)


# --- jubao evaluate on many cases -----------------------------------------------------------------------------------


def test_cli_evaluates_a_directory_in_name_order(runner: CliRunner, engine: Engine, tmp_path: Path) -> None:
    cases = generated(5)
    paths = write_cases(tmp_path / "cases", cases)
    (tmp_path / "cases" / "notes.txt").write_text("not a case", encoding="utf-8")
    result = runner.invoke(cli, ["evaluate", str(tmp_path / "cases"), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    rows = jsonl(result.stdout)
    assert [row["index"] for row in rows] == [0, 1, 2, 3, 4]
    assert [row["source"] for row in rows] == [str(path) for path in paths]
    assert all(row["ok"] for row in rows)
    assert [row["evaluation"] for row in rows] == [expected(engine, data) for data in cases]
    assert result.stderr.endswith("共 5 个案件：5 个已评估，0 个无效。\n")


def test_cli_evaluates_many_files_in_the_order_given(runner: CliRunner, tmp_path: Path) -> None:
    paths = write_cases(tmp_path, generated(4), bad={1})
    given = [paths[3], paths[1], paths[0], paths[2]]
    result = runner.invoke(cli, ["--lang", "en", "evaluate", *map(str, given), "--today", TODAY.isoformat()])
    assert result.exit_code == 2, result.output
    rows = jsonl(result.stdout)
    assert [row["source"] for row in rows] == [str(path) for path in given]
    assert [row["ok"] for row in rows] == [True, False, True, True]
    assert rows[1]["problems"][0]["message"].startswith("not a valid phone number")
    assert "evaluation" not in rows[1]
    assert set(rows[0]) == {"index", "source", "ok", "evaluation"}
    # the bad case is also shown on stderr, located, as for one file
    assert f"✗ {paths[1]}: 1 problem(s)" in result.stderr
    assert f"  {paths[1]}:4:" in result.stderr
    assert result.stderr.rstrip().endswith("4 case(s): 3 evaluated, 1 invalid.")
    assert BAD_PHONE not in result.output


def test_cli_reads_json_lines_on_stdin(runner: CliRunner, engine: Engine) -> None:
    cases = generated(4)
    text = "\n".join([line(cases[0]), line(cases[1]), "", line(broken(cases[2])), line(cases[3])]) + "\n"
    result = runner.invoke(cli, ["evaluate", "-", "--today", TODAY.isoformat()], input=text)
    assert result.exit_code == 2, result.output
    rows = jsonl(result.stdout)
    assert [(row["index"], row["source"], row["ok"]) for row in rows] == [
        (0, "<标准输入>:1", True),
        (1, "<标准输入>:2", True),
        (2, "<标准输入>:4", False),
        (3, "<标准输入>:5", True),
    ]
    assert [row["evaluation"] for row in rows if row["ok"]] == [expected(engine, cases[n]) for n in (0, 1, 3)]
    assert "  <标准输入>:4:" in result.stderr  # the line of the stream, with the column on it
    # --jobs: the same lines
    parallel = runner.invoke(cli, ["evaluate", "-", "--jobs", "2", "--today", TODAY.isoformat()], input=text)
    assert parallel.stdout == result.stdout


def test_one_case_on_stdin_is_still_one_case(runner: CliRunner) -> None:
    data = generated(1)[0]
    as_yaml = yaml.safe_dump(data, allow_unicode=True)
    for text in (as_yaml, line(data) + "\n", json.dumps(data, ensure_ascii=False, indent=2)):
        result = runner.invoke(cli, ["evaluate", "-", "--today", TODAY.isoformat(), "--json"], input=text)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["format"] == "jubao.evaluation/1"  # one document, not JSON Lines
    # --jsonl makes one JSON line of it
    result = runner.invoke(cli, ["evaluate", "-", "--jsonl", "--today", TODAY.isoformat()], input=line(data))
    assert [row["index"] for row in jsonl(result.stdout)] == [0]


def test_batch_lines_hold_what_evaluate_json_gives_for_each_case(runner: CliRunner, tmp_path: Path) -> None:
    paths = write_cases(tmp_path / "cases", generated(4))
    batch = jsonl(runner.invoke(cli, ["evaluate", str(tmp_path / "cases"), "--today", TODAY.isoformat()]).stdout)
    for path, row in zip(paths, batch, strict=True):
        one = runner.invoke(cli, ["evaluate", str(path), "--today", TODAY.isoformat(), "--json"])
        assert json.loads(one.stdout) == row["evaluation"]
    # and --jsonl gives one file the batch form
    result = runner.invoke(cli, ["evaluate", str(paths[0]), "--jsonl", "--today", TODAY.isoformat()])
    assert jsonl(result.stdout) == batch[:1]


def test_exit_status_summarises(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = write_cases(tmp_path / "good", generated(2))
    args = ["evaluate", *map(str, good), "--today", TODAY.isoformat()]
    assert runner.invoke(cli, args).exit_code == 0
    missing = tmp_path / "missing.yaml"
    result = runner.invoke(cli, [*args, str(missing)])
    assert result.exit_code == 2
    assert jsonl(result.stdout)[2]["problems"][0]["code"] == "file_not_found"

    def fails(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"a bug while reading {BAD_PHONE}")

    monkeypatch.setattr(Engine, "evaluate", fails)
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "RuntimeError" in result.stderr
    assert BAD_PHONE not in result.output
    assert "Traceback" not in result.output


def test_cli_fail_fast_stops_at_the_first_invalid_case(runner: CliRunner, tmp_path: Path) -> None:
    paths = write_cases(tmp_path, generated(5), bad={1, 3})
    args = ["evaluate", *map(str, paths), "--fail-fast", "--today", TODAY.isoformat()]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert [row["ok"] for row in jsonl(result.stdout)] == [True, False]
    assert "--fail-fast" in result.stderr


def test_empty_folder_and_stdin_twice(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["evaluate", str(tmp_path)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "没有 .yaml、.yml 或 .json 文件" in result.stderr
    result = runner.invoke(cli, ["evaluate", "-", "-"], input="")
    assert result.exit_code == 2
    assert "只能给一次" in result.stderr


# --- as a real process: a pipe gets no progress bar, a terminal does ------------------------------------------------


def _jubao() -> list[str]:
    script = Path(sys.executable).parent / "jubao"
    return [str(script)] if script.exists() else [sys.executable, "-m", "jubao"]


def _environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if not name.startswith("JUBAO_")}


def test_a_piped_run_has_no_progress_bar(tmp_path: Path) -> None:
    cases = generated(6)
    text = "".join(line(data) + "\n" for data in cases)
    run = subprocess.run(
        [*_jubao(), "evaluate", "-", "--jobs", "2", "--today", TODAY.isoformat()],
        input=text.encode(),
        capture_output=True,
        env=_environment(),
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode()
    assert [row["index"] for row in jsonl(run.stdout.decode())] == list(range(6))
    stderr = run.stderr.decode()
    assert stderr.endswith("共 6 个案件：6 个已评估，0 个无效。\n")
    assert "评估案件" not in stderr  # the progress bar's label
    assert "\r" not in stderr


def test_a_terminal_gets_a_progress_bar(tmp_path: Path) -> None:
    write_cases(tmp_path / "cases", generated(3))
    leader, follower = pty.openpty()
    with (tmp_path / "out.jsonl").open("wb") as out:
        process = subprocess.Popen(
            [*_jubao(), "evaluate", str(tmp_path / "cases"), "--today", TODAY.isoformat()],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=follower,
            env=_environment(),
        )
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the process closed its end
                break
            if not chunk:
                break
            drawn += chunk
        assert process.wait() == 0
    os.close(leader)
    screen = drawn.decode("utf-8", "replace")
    assert "评估案件" in screen
    assert "\r" in screen
    assert "3/3" in screen
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def _in_session(session: int) -> list[int]:
    """The processes of a session (Linux /proc): the command, its forkserver and workers."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if fields[0] != "Z" and int(fields[3]) == session:
            found.append(int(entry.name))
    return found


def _batch_on_open_stdin(cases: list[dict[str, Any]], *, output: int) -> subprocess.Popen[bytes]:
    """``jubao evaluate - --jobs 2`` in a session of its own, given ``cases`` on a standard input left open: it
    waits for more cases while its workers evaluate these."""
    process = subprocess.Popen(
        [*_jubao(), "evaluate", "-", "--jobs", "2", "--today", TODAY.isoformat()],
        stdin=subprocess.PIPE,
        stdout=output,
        stderr=output,
        start_new_session=True,
        env=_environment(),
    )
    assert process.stdin is not None
    process.stdin.write("".join(line(data) + "\n" for data in cases).encode())
    process.stdin.flush()
    return process


def _session_ended(session: int) -> bool:
    for _ in range(600):
        if not _in_session(session):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_the_command_is_killed() -> None:
    """Killed outright (it cannot stop its pool), ``jubao evaluate --jobs 2`` leaves no worker waiting forever."""
    process = _batch_on_open_stdin(generated(40), output=subprocess.DEVNULL)
    assert process.stdin is not None
    for _ in range(600):
        if len(_in_session(process.pid)) >= 4:  # jubao, the forkserver and two workers (and a resource tracker)
            break
        time.sleep(0.1)
    assert len(_in_session(process.pid)) >= 4
    process.kill()
    process.wait()
    process.stdin.close()
    assert _session_ended(process.pid)


def _parent(pid: int) -> int | None:
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[-1].split()[1])
    except (OSError, ValueError):
        return None


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError):
            fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[-1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_worker_stops_the_batch_after_the_whole_results_saying_why() -> None:
    """The out-of-memory killer ends a worker with SIGKILL. Every case evaluated before is still written, whole and
    in order; then the person learns that a worker was killed, how many results there are and what to do — not
    "internal error, report it" — and no process is left behind."""
    cases = generated(80)
    process = _batch_on_open_stdin(cases[:48], output=subprocess.PIPE)  # three chunks of 16; it waits for a fourth
    workers: list[int] = []
    for _ in range(600):
        workers = [pid for pid in _in_session(process.pid) if _parent(_parent(pid) or 0) == process.pid]
        if len(workers) >= 2:
            break
        time.sleep(0.1)
    assert len(workers) >= 2
    idle, last = 0, -1
    for _ in range(1200):  # until the workers have used no CPU for a second: the three chunks are evaluated
        ticks = _cpu_ticks(workers)
        idle = idle + 1 if ticks == last and ticks > 0 else 0
        if idle >= 10:
            break
        last = ticks
        time.sleep(0.1)
    os.kill(workers[0], signal.SIGKILL)
    time.sleep(0.5)  # the pool notices before the next chunk is sent
    out, err = process.communicate("".join(line(data) + "\n" for data in cases[48:]).encode(), timeout=120)
    stderr = err.decode()
    assert process.returncode == 1, stderr
    assert "一个评估进程意外结束（被 SIGKILL 信号结束" in stderr
    assert "前 48 个案件的结果已经输出，完整可用；其余案件没有评估" in stderr
    assert "请用更少的进程（例如 --jobs 1）重新运行" in stderr
    for noise in ("内部出错", "Traceback", "Exception ignored"):
        assert noise not in stderr
    assert [row["index"] for row in jsonl(out.decode())] == list(range(48))
    assert _session_ended(process.pid)


# --- the Dask example -----------------------------------------------------------------------------------------------


def test_the_dask_example_gives_the_single_process_results(engine: Engine, tmp_path: Path) -> None:
    cases: list[Any] = generated(300, seed=7000)
    cases[17] = broken(cases[17])
    cases[251] = broken(cases[251])
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(line(data) + "\n" for data in cases), encoding="utf-8")
    out = tmp_path / "out"
    script = REPO / "examples" / "distributed-dask" / "run.py"
    run = subprocess.run(
        [sys.executable, str(script), str(source), "--out", str(out), "--partitions", "2", "--workers", "2",
         "--today", TODAY.isoformat()],
        capture_output=True, text=True, env=_environment(), check=False, timeout=600,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr  # two invalid cases
    assert "300 cases in 2 partitions: 298 evaluated, 2 invalid" in run.stderr
    assert sorted(p.name for p in (out / "parts").iterdir()) == ["part-00000.jsonl", "part-00001.jsonl"]
    distributed = jsonl((out / "results.jsonl").read_text(encoding="utf-8"))
    alone = [json.loads(result.json_line()) for result in evaluate_many(source, today=TODAY, engine=engine)]

    def essence(row: dict[str, Any]) -> tuple[Any, ...]:
        problems = [(p["code"], p["path"], p["column"]) for p in row.get("problems", [])]
        return row["index"], row["ok"], row.get("evaluation"), problems

    assert len(distributed) == len(alone) == 300
    assert [essence(row) for row in distributed] == [essence(row) for row in alone]
    # each case was read from a partition file, on its line there
    assert distributed[0]["source"] == f"{out / 'parts' / 'part-00000.jsonl'}:1"
    assert distributed[150]["source"] == f"{out / 'parts' / 'part-00001.jsonl'}:1"
    assert [row["index"] for row in distributed if not row["ok"]] == [17, 251]
