"""A real SMTP server on 127.0.0.1 for the delivery tests (aiosmtpd in a thread).

Modes: ``starttls`` (plain connection, STARTTLS required, then AUTH), ``smtps`` (TLS from the
first byte, then AUTH), ``plain`` (no TLS offered at all). The certificate is self-signed,
made per server for 127.0.0.1 and localhost; ``ca_file`` is it in PEM, for clients to trust.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A fresh key and certificate for 127.0.0.1/localhost; returns (cert, key) PEM paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pricewatch test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.server.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.server.fail_next > 0:
            self.server.fail_next -= 1
            return "451 4.3.0 try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.server.messages.append(message)
        self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK queued"


class SmtpServer:
    """``with SmtpServer(tmp_path, mode="starttls") as smtp: ...`` — ``smtp.url`` to send to."""

    def __init__(
        self,
        directory: Path,
        *,
        mode: str = "starttls",
        users: dict[str, str] | None = None,
        fail_next: int = 0,
        refuse: tuple[str, ...] = (),
    ) -> None:
        self.mode = mode
        self.users = {"mailer": "s3cret-pa55"} if users is None else users
        self.fail_next = fail_next
        self.refuse = refuse
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[tuple[str, str]] = []
        self.port = free_port()
        cert, key = self_signed_certificate(directory)
        self.ca_file = cert
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_context.load_cert_chain(cert, key)
        kwargs: dict[str, Any] = {
            "authenticator": self._authenticate,
            "auth_required": bool(self.users),
        }
        if mode == "starttls":
            kwargs.update(tls_context=server_context, require_starttls=True)
        elif mode == "smtps":
            # aiosmtpd cannot tell it is wrapped in TLS: AUTH would be refused without this.
            kwargs.update(ssl_context=server_context, auth_require_tls=False)
        else:
            kwargs.update(auth_required=False, authenticator=None)
        self.controller = Controller(
            _Handler(self),
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="localhost",
            **kwargs,
        )

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=self.users.get(login) == password, handled=False)

    @property
    def url(self) -> str:
        scheme = "smtps" if self.mode == "smtps" else "smtp"
        return f"{scheme}://mailer@127.0.0.1:{self.port}"

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
