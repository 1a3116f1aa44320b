"""Every topic source reads its real captured response (tests/fixtures/hotlists/, see its
README) or, where none is public, a payload in the documented shape; every shape a platform
serves is recognised; blocks and changed shapes are failures with a reason, never entries.

These call :meth:`TopicSpider.read` on a response built from the saved body (the offline test
of each source); tests/test_topics_crawl.py runs the same sources end to end over HTTP.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Response, TextResponse

from pricewatch.errors import ShopDefinitionError
from pricewatch.spiders.registry import load_spiders
from pricewatch.spiders.topics._base import Endpoint, TopicSpider, json_error, rank
from pricewatch.spiders.topics.baidu import BaiduSpider
from pricewatch.spiders.topics.bilibili import BilibiliSpider
from pricewatch.spiders.topics.demo_bestsellers import DemoBestsellersSpider
from pricewatch.spiders.topics.douyin import DouyinSpider
from pricewatch.spiders.topics.douyin_brands import DouyinBrandsSpider
from pricewatch.spiders.topics.github import GithubSpider
from pricewatch.spiders.topics.hackernews import HackernewsSpider
from pricewatch.spiders.topics.kr36 import Kr36Spider
from pricewatch.spiders.topics.kuaishou import KuaishouSpider
from pricewatch.spiders.topics.rss import RssSpider
from pricewatch.spiders.topics.smzdm import SmzdmSpider
from pricewatch.spiders.topics.tencent import TencentSpider
from pricewatch.spiders.topics.toutiao import ToutiaoSpider
from pricewatch.spiders.topics.v2ex import V2exSpider
from pricewatch.spiders.topics.weibo import WeiboSpider
from pricewatch.spiders.topics.zhihu import ZhihuSpider
from pricewatch.spiders.topics.zhihu_search import ZhihuSearchSpider
from pricewatch.topics.capture import CaptureFailed, TopicCapture, TopicEntry

FIXTURES = Path(__file__).parent / "fixtures" / "hotlists"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def response(body: bytes | str | Any, *, html: bool = False, status: int = 200) -> Response:
    if not isinstance(body, bytes | str):
        body = json.dumps(body, ensure_ascii=False)
    data = body.encode() if isinstance(body, str) else body
    if html:
        return HtmlResponse("http://127.0.0.1/x", body=data, status=status, encoding="utf-8")
    headers = {"Content-Type": "application/json"}
    return TextResponse(
        "http://127.0.0.1/x", body=data, status=status, headers=headers, encoding="utf-8"
    )


def read(spider: type[TopicSpider], body: Any, *, html: bool = False) -> list[TopicEntry]:
    return spider().read(response(body, html=html))


def ranked(entries: list[TopicEntry]) -> list[TopicEntry]:
    return [e for e in entries if e.rank is not None]


def fails(spider: type[TopicSpider], body: Any, reason: str, **kwargs: Any) -> CaptureFailed:
    with pytest.raises(CaptureFailed) as caught:
        spider().read(response(body, **kwargs))
    assert caught.value.reason == reason, caught.value
    return caught.value


# ---------------------------------------------------------------------------- Weibo


def test_weibo_desktop_ajax_fixture() -> None:
    entries = read(WeiboSpider, fixture("weibo-hotsearch.json"))
    top = ranked(entries)
    assert [e.rank for e in top] == list(range(1, 51))
    assert (top[0].title, top[0].heat) == ("NBA总决赛", 1_136_119)
    assert top[0].url == "https://s.weibo.com/weibo?q=NBA%E6%80%BB%E5%86%B3%E8%B5%9B"
    assert top[2].labels == ("新",) and top[2].title == "每一次突破见证中国基建实力"
    pinned = [e for e in entries if e.pinned]
    assert [p.title for p in pinned] == ["100秒看大国外交的繁忙五月"]  # "#...#" removed
    assert pinned[0].rank is None and pinned[0].heat is None  # no figure: None, not 0
    assert top[0].raw["realpos"] == 1  # the raw item is kept


def test_weibo_desktop_ads_are_flagged_not_ranked() -> None:
    data = json.loads(fixture("weibo-hotsearch.json"))
    data["data"]["realtime"].insert(1, {"word": "某品牌大促", "num": 5, "is_ad": 1, "realpos": 2})
    entries = read(WeiboSpider, data)
    ad = next(e for e in entries if e.title == "某品牌大促")
    assert ad.ad and ad.rank is None
    assert len(ranked(entries)) == 50


def test_weibo_mobile_fixture_ranks_pinned_and_ad() -> None:
    entries = read(WeiboSpider, fixture("weibo-m-2024-06-19.json"))
    top = ranked(entries)
    assert [e.rank for e in top] == list(range(1, 51))
    assert (top[0].title, top[0].heat, top[0].labels) == (
        "玫瑰的故事最炸裂的台词出现了",
        1_303_639,
        ("新",),
    )
    assert top[6].title == "克罗地亚2比2阿尔巴尼亚"  # rank 7 comes after the ad
    assert [e.title for e in entries if e.pinned] == ["贯彻落实新时代政治建军方略"]
    assert [e.title for e in entries if e.ad] == ["2024欧洲杯"]
    assert next(e for e in entries if e.ad).heat is None  # desc_extr "": no figure, not 0


def test_weibo_summary_page_shape() -> None:
    page = """<div id="pl_top_realtimehot"><table><tbody>
      <tr><td class="td-01"><i class="icon-top"></i></td>
          <td class="td-02"><a href="/weibo?q=%23top%23">置顶话题</a></td>
          <td class="td-03"></td></tr>
      <tr><td class="td-01">1</td><td class="td-02"><a href="/weibo?q=a">热点一</a>
          <span>剧集 1303639</span></td><td class="td-03"><i>沸</i></td></tr>
      <tr><td class="td-01"></td><td class="td-02"><a href="/weibo?q=ad">推广</a></td>
          <td class="td-03"><i>荐</i></td></tr>
      <tr><td class="td-01">2</td><td class="td-02"><a href="/weibo?q=b">热点二</a>
          <span>99</span></td><td class="td-03"></td></tr>
    </tbody></table></div>"""
    entries = read(WeiboSpider, page, html=True)
    assert [(e.rank, e.title, e.heat, e.labels) for e in ranked(entries)] == [
        (1, "热点一", 1_303_639, ("沸",)),
        (2, "热点二", 99, ()),
    ]
    assert [e.title for e in entries if e.pinned] == ["置顶话题"]
    assert [e.title for e in entries if e.ad] == ["推广"]


def test_weibo_summary_page_mobile_layout() -> None:
    page = """<section class="list"><ul class="list_a">
      <li><a href="/weibo?q=top"><strong class="hot"></strong><span>置顶<i class="icon_pinned">
          </i></span></a></li>
      <li><a href="/weibo?q=a"><strong class="hot">1</strong><span>热点一<em>1303639</em>
          <i class="icon_boil"></i></span></a></li>
      <li><a href="/weibo?q=b"><strong class="hot">2</strong><span>热点二<em></em>
          <i class="icon_new"></i></span></a></li>
    </ul></section>"""
    entries = read(WeiboSpider, page, html=True)
    assert [(e.rank, e.title, e.heat, e.labels, e.pinned) for e in entries] == [
        (None, "置顶", None, (), True),
        (1, "热点一", 1_303_639, ("沸",), False),
        (2, "热点二", None, ("新",), False),
    ]


def test_weibo_visitor_interstitial_is_blocked() -> None:
    failed = fails(
        WeiboSpider, fixture("weibo-summary-2022-01-02.visitor-block.html"), "blocked", html=True
    )
    assert "Sina Visitor System" in failed.detail


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"ok": -100, "url": "https://passport.weibo.com/"}, "auth_required"),
        ({"ok": 1, "data": {"something_else": []}}, "format_changed"),
        ({"ok": 1, "data": {"realtime": []}}, "empty"),
        ({"ok": 1, "data": {"realtime": {"not": "a list"}}}, "format_changed"),
        ("<html><body>maintenance</body></html>", "format_changed"),
        ('{"ok": 1, "data": ', "format_changed"),
        ({"ok": 1, "data": {"realtime": ["a", "b"]}}, "format_changed"),  # items not objects
        ({"ok": 1, "data": {"realtime": [{"word": "a", "realpos": "x"}, None]}}, "format_changed"),
    ],
)
def test_weibo_failures(body: Any, reason: str) -> None:
    fails(WeiboSpider, body, reason)


# ---------------------------------------------------------------------------- Zhihu


def test_zhihu_desktop_shape_fixture() -> None:
    top = ranked(read(ZhihuSpider, fixture("zhihu-hot-lists-total.json")))
    assert len(top) == 30
    assert top[0].heat == 18_540_000  # "1854 万热度"
    assert top[0].url == "https://www.zhihu.com/question/1902702974792364470"
    assert top[0].title.startswith("贵州游船侧翻事故中，另一船人全员获救")


def test_zhihu_app_shape() -> None:
    data = {
        "data": [
            {
                "target": {"title": "问题一", "url": "https://api.zhihu.com/questions/123"},
                "detail_text": "640 万热度",
                "card_label": {"type": "new"},
            },
            {
                "target": {"title": "问题二", "url": "https://api.zhihu.com/questions/456"},
                "detail_text": "2.3亿热度",
                "debut": True,
            },
        ]
    }
    entries = read(ZhihuSpider, data)
    assert [(e.rank, e.title, e.heat, e.url, e.labels) for e in entries] == [
        (1, "问题一", 6_400_000, "https://www.zhihu.com/question/123", ("新",)),
        (2, "问题二", 230_000_000, "https://www.zhihu.com/question/456", ("新",)),
    ]


def test_zhihu_blocks() -> None:
    error = {"error": {"code": 101, "name": "AuthenticationError", "message": "身份未经过验证"}}
    fails(ZhihuSpider, error, "auth_required", status=401)
    fails(ZhihuSpider, error, "auth_required")  # the same envelope with HTTP 200
    fails(ZhihuSpider, {"data": [], "paging": {}}, "empty")  # Zhihu sometimes serves this
    fails(ZhihuSpider, {"data": [{"target": {"question": "?"}}]}, "format_changed")


def test_zhihu_search_topsearch_page_fixture() -> None:
    entries = read(ZhihuSearchSpider, fixture("zhihu-topsearch.html"), html=True)
    assert len(entries) == 26
    assert (entries[0].rank, entries[0].title, entries[0].heat) == (1, "披荆斩棘", None)
    assert (
        entries[0].url
        == "https://www.zhihu.com/search?type=content&q=%E6%8A%AB%E8%8D%86%E6%96%A9%E6%A3%98"
    )


@pytest.mark.parametrize(
    "data",
    [
        {"recommend_queries": {"queries": [{"query_display": "甲", "real_query": "甲 乙"}]}},
        {"top_search": {"words": [{"display_query": "甲", "query": "甲 乙"}]}},
    ],
)
def test_zhihu_search_api_shapes(data: dict[str, Any]) -> None:
    [entry] = read(ZhihuSearchSpider, data)
    assert (entry.rank, entry.title, entry.heat) == (1, "甲", None)
    assert entry.url.endswith("q=%E7%94%B2%20%E4%B9%99")


# ---------------------------------------------------------------------------- Baidu


def test_baidu_api_fixture() -> None:
    entries = read(BaiduSpider, fixture("baidu-realtime.json"))
    top = ranked(entries)
    assert len(top) == 50
    assert (top[0].title, top[0].heat, top[0].labels) == ("今晚油价将调整", 7_808_391, ("热",))
    assert top[1].labels == ("新",)
    assert [e.title for e in entries if e.pinned] == ["100秒看大国外交的繁忙五月"]


def test_baidu_page_with_s_data_flat_and_nested() -> None:
    data = json.loads(fixture("baidu-realtime.json"))
    flat = json.dumps(data, ensure_ascii=False).replace("-", "\\-")  # as the page escapes it
    page = f"<html><body><!--s-data:{flat}--><div>board</div></body></html>"
    assert len(ranked(read(BaiduSpider, page, html=True))) == 50
    card = data["data"]["cards"][0]
    card["content"] = [{"content": card["content"]}]  # the late-2025 nesting
    nested = f"<html><!--s-data:{json.dumps(data, ensure_ascii=False)}--></html>"
    assert ranked(read(BaiduSpider, nested, html=True))[0].title == "今晚油价将调整"
    fails(BaiduSpider, "<html><!--s-data:{unterminated--></html>", "format_changed", html=True)


# ---------------------------------------------------------------------------- others


def test_bilibili_ranking_shape_and_risk_control() -> None:
    data = {
        "code": 0,
        "data": {
            "list": [
                {
                    "title": "视频一",
                    "bvid": "BV1xx",
                    "stat": {"view": 1_234_567},
                    "rcmd_reason": {"content": "百万播放"},
                    "tname": "科技",
                },
                {"title": "视频二", "short_link_v2": "https://b23.tv/x", "stat": {"view": 10}},
            ]
        },
    }
    entries = read(BilibiliSpider, data)
    assert [(e.rank, e.heat, e.url) for e in entries] == [
        (1, 1_234_567, "https://www.bilibili.com/video/BV1xx"),
        (2, 10, "https://b23.tv/x"),
    ]
    assert entries[0].labels == ("百万播放", "科技")
    fails(
        BilibiliSpider,
        {"code": -352, "message": "风控校验失败", "data": {"v_voucher": "x"}},
        "blocked",
    )


def test_douyin_hot_search_fixture() -> None:
    entries = read(DouyinSpider, fixture("douyin-hot-search-2025-06-01.json"))
    assert len(entries) == 50  # trending_list (rising words) is not part of the ranking
    assert (entries[0].rank, entries[0].title, entries[0].heat) == (
        1,
        "苏超球迷玩梗玩出新高度",
        11_111_499,
    )
    assert entries[0].url == "https://www.douyin.com/hot/2115460"
    fails(DouyinSpider, {"status_code": 2154, "status_msg": "请求太频繁"}, "blocked")


def test_douyin_brand_billboard_fixture_and_one_source_per_category() -> None:
    entries = read(DouyinBrandsSpider, fixture("douyin-brand-beauty-2025-06-01.json"))
    assert len(entries) == 30
    assert (entries[0].rank, entries[0].title, entries[0].heat) == (1, "韩束", 227_671)
    assert entries[0].raw["weekly_info"]["start_date"] == "2025-05-18"

    async def requests() -> list[Any]:
        return [r async for r in DouyinBrandsSpider(categories="3,2").start()]

    made = asyncio.run(requests())
    assert [r.meta["source"] for r in made] == ["douyin-brands/美妆", "douyin-brands/手机"]
    assert "category_id=3" in made[0].url
    with pytest.raises(ShopDefinitionError):
        DouyinBrandsSpider(categories="beauty")


def test_toutiao_board_shape() -> None:
    data = {
        "data": [
            {
                "Title": "事件一",
                "HotValue": "52662955",
                "ClusterIdStr": "7001",
                "LabelDesc": "辟谣",
            },
            {"Title": "事件二", "HotValue": "", "Url": "https://www.toutiao.com/x", "Label": "new"},
        ],
        "fixed_top_data": [{"Title": "置顶新闻", "Url": "https://www.toutiao.com/top"}],
    }
    entries = read(ToutiaoSpider, data)
    assert [(e.rank, e.title, e.heat, e.labels, e.pinned) for e in entries] == [
        (None, "置顶新闻", None, (), True),
        (1, "事件一", 52_662_955, ("辟谣",), False),
        (2, "事件二", None, ("新",), False),
    ]
    assert entries[1].url == "https://www.toutiao.com/trending/7001/"


def test_tencent_fixture_skips_the_header_and_pins_is_top() -> None:
    entries = read(TencentSpider, fixture("tencent-news-hot.json"))
    assert not any("每10分钟更新" in e.title for e in entries)
    assert [e.title for e in entries if e.pinned] == ["更好担负起新的文化使命"]
    top = ranked(entries)
    assert (top[0].rank, top[0].title, top[0].heat) == (
        1,
        "500万改造体育场 跑道多处破损",
        2_117_802,
    )
    assert len(top) == 19


def test_kuaishou_apollo_state_shape() -> None:
    state = {
        "defaultClient": {
            '$ROOT_QUERY.visionHotRank({"page":"home","platform":"web"})': {
                "items": [
                    {"type": "id", "id": "VisionHotRankItem:a"},
                    {"id": "VisionHotRankItem:b"},
                    {"id": "VisionHotRankItem:c"},
                ]
            },
            "VisionHotRankItem:a": {"name": "置顶条", "hotValue": "", "tagType": "置顶"},
            "VisionHotRankItem:b": {
                "name": "热点B",
                "hotValue": "1234.5万",
                "tagType": "热",
                "photoIds": {"json": ["3x9"]},
            },
            "VisionHotRankItem:c": {"name": "热点C", "hotValue": "88万", "poster": None},
        }
    }
    text = json.dumps(state, ensure_ascii=False).replace('"poster": null', '"poster": undefined')
    page = f"<html><script>window.__APOLLO_STATE__={text};(function(){{}})()</script></html>"
    entries = read(KuaishouSpider, page, html=True)
    assert [(e.rank, e.title, e.heat, e.pinned) for e in entries] == [
        (None, "置顶条", None, True),
        (1, "热点B", 12_345_000, False),
        (2, "热点C", 880_000, False),
    ]
    assert entries[1].url == "https://www.kuaishou.com/short-video/3x9"
    fails(KuaishouSpider, "<html>__APOLLO_STATE__ changed</html>", "format_changed", html=True)


def test_36kr_posts_a_timestamped_json_body_and_reads_the_ranking() -> None:
    async def first() -> Any:
        return await anext(Kr36Spider().start())

    request = asyncio.run(first())
    body = json.loads(request.body)
    assert request.method == "POST" and body["partner_id"] == "wap"
    assert body["timestamp"] > 1_700_000_000_000
    data = {
        "code": 0,
        "data": {
            "hotRankList": [
                {
                    "itemId": 1,
                    "templateMaterial": {
                        "widgetTitle": "文章一",
                        "statCollect": 321,
                        "itemId": 2911,
                    },
                },
            ]
        },
    }
    [entry] = read(Kr36Spider, data)
    assert (entry.title, entry.heat, entry.url) == ("文章一", 321, "https://www.36kr.com/p/2911")


def test_smzdm_json_and_page_shapes() -> None:
    data = {
        "error_code": 0,
        "data": [
            {
                "title": "好价一",
                "collection_count": "1203",
                "jump_link": "https://post.smzdm.com/p/1",
            }
        ],
    }
    [entry] = read(SmzdmSpider, data)
    assert (entry.title, entry.heat) == ("好价一", 1203)
    page = (
        '<div id="feed-main-list"><h5 class="z-feed-title"><a href="https://post.smzdm.com/p/9">'
        "值得买</a></h5></div>"
    )
    [entry] = read(SmzdmSpider, page, html=True)
    assert (entry.title, entry.heat, entry.url) == ("值得买", None, "https://post.smzdm.com/p/9")
    fails(SmzdmSpider, {"error_code": 1, "error_msg": "访问受限"}, "blocked")


def test_github_trending_shape() -> None:
    page = """<article class="Box-row"><h2><a href="/astral-sh/uv">astral-sh / uv</a></h2>
      <p class="col-9 color-fg-muted">An extremely fast Python package manager.</p>
      <span itemprop="programmingLanguage">Rust</span>
      <a href="/astral-sh/uv/stargazers">12,345</a>
      <span class="d-inline-block float-sm-right">1,234 stars today</span></article>"""
    [entry] = read(GithubSpider, page, html=True)
    assert (entry.title, entry.heat, entry.labels) == ("astral-sh / uv", 1_234, ("Rust",))
    assert entry.url == "https://github.com/astral-sh/uv" and entry.raw["stars"] == "12,345"


def test_hackernews_fixture() -> None:
    entries = read(HackernewsSpider, fixture("hackernews-2023-10-19.html"), html=True)
    assert len(entries) == 30
    first = entries[0]
    assert (first.rank, first.title, first.heat) == (
        1,
        "You're not lacking creativity, you're overwhelmed",
        90,
    )
    assert first.labels == ("thejorgemedina.com",)


def test_v2ex_fixture() -> None:
    entries = read(V2exSpider, fixture("v2ex-2025-06-01.json"))
    assert len(entries) == 9
    assert (entries[0].title, entries[0].heat, entries[0].labels) == (
        "周经帖的末日？笔记软件已经进入决赛圈",
        57,
        ("Notes",),
    )
    fails(V2exSpider, {"message": "Rate limit"}, "format_changed")


# ---------------------------------------------------------------------------- feeds, shops

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
<item><title>First post</title><link>https://blog.example/1</link><category>news</category></item>
<item><title>Second</title><link>/2</link></item></channel></rss>"""
ATOM = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
<entry><title>Atom one</title><link rel="alternate" href="https://a.example/1"/>
<category term="tech"/></entry></feed>"""
RDF = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/"><item><title>RDF one</title><link>https://r.example/1</link>
</item></rdf:RDF>"""
JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "items": [{"id": "1", "title": "Json one", "url": "https://j.example/1", "tags": ["t"]}],
}


