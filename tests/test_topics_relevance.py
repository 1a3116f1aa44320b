"""Relevance of trending topics to a client's catalogue (pricewatch/topics/relevance.py,
related.py): Chinese words, not substrings; English whole words; 苹果 the brand or the fruit by
the catalogue's context; related topics read from the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pricewatch.db import Store
from pricewatch.db.models import Client, ClientProduct
from pricewatch.errors import PricewatchError
from pricewatch.spiders.topics._base import rank
from pricewatch.topics.capture import TopicCapture, TopicEntry, to_topic_record
from pricewatch.topics.related import related_topics
from pricewatch.topics.relevance import CatalogueMatcher, CatalogueProduct, Match, Rejection

PHONES = [
    CatalogueProduct("IP16", "Apple iPhone 16 Pro 256GB 苹果手机", "Apple/苹果", ("苹果手机",)),
    CatalogueProduct("MI14", "小米14 徕卡光学镜头", "小米", ("小米手机",)),
    CatalogueProduct("EL50", "雅诗兰黛小棕瓶精华 50ml", "雅诗兰黛", ("小棕瓶",)),
    CatalogueProduct("OP1", "OPPO Find X8 手机", "OPPO", ()),
]
FRUIT = [CatalogueProduct("F5", "烟台红富士苹果 5斤装 新鲜水果", None, ("苹果", "红富士"))]


@pytest.fixture(scope="module")
def phones() -> CatalogueMatcher:
    return CatalogueMatcher(PHONES)


@pytest.fixture(scope="module")
def fruit() -> CatalogueMatcher:
    return CatalogueMatcher(FRUIT)


@pytest.mark.parametrize(
    ("title", "skus"),
    [
        ("苹果发布iOS 18新功能", ("IP16",)),  # brand sense: 发布, iOS
        ("iPhone16 Pro降价", ("IP16",)),  # the model, spaces optional
        ("Apple Intelligence 国行上线", ("IP16",)),
        ("小米发布新款手机", ("MI14",)),
        ("雅诗兰黛小棕瓶降价", ("EL50",)),  # user-dictionary words
        ("双十一雅诗兰黛大促", ("EL50",)),
        ("OPPO Find X8 发布会定档", ("OP1",)),
        ("ｏｐｐｏ新机曝光", ("OP1",)),  # full width folded
    ],
)
def test_topics_that_concern_the_catalogue(
    phones: CatalogueMatcher, title: str, skus: tuple[str, ...]
) -> None:
    match = phones.match(title)
    assert isinstance(match, Match), match
    assert match.skus == skus


@pytest.mark.parametrize(
    "title",
    [
        "小米粥的做法",  # 小米 inside the word 小米粥: a substring accident
        "Pineapple express 上映",  # Apple inside Pineapple
        "OPPOSITE 乐队巡演",
        "南京市长江大桥",
        "华为Mate70开售",  # not in the catalogue
        "Pro 版本更新",  # a generic word of a title is no term
    ],
)
def test_accidental_matches_are_rejected(phones: CatalogueMatcher, title: str) -> None:
    assert phones.match(title) is None


def test_apple_the_fruit_or_the_brand_follows_the_catalogue(
    phones: CatalogueMatcher, fruit: CatalogueMatcher
) -> None:
    harvest = "山东苹果丰收价格下跌"
    launch = "苹果发布iOS 18新功能"
    assert phones.match(harvest) == Rejection(harvest, "苹果", "other_sense")
    assert isinstance(fruit.match(harvest), Match)
    assert fruit.match(launch) == Rejection(launch, "苹果", "other_sense")
    # No evidence either way: nobody claims it.
    assert phones.match("苹果降价了") == Rejection("苹果降价了", "苹果", "ambiguous")
    assert fruit.match("苹果降价了") == Rejection("苹果降价了", "苹果", "ambiguous")
    assert phones.terms["苹果"].sense == "brand" and fruit.terms["苹果"].sense == "common"


def test_a_term_split_by_jieba_still_matches_but_never_inside_a_word() -> None:
    matcher = CatalogueMatcher([CatalogueProduct("K1", "键盘", None, ("机械键盘", "市长"))])
    assert isinstance(matcher.match("机械键盘推荐"), Match)
    assert matcher.match("南京市长江大桥") is None  # 市长 is no word of this title
    assert "市长" not in matcher.segmenter.added  # jieba knows it: not forced into the dictionary


def test_related_topics_from_the_store(store: Store) -> None:
    with store._write_session() as session, session.begin():
        client = Client(slug="shop", name="数码店", emails=[], currency="CNY")
        session.add(client)
        session.flush()
        session.add_all(
            [
                ClientProduct(
                    client_id=client.id,
                    sku=p.sku,
                    title=p.title,
                    brand=p.brand,
                    keywords=list(p.keywords),
                    currency="CNY",
                )
                for p in PHONES
            ]
        )
    now = datetime.now(UTC)
    for source, titles in (
        ("weibo", ["苹果发布iOS 18新功能", "小米粥的做法", "山东苹果丰收"]),
        ("zhihu", ["如何看待雅诗兰黛小棕瓶降价？"]),
    ):
        entries = rank([TopicEntry(t, heat=100) for t in titles])
        store.store_topic_capture(
            to_topic_record(TopicCapture(source, "http://x/", entries, now - timedelta(hours=1)))
        )
    found = related_topics(store, "shop", now - timedelta(days=1))
    assert [(r.source, r.title, r.skus, r.best_rank) for r in found] == [
        ("zhihu", "如何看待雅诗兰黛小棕瓶降价？", ("EL50",), 1),
        ("weibo", "苹果发布iOS 18新功能", ("IP16",), 1),
    ]
    assert found[1].products == ("Apple iPhone 16 Pro 256GB 苹果手机",)
    assert related_topics(store, "shop", now) == []  # nothing seen since now
    with pytest.raises(PricewatchError, match="no client 'nobody'"):
        related_topics(store, "nobody", now - timedelta(days=1))
