"""Title similarity: model numbers, quantities, Chinese words, brands (苹果 the fruit vs Apple)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pricewatch.clients.brands import brand_key
from pricewatch.clients.matching import DEFAULT_MIN_SCORE
from pricewatch.clients.similarity import WordWeights, features, score


@pytest.mark.parametrize(
    ("title", "models"),
    [
        ("海尔 Haier 470升 十字对开门冰箱 BCD-470WGHTD", {"bcd470wghtd"}),
        ("索尼 SONY WH-1000XM5 头戴式无线降噪耳机", {"wh1000xm5"}),
        ("飞利浦 电动牙刷 HX9911 钻石亮白系列", {"hx9911"}),
        ("九阳 破壁豆浆机 DJ13B-D08D 免滤", {"dj13bd08d"}),
        ("TCL 75英寸 4K 智能液晶电视 75V8G", {"75v8g"}),
        ("美的 电压力锅 CYW-2219W 5L", {"cyw2219w"}),
        ("Haier/海尔 BCD-470WGHTD", {"bcd470wghtd"}),
        ("Apple iPhone 15 128GB", set()),
        ("小米 Xiaomi 14 5G手机", set()),
    ],
)
def test_model_numbers(title: str, models: set[str]) -> None:
    assert features(title).models == models


@pytest.mark.parametrize(
    ("title", "quantities"),
    [
        ("农夫山泉 天然饮用水 550ml×24瓶 整箱", {"volume": {"550"}, "pack": {"24"}}),
        ("农夫山泉 550ML*24", {"volume": {"550"}, "pack": {"24"}}),
        ("小米14 12GB+256GB", {"storage": {"12", "256"}}),
        ("小米14 12G+256G 5G手机", {"storage": {"12", "256"}}),
        ("联想 小新Pro16 16G 1T", {"storage": {"16", "1024"}}),
        ("良品铺子 每日坚果 750g/30袋", {"mass": {"750"}, "pack": {"30"}}),
        ("五常大米 5kg", {"mass": {"5000"}}),
        ("美的 电饭煲 4L", {"volume": {"4000"}}),
        ("海尔 470升 冰箱", {"volume": {"470000"}}),
        ("华为 MatePad 11.5英寸", {"screen": {"11.5"}}),
        ("安克 20000mAh 22.5W 快充移动电源", {"battery": {"20000"}, "power": {"22.5"}}),
        ("维达 抽纸 130抽×24包", {"sheets": {"130"}, "pack": {"24"}}),
        ("网易严选 全棉毛巾 3条装", {"pack": {"3"}}),
        ("ｉＰｈｏｎｅ　１５　２５６ＧＢ", {"storage": {"256"}}),  # fullwidth
        ("美的 电压力锅 CYW-2219W 5L", {"volume": {"5000"}}),  # not 2219 W
        ("电热水壶 悦色44 升级版", {}),  # 升级 is "upgrade", not 44 litres
        ("南极人 四件套 1.8m床", {"length": {"1800"}}),
        ("维达 抽纸 24包 包邮", {"pack": {"24"}}),
    ],
)
def test_quantities(title: str, quantities: dict[str, set[str]]) -> None:
    found = features(title).quantities
    assert {k: {Decimal(v) for v in vs} for k, vs in quantities.items()} == {
        k: set(v) for k, v in found.items()
    }


def test_chinese_words_are_segmented() -> None:
    words = features("联想笔记本电脑 智能预约").words
    assert {"笔记本", "电脑", "笔记本电脑", "智能", "预约"} <= words
    assert "联想" not in words  # the brand is compared as a brand, not as a word
    assert features("联想笔记本电脑").brand == "lenovo"


@pytest.mark.parametrize(
    ("brand", "key"),
    [
        ("SONY", "sony"),
        ("索尼", "sony"),
        ("Haier/海尔", "haier"),
        ("苹果", "apple"),
        ("Acme Tools", "acme tools"),
        ("", None),
        (None, None),
    ],
)
def test_brand_keys(brand: str | None, key: str | None) -> None:
    assert brand_key(brand) == key


def test_brand_from_title_only_when_unambiguous() -> None:
    assert features("索尼 WH-1000XM5 耳机").brand == "sony"
    assert features("烟台红富士苹果 5kg").brand is None  # the fruit
    assert features("苹果 iPhone 15", brand="Apple").brand == "apple"


# (client title, client brand, listing title, listing brand, suggested?)
PAIRS = [
    # A shared model number outweighs different wording.
    ("海尔 470升 十字对开门冰箱 BCD-470WGHTD", "海尔", "Haier/海尔 BCD-470WGHTD 冰箱", None, True),
    # Near-identical titles with different model numbers are different products.
    (
        "索尼 WH-1000XM5 头戴式无线降噪耳机 黑色",
        "SONY",
        "索尼 WH-1000XM4 头戴式无线降噪耳机 黑色",
        "SONY",
        False,
    ),
    # Units: the same pack matches across notations; another size does not.
    ("农夫山泉 天然饮用水 550ml×24瓶 整箱", None, "农夫山泉 饮用天然水 550ML*24 箱装", None, True),
    (
        "农夫山泉 天然饮用水 550ml×24瓶 整箱",
        None,
        "农夫山泉 天然饮用水 380ml×24瓶 整箱",
        None,
        False,
    ),
    ("Apple iPhone 15 128GB 黑色", "Apple", "苹果 iPhone 15 128G 黑色", None, True),
    ("Apple iPhone 15 128GB 黑色", "Apple", "苹果 iPhone 15 256GB 黑色", None, False),
    # 苹果 the fruit is not Apple the brand, in either direction.
    ("烟台红富士苹果 5kg 新鲜水果", None, "苹果 iPhone 15 128GB 黑色", "Apple", False),
    ("烟台红富士苹果 5kg 新鲜水果", None, "Apple AirPods Pro 第二代 主动降噪耳机", "Apple", False),
    ("苹果 iPhone 15 128GB", "苹果", "红富士苹果 新鲜水果 5公斤 脆甜", None, False),
    ("烟台红富士苹果 5kg 新鲜水果", None, "红富士苹果 新鲜水果 5公斤 脆甜", None, True),
    # Different brands with the same words are different products.
    ("美的 电饭煲 4L 智能预约", "Midea", "苏泊尔 电饭煲 4L 智能预约", "SUPOR", False),
    # Word order and segmentation do not matter.
    ("小米手环8 NFC版 运动智能手环", "Xiaomi", "Xiaomi 小米 手环 8 NFC版 智能运动手环", None, True),
    # A generation number tells products apart when both titles have one.
    ("Apple iPhone 15 128GB 黑色", "Apple", "Apple iPhone 14 128GB 黑色", "Apple", False),
    ("华为 极光2 吹风机 多功能", "华为", "HUAWEI 极光23 吹风机 多功能", None, False),
    # Unrelated products.
    ("维达 抽纸 3层 130抽×24包", "Vinda", "金龙鱼 食用油 黄金比例 5L", None, False),
]


@pytest.mark.parametrize(("mine", "my_brand", "theirs", "their_brand", "suggested"), PAIRS)
def test_pairs(
    mine: str, my_brand: str | None, theirs: str, their_brand: str | None, suggested: bool
) -> None:
    corpus = [features(t, b) for m, mb, t, b, _ in PAIRS for t, b in ((m, mb), (t, b))]
    weights = WordWeights(corpus)
    a, b = features(mine, my_brand), features(theirs, their_brand)
    value = score(a, b, weights)
    assert score(b, a, weights) == value  # symmetric
    assert 0 <= value <= 100
    assert (value >= DEFAULT_MIN_SCORE) is suggested, value


def test_identical_titles_score_100_and_rare_words_weigh_more() -> None:
    docs = [
        features(t) for t in ["智能 手环 蓝色", "智能 手表", "智能 音箱", "智能 台灯", "手环 红色"]
    ]
    weights = WordWeights(docs)
    assert score(docs[0], docs[0], weights) == 100
    assert weights("智能") < weights("手环") < weights("蓝色")
    assert weights.frequency("智能") == pytest.approx(0.8)