@pytest.mark.parametrize(
    ("body", "title", "url", "labels"),
    [
        (RSS, "First post", "https://blog.example/1", ("news",)),
        (ATOM, "Atom one", "https://a.example/1", ("tech",)),
        (RDF, "RDF one", "https://r.example/1", ()),
        (json.dumps(JSON_FEED), "Json one", "https://j.example/1", ("t",)),
    ],
)
def test_rss_reads_rss_atom_rdf_and_json_feed(
    body: str, title: str, url: str, labels: tuple[str, ...]
) -> None:
    entries = RssSpider(url="https://feeds.example/x").read(response(body))
    assert (entries[0].rank, entries[0].title, entries[0].url, entries[0].labels) == (
        1,
        title,
        url,
        labels,
    )
    assert entries[0].heat is None


def test_rss_feeds_are_separate_named_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "PRICEWATCH_TOPIC_FEEDS", "hn=https://hnrss.example/f, https://b.example/a/feed"
    )

    async def requests() -> list[Any]:
        return [r async for r in RssSpider().start()]

    made = asyncio.run(requests())
    assert [r.meta["source"] for r in made] == ["rss/hn", "rss/b.example-a-feed"]
    assert all(r.meta["no_fallback"] for r in made)
    monkeypatch.delenv("PRICEWATCH_TOPIC_FEEDS")
    # No feeds: one failed capture saying so, nothing fetched (no traceback under scrapy crawl).
    [failed] = asyncio.run(requests())
    assert isinstance(failed, TopicCapture)
    assert (failed.source, failed.reason) == ("rss", "not_configured")
    assert failed.detail == "rss: no feeds configured (PRICEWATCH_TOPIC_FEEDS, or -a url=URL)"
    fails_html = RssSpider(url="https://x.example/f")
    with pytest.raises(CaptureFailed) as caught:
        fails_html.read(response("<!doctype html><html>login</html>", html=True))
    assert caught.value.reason == "format_changed"


