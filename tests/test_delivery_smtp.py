"""E-mailing reports to a real SMTP server (aiosmtpd on 127.0.0.1): STARTTLS and implicit TLS
with a self-signed certificate made here, AUTH, retries with backoff, permanent refusals, every
attempt recorded (SQLite and PostgreSQL), the password never shown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import reportdata
from reportdata import PERIOD
from smtpserver import SmtpServer, free_port
from sqlalchemy import select
from sqlalchemy.orm import Session

from pricewatch.config import load_config
from pricewatch.db import Store
from pricewatch.db.models import ReportDelivery
from pricewatch.delivery.smtp import (
    DeliveryError,
    SmtpSettings,
    SmtpTarget,
    build_message,
    deliver,
    parse_smtp_url,
)
from pricewatch.reports.render.email import render_email
from pricewatch.reports.writer import WrittenReport, write_report

# The smtps server is wrapped in TLS, which aiosmtpd cannot see (see smtpserver.py).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

PASSWORD = "s3cret-pa55"
RECIPIENTS = ("boss@acme.example", "buyer@acme.example")


def written(store: Store, tmp_path: Path) -> WrittenReport:
    reportdata.seed(store)
    return write_report(
        store, "acme", PERIOD, formats=("html", "xlsx", "json"), directory=tmp_path / "out"
    )


def settings(url: str, password: str | None = PASSWORD) -> SmtpSettings:
    return SmtpSettings(parse_smtp_url(url), password, "reports@pricewatch.example")


def send(store: Store, report: WrittenReport, smtp_settings: SmtpSettings, **kwargs: object) -> int:
    content = render_email(report.context, report.files)
    message = build_message(
        content, report.files, sender=smtp_settings.sender, recipients=RECIPIENTS
    )
    return deliver(store, report.report_id, message, smtp_settings, RECIPIENTS, **kwargs)  # type: ignore[arg-type]


def deliveries(store: Store) -> list[tuple[int, str, str | None]]:
    with Session(store.engine) as session:
        rows = session.scalars(select(ReportDelivery).order_by(ReportDelivery.id))
        return [(r.attempt, r.status, r.error) for r in rows]


def test_starttls_auth_delivers_html_text_and_attachments(store: Store, tmp_path: Path) -> None:
    report = written(store, tmp_path)
    with SmtpServer(tmp_path, mode="starttls") as smtp:
        attempt = send(store, report, settings(smtp.url), context=smtp.client_context())
    assert attempt == 1
    assert smtp.logins == [("mailer", PASSWORD)]
    [message] = smtp.messages
    assert smtp.envelopes == [("reports@pricewatch.example", list(RECIPIENTS))]
    assert message["Subject"].startswith("艾克米 <b>Acme</b> 商贸 — 价格报告")
    assert message.get_content_type() == "multipart/mixed"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert "监控商品: 4" in text.get_content()
    body = html.get_content()
    assert (
        "style=" in body and "<style" not in body and "<svg" not in body and "<script" not in body
    )
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert sorted(attachments) == sorted(p.name for p in report.files)
    html_file = next(p for p in report.files if p.suffix == ".html")
    assert attachments[html_file.name] == html_file.read_text(encoding="utf-8")
    xlsx_file = next(p for p in report.files if p.suffix == ".xlsx")
    assert attachments[xlsx_file.name] == xlsx_file.read_bytes()
    assert deliveries(store) == [(1, "sent", None)]
    assert store.reports()[0].status == "sent"


def test_implicit_tls_smtps(store: Store, tmp_path: Path) -> None:
    report = written(store, tmp_path)
    with SmtpServer(tmp_path, mode="smtps") as smtp:
        assert smtp.url.startswith("smtps://")
        assert send(store, report, settings(smtp.url), context=smtp.client_context()) == 1
    assert len(smtp.messages) == 1 and smtp.logins == [("mailer", PASSWORD)]


def test_temporary_refusal_is_retried_with_backoff(store: Store, tmp_path: Path) -> None:
    report = written(store, tmp_path)
    waits: list[float] = []
    with SmtpServer(tmp_path, fail_next=2) as smtp:
        attempt = send(
            store,
            report,
            settings(smtp.url),
            context=smtp.client_context(),
            backoff=0.5,
            sleep=waits.append,
        )
    assert attempt == 3 and waits == [0.5, 1.0]
    assert len(smtp.messages) == 1
    failed = f"{smtp.url} answered 451 4.3.0 try again later"
    assert deliveries(store) == [(1, "failed", failed), (2, "failed", failed), (3, "sent", None)]


def test_unreachable_server_fails_after_every_attempt_and_keeps_the_files(
    store: Store, tmp_path: Path
) -> None:
    report = written(store, tmp_path)
    url = f"smtp://mailer@127.0.0.1:{free_port()}"
    waits: list[float] = []
    with pytest.raises(
        DeliveryError,
        match=r"e-mail not sent \(3 attempts\): cannot reach smtp://mailer@127.0.0.1:\d+",
    ):
        send(store, report, settings(url), sleep=waits.append, backoff=2.0)
    assert waits == [2.0, 4.0]
    assert [(a, s) for a, s, _ in deliveries(store)] == [
        (1, "failed"),
        (2, "failed"),
        (3, "failed"),
    ]
    assert store.reports()[0].status == "send_failed"
    assert all(path.is_file() for path in report.files)


def test_wrong_password_is_permanent_and_never_shown(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    report = written(store, tmp_path)
    caplog.set_level(logging.DEBUG)
    with SmtpServer(tmp_path) as smtp, pytest.raises(DeliveryError) as raised:
        send(
            store,
            report,
            settings(smtp.url, "wrong-horse-battery"),
            context=smtp.client_context(),
            sleep=pytest.fail,
        )
    message = str(raised.value)
    assert message.startswith("e-mail not sent (1 attempt): smtp://mailer@127.0.0.1:")
    assert "refused the login for mailer (535)" in message
    recorded = deliveries(store)
    assert [(a, s) for a, s, _ in recorded] == [(1, "failed")]
    for text in (
        message,
        caplog.text,
        repr(recorded),
        repr(settings(smtp.url, "wrong-horse-battery")),
    ):
        assert "wrong-horse-battery" not in text


def test_untrusted_certificate_is_refused(store: Store, tmp_path: Path) -> None:
    report = written(store, tmp_path)
    with (
        SmtpServer(tmp_path) as smtp,
        pytest.raises(DeliveryError, match=r"TLS with smtp://mailer@127\.0\.0\.1:\d+ failed"),
    ):
        send(store, report, settings(smtp.url), sleep=pytest.fail)  # the system CAs only
    assert smtp.logins == [] and smtp.messages == []


def test_server_without_starttls_gets_nothing(store: Store, tmp_path: Path) -> None:
    report = written(store, tmp_path)
    with (
        SmtpServer(tmp_path, mode="plain") as smtp,
        pytest.raises(DeliveryError, match="does not offer STARTTLS: refusing to send in clear"),
    ):
        send(store, report, settings(smtp.url), sleep=pytest.fail)
    assert smtp.messages == []


def test_refused_recipient_is_permanent(store: Store, tmp_path: Path) -> None:
    report = written(store, tmp_path)
    with (
        SmtpServer(tmp_path, refuse=RECIPIENTS) as smtp,
        pytest.raises(DeliveryError, match=r"refused the recipients boss@acme\.example \(550\)"),
    ):
        send(store, report, settings(smtp.url), context=smtp.client_context(), sleep=pytest.fail)


# ------------------------------------------------------------------------------ settings


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("smtps://mailer@mail.example:465", SmtpTarget("smtps", "mail.example", 465, "mailer")),
        ("smtp://mail.example:587", SmtpTarget("smtp", "mail.example", 587, None)),
        (
            "smtps://reports%40acme.example@mail.example",
            SmtpTarget("smtps", "mail.example", 465, "reports@acme.example"),
        ),
        ("smtp://mail.example", SmtpTarget("smtp", "mail.example", 587, None)),
    ],
)
def test_parse_smtp_url(url: str, target: SmtpTarget) -> None:
    assert parse_smtp_url(url) == target


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example", "must look like smtps://user@host:465"),
        ("smtps://", "must look like"),
        ("smtps://u:pw@mail.example", "must not contain the password"),
        ("smtp://mail.example:99999", "invalid port"),
    ],
)
def test_bad_smtp_urls(url: str, message: str) -> None:
    with pytest.raises(DeliveryError, match=message):
        parse_smtp_url(url)


def test_settings_from_config() -> None:
    config = load_config(
        {
            "PRICEWATCH_SMTP_URL": "smtps://mailer@mail.example:465",
            "PRICEWATCH_SMTP_PASSWORD": PASSWORD,
        },
        path=None,
    )
    assert PASSWORD not in repr(config)
    smtp = SmtpSettings.from_config(config)
    assert smtp.sender == "mailer@mail.example" and PASSWORD not in repr(smtp)
    assert str(smtp.target) == "smtps://mailer@mail.example:465"
    with pytest.raises(DeliveryError, match="needs PRICEWATCH_SMTP_URL"):
        SmtpSettings.from_config(load_config({}, path=None))
    with pytest.raises(DeliveryError, match="PRICEWATCH_SMTP_PASSWORD is not set"):
        SmtpSettings.from_config(
            load_config({"PRICEWATCH_SMTP_URL": "smtps://mailer@mail.example"}, path=None)
        )
    named = load_config(
        {"PRICEWATCH_SMTP_URL": "smtp://relay.example", "PRICEWATCH_SMTP_FROM": "r@acme.example"},
        path=None,
    )
    assert SmtpSettings.from_config(named).sender == "r@acme.example"
