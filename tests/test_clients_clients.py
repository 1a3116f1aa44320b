"""Client settings: validation of every option, and storage on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pricewatch.clients.catalog import import_catalogue
from pricewatch.clients.clients import (
    ClientInputError,
    client_record,
    edit_client,
    parse_currency,
    parse_emails,
    parse_locale,
    parse_threshold,
    parse_timezone,
)
from pricewatch.clients.records import ClientRecord, MatchRecord, ProductRecord
from pricewatch.db.store import Store
from pricewatch.db.store.clients import ClientExistsError, UnknownClientError


def acme(**changes: object) -> ClientRecord:
    fields: dict[str, object] = {
        "name": "艾克美 Acme",
        "emails": "boss@acme.cn, ops@acme.cn",
        "locale": "zh-CN",
        "currency": "CNY",
        "timezone": "Asia/Shanghai",
    }
    fields.update(changes)
    return client_record("acme", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a@x.cn", ("a@x.cn",)),
        ("a@x.cn,b@y.com", ("a@x.cn", "b@y.com")),
        (" a@x.cn ; b@y.com  c@z.org ", ("a@x.cn", "b@y.com", "c@z.org")),
        ("a@x.cn,a@x.cn", ("a@x.cn",)),
        ("张三@例子.中国", ("张三@例子.中国",)),
    ],
)
def test_emails(text: str, expected: tuple[str, ...]) -> None:
    assert parse_emails(text) == expected


@pytest.mark.parametrize("text", ["", " , ", "ab.cn", "a@b", "a@@b.cn", "a@b.cn,oops", "a@.cn"])
def test_bad_emails(text: str) -> None:
    with pytest.raises(ClientInputError, match="--email"):
        parse_emails(text)


@pytest.mark.parametrize(
    ("text", "expected"), [("zh-CN", "zh-CN"), ("zh_cn", "zh-CN"), ("EN", "en")]
)
def test_locale(text: str, expected: str) -> None:
    assert parse_locale(text) == expected


@pytest.mark.parametrize("text", ["fr", "zh", "zh-TW", ""])
def test_bad_locale(text: str) -> None:
    with pytest.raises(ClientInputError, match=r"--locale: .* is not one of zh-CN, en"):
        parse_locale(text)


@pytest.mark.parametrize(
    ("text", "expected"), [("CNY", "CNY"), ("rmb", "CNY"), ("¥", "CNY"), ("usd", "USD")]
)
def test_currency(text: str, expected: str) -> None:
    assert parse_currency(text) == expected


@pytest.mark.parametrize("text", ["XYZ", "", "dollars", "kr"])
def test_bad_currency(text: str) -> None:
    with pytest.raises(ClientInputError, match="ISO 4217"):
        parse_currency(text)


def test_timezone() -> None:
    assert parse_timezone(" Asia/Shanghai ") == "Asia/Shanghai"
    assert parse_timezone("UTC") == "UTC"
    for bad in ("Mars/Base", "", "../etc/passwd", "Asia/"):
        with pytest.raises(ClientInputError, match="--timezone"):
            parse_timezone(bad)


@pytest.mark.parametrize(
    ("text", "bp"),
    [("5%", 500), ("5", 500), ("2.5%", 250), ("0", 0), ("100%", 10_000), ("250bp", 250)],
)
def test_threshold(text: str, bp: int) -> None:
    assert parse_threshold(text) == bp


@pytest.mark.parametrize("text", ["-1%", "101%", "five", "0.001%", "", "nan", "inf%"])
def test_bad_threshold(text: str) -> None:
    with pytest.raises(ClientInputError, match="--undercut-threshold"):
        parse_threshold(text)


@pytest.mark.parametrize("slug", ["Acme", "-acme", "acme shop", "ac/me", "", "a" * 101])
def test_bad_slug(slug: str) -> None:
    with pytest.raises(ClientInputError, match="client slug"):
        client_record(slug, name="x", emails="a@b.cn", locale="en", currency="CNY", timezone="UTC")


def test_empty_name() -> None:
    with pytest.raises(ClientInputError, match="--name"):
        acme(name="  ")


def test_records_check_what_storage_relies_on() -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        ClientRecord("x", "X", ("a@b.cn",), "en", "XYZ", "UTC")
    with pytest.raises(ValueError, match="price must be a positive Decimal"):
        ProductRecord("A", "CNY", price=Decimal(0))
    with pytest.raises(ValueError, match="cost must be a positive Decimal"):
        ProductRecord("A", "CNY", cost=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="SKU"):
        ProductRecord("", "CNY")
    with pytest.raises(ValueError, match="unknown match method"):
        MatchRecord(1, 1, "guess", "confirmed")


# ---------------------------------------------------------------------------- storage


def test_create_show_list(store: Store) -> None:
    info = store.create_client(acme(undercut_threshold="2.5%"))
    assert (info.slug, info.name, info.emails) == (
        "acme",
        "艾克美 Acme",
        ("boss@acme.cn", "ops@acme.cn"),
    )
    assert (info.locale, info.currency, info.timezone) == ("zh-CN", "CNY", "Asia/Shanghai")
    assert info.undercut_threshold_bp == 250
    assert (info.products, info.confirmed_matches, info.suggested_matches) == (0, 0, 0)
    assert info.created_at.tzinfo is not None
    store.create_client(
        client_record(
            "beta", name="B", emails="b@b.cn", locale="en", currency="USD", timezone="UTC"
        )
    )
    assert [c.slug for c in store.clients()] == ["acme", "beta"]
    assert store.client("beta").currency == "USD"


def test_duplicate_slug_is_refused_and_keeps_the_first(store: Store) -> None:
    store.create_client(acme())
    with pytest.raises(ClientExistsError, match="a client 'acme' already exists"):
        store.create_client(acme(name="Other"))
    assert store.client("acme").name == "艾克美 Acme"


def test_unknown_client_names_the_known_ones(store: Store) -> None:
    with pytest.raises(UnknownClientError, match=r"no client 'nope' \(known: none"):
        store.client("nope")
    store.create_client(acme())
    with pytest.raises(UnknownClientError, match=r"known: acme\)"):
        store.remove_client("nope")


def test_edit(store: Store) -> None:
    store.create_client(acme())
    before = store.client("acme")
    info = edit_client(store, "acme", emails="new@acme.cn", undercut_threshold="10%", name=None)
    assert info.emails == ("new@acme.cn",)
    assert info.undercut_threshold_bp == 1000
    assert info.name == before.name and info.timezone == before.timezone
    assert info.updated_at >= before.updated_at
    renamed = edit_client(store, "acme", slug="acme-cn", locale="en")
    assert (renamed.slug, renamed.locale) == ("acme-cn", "en")
    with pytest.raises(UnknownClientError):
        store.client("acme")


def test_edit_refuses_bad_values_and_nothing_changes(store: Store) -> None:
    store.create_client(acme())
    store.create_client(
        client_record(
            "beta", name="B", emails="b@b.cn", locale="en", currency="CNY", timezone="UTC"
        )
    )
    with pytest.raises(ClientInputError, match="nothing to change"):
        edit_client(store, "acme")
    with pytest.raises(ClientInputError, match="--timezone"):
        edit_client(store, "acme", name="New name", timezone="Nowhere/City")
    with pytest.raises(ClientExistsError, match="'beta' already exists"):
        edit_client(store, "acme", slug="beta")
    assert store.client("acme").name == "艾克美 Acme"


def test_currency_change_is_refused_once_a_catalogue_exists(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store.create_client(acme())
    assert edit_client(store, "acme", currency="usd").currency == "USD"
    edit_client(store, "acme", currency="CNY")
    path = tmp_path / "c.csv"
    path.write_text("sku,title,price\nA1,Thing,10\n", encoding="utf-8")
    import_catalogue(store, "acme", path)
    with pytest.raises(ClientInputError, match="1 products priced in CNY"):
        edit_client(store, "acme", currency="USD")
    assert store.client("acme").currency == "CNY"


def test_remove_deletes_the_catalogue_too(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store.create_client(acme())
    path = tmp_path / "c.csv"
    path.write_text("sku,title,price\nA1,Thing,10\nA2,Other,20\n", encoding="utf-8")
    import_catalogue(store, "acme", path)
    assert store.client("acme").products == 2
    store.remove_client("acme")
    assert store.clients() == []
    store.create_client(acme())
    assert store.catalogue("acme") == []


def test_fx_rates(store: Store) -> None:
    assert store.fx_rates() == []
    info = store.set_fx_rate("USD", "CNY", Decimal("7.12"))
    assert (info.base, info.quote, info.rate) == ("USD", "CNY", Decimal("7.12"))
    store.set_fx_rate("USD", "CNY", Decimal("7.1234"))
    store.set_fx_rate("EUR", "CNY", Decimal("7.7"))
    assert [(r.base, r.quote, r.rate) for r in store.fx_rates()] == [
        ("EUR", "CNY", Decimal("7.7")),
        ("USD", "CNY", Decimal("7.1234")),
    ]
    with pytest.raises(ValueError, match="positive Decimal"):
        store.set_fx_rate("USD", "CNY", Decimal(0))


def test_record_constants_are_the_schema_constraints() -> None:
    from pricewatch.clients import records
    from pricewatch.db.models import clients as models

    assert records.MATCH_METHODS == models.MATCH_METHODS
    assert records.MATCH_STATUSES == models.MATCH_STATUSES