def test_shop_best_seller_list_by_selectors() -> None:
    page = """<ol class="ranking">
      <li><a href="/p/1"><span class="name">降噪耳机 X1</span></a>
          <span class="sold">月销 1.2万</span><span class="tag">热卖</span></li>
      <li><a href="/p/9"><span class="name">推广商品</span></a>
          <span class="sponsored">广告</span></li>
      <li><a href="/p/2"><span class="name">充电宝 20000mAh</span></a>
          <span class="sold">月销 800</span></li>
    </ol>"""
    entries = DemoBestsellersSpider().read(response(page, html=True))
    assert [(e.rank, e.title, e.heat, e.ad) for e in entries] == [
        (1, "降噪耳机 X1", 12_000, False),
        (None, "推广商品", None, True),
        (2, "充电宝 20000mAh", 800, False),
    ]
    assert entries[0].url == "http://127.0.0.1/p/1" and entries[0].labels == ("热卖",)
    fails(
        DemoBestsellersSpider, "<html><body>nothing here</body></html>", "format_changed", html=True
    )


# ---------------------------------------------------------------------------- the base


def test_rank_renumbers_drops_duplicates_and_refuses_an_empty_list() -> None:
    entries = rank(
        [
            TopicEntry("B", rank=5),
            TopicEntry("#A#", rank=2),
            TopicEntry("a"),  # "a" = "#A#"
            TopicEntry("pin", pinned=True, rank=1),
            TopicEntry(""),
            TopicEntry("C"),
        ]
    )
    assert [(e.title, e.rank) for e in entries] == [("B", 2), ("A", 1), ("pin", None), ("C", 3)]
    with pytest.raises(CaptureFailed, match="empty"):
        rank([TopicEntry("only pinned", pinned=True)])


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"code": -352, "message": "风控校验失败", "data": {}}, "blocked"),
        ({"code": -101, "message": "账号未登录"}, "auth_required"),
        ({"error": {"code": 40352, "name": "ForbiddenError"}}, "blocked"),
        ({"code": 0, "data": {"list": []}}, None),
        ({"success": True, "error": {"code": 0, "message": "api response ok"}}, None),
    ],
)
def test_json_error_envelopes(data: dict[str, Any], reason: str | None) -> None:
    error = json_error(data)
    assert (error.reason if error else None) == reason


