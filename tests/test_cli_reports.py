"""``pricewatch report`` and ``pricewatch reports list`` through the real command line (Click's
runner, in process), on SQLite and PostgreSQL; ``--send`` to a real SMTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import reportdata
from click.testing import CliRunner
from smtpserver import SmtpServer

from pricewatch.cli.main import cli
from pricewatch.config import get_config
from pricewatch.db import Store

PERIOD_ARGS = ["--from", "2026-11-13", "--to", "2026-11-19"]


@pytest.fixture
def seeded(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    with Store.from_url(db_url) as store:
        reportdata.seed(store)
    monkeypatch.setenv("PRICEWATCH_DB_URL", db_url)
    monkeypatch.chdir(tmp_path)
    get_config.cache_clear()
    return db_url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_report_writes_html_and_xlsx_to_the_default_directory(seeded: str, tmp_path: Path) -> None:
    code, out, err = run("report", "acme", *PERIOD_ARGS)
    assert code == 0, err
    # --to 2026-11-19 is the whole 19th in Shanghai: the folder is that day's.
    assert out.splitlines() == [
        "reports/out/acme/2026-11-19/acme-2026-11-19.html",
        "reports/out/acme/2026-11-19/acme-2026-11-19.xlsx",
    ]
    html = (tmp_path / out.splitlines()[0]).read_text(encoding="utf-8")
    assert "价格报告" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    code, out, _ = run("reports", "list", "--json")
    [listed] = [json.loads(line) for line in out.splitlines()]
    assert listed["client"] == "acme" and listed["status"] == "written"
    assert listed["formats"] == ["html", "xlsx"] and listed["deliveries"] == 0
    assert listed["period"] == {
        "start": "2026-11-12T16:00:00+00:00",
        "end": "2026-11-19T16:00:00+00:00",
    }
    assert listed["summary"]["products"] == 4


def test_report_json_to_another_directory(seeded: str, tmp_path: Path) -> None:
    code, out, err = run(
        "report", "acme", "--since", "30d", "--format", "json", "--out", str(tmp_path / "elsewhere")
    )
    assert code == 0, err
    [path] = out.splitlines()
    assert Path(path).parent == tmp_path / "elsewhere" and path.endswith(".json")
    assert json.loads(Path(path).read_text(encoding="utf-8"))["client"] == "acme"
    code, out, _ = run("reports", "list")
    assert code == 0 and "acme" in out and "json" in out and "written" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["report", "nobody"], 1, "error: no client 'nobody'"),
        (["report", "acme", "--format", "html,docx"], 2, "unknown report format 'docx'"),
        (["report", "acme", "--since", "7d", "--from", "2026-11-01"], 2, "not both"),
        (["report", "acme", "--since", "soon"], 2, "--since 'soon': expected 7d"),
        (["report", "acme", "--send"], 1, "error: --send needs PRICEWATCH_SMTP_URL"),
        (["reports", "list", "--client", "nobody"], 1, "error: no client 'nobody'"),
    ],
)
def test_bad_report_commands(
    seeded: str, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    status, out, err = run(*args)
    assert status == code and message in err and len(err.strip().splitlines()) == 1
    assert out == "" and not (tmp_path / "reports").exists()  # nothing written


def test_report_send(seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with SmtpServer(tmp_path) as smtp:
        monkeypatch.setenv("PRICEWATCH_SMTP_URL", smtp.url)
        monkeypatch.setenv("PRICEWATCH_SMTP_PASSWORD", "s3cret-pa55")
        monkeypatch.setenv("PRICEWATCH_SMTP_CA_FILE", str(smtp.ca_file))
        monkeypatch.setenv("PRICEWATCH_SMTP_FROM", "reports@pricewatch.example")
        code, out, err = run("report", "acme", *PERIOD_ARGS, "--send")
    assert code == 0, err
    assert err.strip() == "sent to boss@acme.example"
    [message] = smtp.messages
    assert message["To"] == "boss@acme.example" and message["From"] == "reports@pricewatch.example"
    assert sorted(p.get_filename() for p in message.iter_attachments()) == [
        "acme-2026-11-19.html",
        "acme-2026-11-19.xlsx",
    ]
    _, out, _ = run("reports", "list", "--json")
    listed = json.loads(out.splitlines()[0])
    assert (listed["status"], listed["deliveries"], listed["last_delivery_error"]) == (
        "sent",
        1,
        None,
    )


def test_report_send_failure_keeps_the_files(
    seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpServer(tmp_path) as smtp:
        monkeypatch.setenv("PRICEWATCH_SMTP_URL", smtp.url)
        monkeypatch.setenv("PRICEWATCH_SMTP_PASSWORD", "not-the-password")
        monkeypatch.setenv("PRICEWATCH_SMTP_CA_FILE", str(smtp.ca_file))
        code, out, err = run("report", "acme", *PERIOD_ARGS, "--send")
    assert code == 1
    assert (
        err.startswith("error: e-mail not sent (1 attempt): ")
        and "refused the login for mailer" in err
    )
    assert err.strip().endswith("the report is kept in reports/out/acme/2026-11-19")
    assert "not-the-password" not in out + err
    assert all((tmp_path / line).is_file() for line in out.splitlines())
    _, listing, _ = run("reports", "list")
    assert "send_failed" in listing and "not-the-password" not in listing
