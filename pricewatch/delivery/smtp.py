"""E-mailing reports over SMTP, with retries, every attempt recorded.

Configuration (:mod:`pricewatch.config`):

* ``PRICEWATCH_SMTP_URL``: ``smtps://user@host:465`` (TLS from the first byte) or
  ``smtp://[user@]host:587`` (plain connection upgraded with STARTTLS, which is required:
  pricewatch never sends credentials or reports in clear text). The port defaults to 465 / 587.
* ``PRICEWATCH_SMTP_PASSWORD``: the password, read from the environment (or the config file)
  only when sending; it is never logged, stored, or put in an error message.
* ``PRICEWATCH_SMTP_FROM``: the From address (default ``user@host``).
* ``PRICEWATCH_SMTP_CA_FILE``: a PEM bundle to verify the server with (default: the system's).

The message has an e-mail-safe HTML body, a plain-text alternative and the report files
attached (:mod:`pricewatch.reports.render.email`). A failed attempt is retried with
exponential backoff unless the server refused for good (a 5xx answer, bad credentials); each
attempt is a ``report_delivery`` row, and the report's files stay where they were written.
"""

from __future__ import annotations

import mimetypes
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pricewatch.config import Config
from pricewatch.db.store import Store
from pricewatch.errors import PricewatchError
from pricewatch.reports.render.email import EmailContent

DEFAULT_PORTS = {"smtps": 465, "smtp": 587}
#: Attempts per delivery, and the first wait between them (doubled each time).
ATTEMPTS = 3
BACKOFF_SECONDS = 5.0
TIMEOUT_SECONDS = 30.0


class DeliveryError(PricewatchError):
    """The report could not be e-mailed (the message says why; its files are kept)."""


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    scheme: str
    host: str
    port: int
    user: str | None

    def __str__(self) -> str:  # never shows a password
        who = f"{self.user}@" if self.user else ""
        return f"{self.scheme}://{who}{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpTarget:
    """``smtps://user@host:465`` or ``smtp://host:587``; one-line :class:`DeliveryError` else."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise DeliveryError(
            "PRICEWATCH_SMTP_URL must look like smtps://user@host:465 or smtp://host:587"
        )
    if parts.password:
        raise DeliveryError(
            "PRICEWATCH_SMTP_URL must not contain the password: set PRICEWATCH_SMTP_PASSWORD"
        )
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise DeliveryError("PRICEWATCH_SMTP_URL has an invalid port") from None
    user = unquote(parts.username) if parts.username else None
    return SmtpTarget(parts.scheme, parts.hostname, port, user)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    target: SmtpTarget
    password: str | None = field(repr=False)
    sender: str = "pricewatch@localhost"
    ca_file: str | None = None

    @classmethod
    def from_config(cls, config: Config) -> SmtpSettings:
        if not config.smtp_url:
            raise DeliveryError("--send needs PRICEWATCH_SMTP_URL (e.g. smtps://user@host:465)")
        target = parse_smtp_url(config.smtp_url)
        if target.user and not config.smtp_password:
            raise DeliveryError(f"PRICEWATCH_SMTP_PASSWORD is not set (for {target.user})")
        sender = config.smtp_from or (target.user if target.user and "@" in target.user else None)
        if sender is None:
            sender = f"{target.user or 'pricewatch'}@{target.host}"
        return cls(target, config.smtp_password, sender, config.smtp_ca_file)

    def ssl_context(self) -> ssl.SSLContext:
        try:
            return ssl.create_default_context(cafile=self.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise DeliveryError(
                f"cannot read PRICEWATCH_SMTP_CA_FILE {self.ca_file}: {exc}"
            ) from None


def build_message(
    content: EmailContent, files: Sequence[Path], *, sender: str, recipients: Sequence[str]
) -> EmailMessage:
    """A multipart message: plain text and HTML alternatives, then the files attached."""
    message = EmailMessage()
    message["Subject"] = content.subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    for path in files:
        kind, _ = mimetypes.guess_type(path.name)
        maintype, subtype = (kind or "application/octet-stream").split("/", 1)
        # Report files are UTF-8: say so, or mail clients guess (and garble the Chinese).
        params = {"charset": "utf-8"} if maintype == "text" or subtype == "json" else None
        message.add_attachment(
            path.read_bytes(),
            maintype=maintype,
            subtype=subtype,
            filename=path.name,
            params=params,
        )
    return message


def send_message(
    message: EmailMessage,
    settings: SmtpSettings,
    *,
    context: ssl.SSLContext | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> None:
    """One attempt: connect, secure the connection, log in if there is a user, send."""
    target = settings.target
    context = context or settings.ssl_context()
    smtp: smtplib.SMTP
    if target.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(target.host, target.port, timeout=timeout)
    with smtp:
        smtp.ehlo()
        if target.scheme == "smtp":
            if not smtp.has_extn("starttls"):
                raise DeliveryError(f"{target} does not offer STARTTLS: refusing to send in clear")
            smtp.starttls(context=context)
            smtp.ehlo()
        if target.user:
            smtp.login(target.user, settings.password or "")
        smtp.send_message(message)


def _permanent(exc: BaseException) -> bool:
    if isinstance(
        exc, DeliveryError | smtplib.SMTPAuthenticationError | ssl.SSLCertVerificationError
    ):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def describe(exc: BaseException, target: SmtpTarget) -> str:
    """One line for an error, naming the server and never the password."""
    if isinstance(exc, DeliveryError):
        return str(exc)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"{target} refused the login for {target.user} ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(f"{addr} ({code})" for addr, (code, _) in exc.recipients.items())
        return f"{target} refused the recipients {refused}"
    if isinstance(exc, smtplib.SMTPResponseException):
        reason = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return f"{target} answered {exc.smtp_code} {reason.strip()}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {target} failed: {exc.reason or exc}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"{target} did not answer in time"
    if isinstance(exc, OSError):
        return f"cannot reach {target}: {exc.strerror or exc}"
    return f"sending through {target} failed: {type(exc).__name__}: {exc}"


def deliver(
    store: Store,
    report_id: int,
    message: EmailMessage,
    settings: SmtpSettings,
    recipients: Sequence[str],
    *,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    context: ssl.SSLContext | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> int:
    """Send ``message``, retrying with backoff; returns the attempt that succeeded.

    Every attempt is recorded; :class:`DeliveryError` after the last one (or at the first
    permanent refusal) says what happened each time.
    """
    for attempt in range(1, attempts + 1):
        try:
            send_message(message, settings, context=context, timeout=timeout)
        except (smtplib.SMTPException, OSError, DeliveryError) as exc:
            reason = describe(exc, settings.target)
            store.record_delivery(report_id, recipients=recipients, attempt=attempt, error=reason)
            if _permanent(exc) or attempt == attempts:
                tried = "1 attempt" if attempt == 1 else f"{attempt} attempts"
                raise DeliveryError(f"e-mail not sent ({tried}): {reason}") from None
            sleep(backoff * 2 ** (attempt - 1))
        else:
            store.record_delivery(report_id, recipients=recipients, attempt=attempt, error=None)
            return attempt
    raise AssertionError("unreachable")  # the loop returns or raises