def test_http_statuses_become_reasons() -> None:
    fails(V2exSpider, "", "http_503", status=503)
    fails(V2exSpider, "", "http_403", status=403)
    fails(V2exSpider, "", "empty")


def test_url_argument_replaces_the_endpoints_and_base_url_moves_them() -> None:
    spider = WeiboSpider(url="http://127.0.0.1:1/a.json,http://127.0.0.1:1/b.json")
    assert [e.url for e in spider.tried] == [
        "http://127.0.0.1:1/a.json",
        "http://127.0.0.1:1/b.json",
    ]
    moved = WeiboSpider(base_url="http://127.0.0.1:9")
    assert [e.url.split("/")[2] for e in moved.tried] == ["127.0.0.1:9"] * 3


def test_cookie_comes_from_the_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRICEWATCH_WEIBO_COOKIE", "SUB=visitor")
    request = WeiboSpider().endpoint_request(1, [])
    assert request.headers.get("Cookie") == b"SUB=visitor"
    monkeypatch.delenv("PRICEWATCH_WEIBO_COOKIE")
    assert WeiboSpider().endpoint_request(1, []).headers.get("Cookie") is None


def test_every_topic_source_is_registered_under_its_file_name() -> None:
    sources = {n: s for n, s in load_spiders().items() if issubclass(s, TopicSpider)}
    assert set(sources) >= {
        "weibo",
        "zhihu",
        "zhihu-search",
        "baidu",
        "bilibili",
        "douyin",
        "douyin-brands",
        "toutiao",
        "tencent",
        "kuaishou",
        "36kr",
        "smzdm",
        "github",
        "hackernews",
        "v2ex",
        "rss",
        "demo-bestsellers",
    }
    for name, spider in sources.items():
        module = spider.__module__.rsplit(".", 1)[-1]
        assert module == ("kr36" if name == "36kr" else name.replace("-", "_"))


