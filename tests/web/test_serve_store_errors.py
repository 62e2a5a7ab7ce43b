"""``jubao serve`` (and ``--wipe``) when the case database cannot be used: one sentence in the person's language
saying what is wrong and what to do — never the store's English code, never a traceback — exit 1, and nothing
created or changed on the way.

These are the refusals someone meets at start-up: a mistyped ``--db`` or ``JUBAO_DB``, a database made by a newer
jubao after a downgrade, a data directory that cannot be made, a file that is not jubao's database, and a wipe that
the system stops half-way."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jubao.cli import serve_cmd
from jubao.cli.main import cli
from jubao.i18n import Lang, catalog
from jubao.store import Store
from jubao.store import files as store_files

COMMENTED = (Path(__file__).parents[2] / "examples" / "credit-card-employer.yaml").read_text(encoding="utf-8")


def _serve(*args: str, lang: str = "zh") -> Result:
    return CliRunner().invoke(cli, ["--lang", lang, "serve", "--port", "0", "--no-browser", *args])


def _refused(result: Result) -> str:
    """The one line ``jubao serve`` printed; it must have refused cleanly."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "内部出错" not in result.output
    assert "internal error" not in result.output.lower()
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("✗ ")
    return lines[0]


@pytest.mark.parametrize(
    ("url", "zh", "en"),
    [
        ("not a url", "给的不是数据库地址", "is not a database URL"),
        ("sqlite://", "缺少文件路径", "has no file path"),
        ("sqlite:///:memory:", "缺少文件路径", "has no file path"),
        ("mysql://user@localhost/jubao", "只能用 SQLite（sqlite:///…）或 PostgreSQL", "use SQLite (sqlite:///…) or"),
        ("postgresql+psycopg2://localhost/jubao", "数据库驱动 psycopg2 jubao 不支持", "driver psycopg2 named"),
        ("sqlite+pysqlcipher:///x.db", "去掉地址里的 “+pysqlcipher”", 'Remove "+pysqlcipher"'),
    ],
)
def test_a_database_url_jubao_cannot_use_is_explained_in_the_persons_language(
    tmp_path: Path, url: str, zh: str, en: str
) -> None:
    data_dir = tmp_path / "data"
    for lang, expected in (("zh", zh), ("en", en)):
        line = _refused(_serve("--db", url, "--data-dir", str(data_dir), lang=lang))
        assert expected in line
        assert "bad_url" not in line
        assert "unsupported_db" not in line
    assert not data_dir.exists()  # refused before anything was made


def test_the_database_url_from_the_environment_is_explained_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUBAO_DB", "not a url")
    line = _refused(_serve("--data-dir", str(tmp_path / "data")))
    assert "--db（或 JUBAO_DB）给的不是数据库地址" in line


def test_postgresql_without_its_driver_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a))
    line = _refused(_serve("--db", "postgresql://localhost/jubao", "--data-dir", str(tmp_path / "data")))
    assert line == "✗ 使用 PostgreSQL 需要先安装它的驱动：pip install 'jubao[postgresql]'"


def test_a_postgresql_server_that_does_not_answer_says_what_to_check(tmp_path: Path) -> None:
    """Port 1 on this machine: nothing listens there, so the connection is refused at once."""
    line = _refused(_serve("--db", "postgresql://jubao@127.0.0.1:1/jubao", "--data-dir", str(tmp_path / "data")))
    assert line.startswith("✗ 案件数据库现在无法使用（connection failed: ")
    assert line.endswith(
        "请检查 PostgreSQL 服务器是否在运行，以及 --db（或 JUBAO_DB）里的主机、端口、数据库名、用户名和权限是否正确。"
    )


def test_a_database_from_a_newer_jubao_says_to_upgrade_and_is_left_as_it_was(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with Store.open(data_dir=data_dir) as store:
        store.create_case(COMMENTED)
    database = data_dir / "jubao.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()

    line = _refused(_serve("--data-dir", str(data_dir)))
    assert "更新版本的 jubao 建立的（结构版本 9999），这个版本打不开它，也没有改动它" in line
    assert "pip install --upgrade jubao" in line
    english = _refused(_serve("--data-dir", str(data_dir), lang="en"))
    assert "made by a newer jubao (schema revision 9999)" in english

    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [("9999",)]
        assert connection.execute("SELECT count(*) FROM cases").fetchone() == (1,)
    connection.close()


def test_a_data_directory_that_cannot_be_made_says_where_to_look(tmp_path: Path) -> None:
    in_the_way = tmp_path / "data"
    in_the_way.write_text("not a folder\n", encoding="utf-8")
    line = _refused(_serve("--data-dir", str(in_the_way / "inner")))
    assert line.startswith("✗ 无法建立数据目录（")
    assert "请检查 --data-dir（或 JUBAO_DATA_DIR）指向的位置" in line
    assert in_the_way.read_text(encoding="utf-8") == "not a folder\n"


def test_a_file_that_is_not_jubaos_database_is_named_as_such_and_left_alone(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = data_dir / "jubao.sqlite3"
    database.write_bytes(b"my notes, not a database\n" * 200)
    line = _refused(_serve("--data-dir", str(data_dir)))
    assert line.startswith("✗ 案件数据库现在无法使用（file is not a database）。请检查数据目录里的 jubao.sqlite3")
    assert database.read_bytes() == b"my notes, not a database\n" * 200

    wipe = _refused(_serve("--data-dir", str(data_dir), "--wipe", "--yes"))
    assert wipe == "✗ 无法删除：案件数据库无法使用（jubao.sqlite3: file is not a database）。没有删除任何东西。"
    assert database.read_bytes() == b"my notes, not a database\n" * 200


def test_a_wipe_the_system_stops_says_what_is_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    with Store.open(data_dir=data_dir) as store:
        store.create_case(COMMENTED)
    (data_dir / "cases").mkdir(exist_ok=True)

    def refuse(path: Path) -> bool:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(store_files, "remove_tree", refuse)
    result = _serve("--data-dir", str(data_dir), "--wipe", "--yes")
    line = [line for line in result.output.splitlines() if line.startswith("✗")]
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert line == [
        "✗ 删除没有完成：系统拒绝删除一个文件（Permission denied）。已经删除的部分无法恢复，其余的还在；"
        "请检查数据目录的权限，然后再运行一次 jubao serve --wipe。"
    ]
    assert (data_dir / "cases").is_dir()
    assert str(data_dir) not in line[0]  # a path may hold a person's name: the system's words only


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_refusal_serve_can_meet_has_its_own_sentence(lang: Lang) -> None:
    messages = catalog(lang)
    missing = [key for key in sorted(serve_cmd._STORE_ERRORS) if f"serve.store_error.{key}" not in messages]
    assert missing == []