def test_a_source_without_endpoints_is_a_definition_error() -> None:
    with pytest.raises(ShopDefinitionError, match="endpoints"):
        type("Broken", (TopicSpider,), {"name": "broken", "entries": lambda s, r: []})
    with pytest.raises(ShopDefinitionError, match="entries"):
        type("NoReader", (TopicSpider,), {"name": "x", "endpoints": (Endpoint("http://a/"),)})


def test_cookie_and_feed_settings_are_validated_and_secrets_never_shown(tmp_path: Path) -> None:
    from pricewatch.config import ConfigError, load_config

    config = load_config({"PRICEWATCH_TOPIC_FEEDS": "hn=https://a.example/f https://b.example/g"})
    assert config.topic_feeds == ("hn=https://a.example/f", "https://b.example/g")
    with pytest.raises(ConfigError, match="not an http"):
        load_config({"PRICEWATCH_TOPIC_FEEDS": "ftp://x.example/f"})
    secret = load_config({"PRICEWATCH_ZHIHU_COOKIE": "z_c0=SECRET"})
    assert secret.zhihu_cookie == "z_c0=SECRET" and "SECRET" not in repr(secret)
    toml = tmp_path / "pricewatch.toml"
    toml.write_text('weibo_cookie = 12345\ntopic_feeds = ["https://c.example/feed"]\n')
    with pytest.raises(ConfigError) as caught:
        load_config({}, path=toml)
    assert "weibo_cookie = ***" in str(caught.value) and "12345" not in str(caught.value)


def test_a_failed_endpoint_falls_back_then_fails_with_the_first_reason() -> None:
    spider = ZhihuSpider()
    request = spider.endpoint_request(0, [])
    empty = TextResponse(request.url, body=b'{"data": []}', request=request, encoding="utf-8")
    [retry] = list(spider.parse(empty))
    assert retry.url == spider.tried[1].url and retry.meta["attempts"][0][1] == "empty"
    blocked = HtmlResponse(
        retry.url,
        body=fixture("weibo-summary-2022-01-02.visitor-block.html"),
        request=retry,
        encoding="utf-8",
    )
    [failed] = list(spider.parse(blocked))
    assert (failed.source, failed.reason, failed.entries) == ("zhihu", "empty", [])
    assert "blocked (anti-bot page: Sina Visitor System)" in failed.detail
