"""Heat figures and title keys as hot lists write them (pricewatch/topics/text.py)."""

from __future__ import annotations

import pytest

from pricewatch.topics.text import clean_title, normalise_title, parse_heat


@pytest.mark.parametrize(
    ("text", "heat"),
    [
        ("640 万热度", 6_400_000),  # Zhihu
        ("1854 万热度", 18_540_000),
        ("2.3亿", 230_000_000),
        ("907.3w", 9_073_000),  # Xiaohongshu
        ("907.3W", 9_073_000),
        ("12,345", 12_345),  # GitHub
        ("1,234 stars today", 1_234),
        ("剧集 1303639", 1_303_639),  # m.weibo.cn desc_extr with a category
        ("综艺 4133840", 4_133_840),
        ("7808391", 7_808_391),  # Baidu hotScore, a string
        ("123 points", 123),  # Hacker News
        ("1234.5万", 12_345_000),  # Kuaishou
        ("1.2k", 1_200),
        ("月销 3千", 3_000),
        ("６４０万", 6_400_000),  # full-width digits
        (1136119, 1_136_119),
        (0, 0),  # a real zero stays zero
        (12.0, 12),
        ("", None),  # no figure: None, never 0
        ("  ", None),
        (None, None),
        ("热", None),
        ("mate", None),
        (-5, None),
        (True, None),
        ([], None),
    ],
)
def test_parse_heat(text: object, heat: int | None) -> None:
    assert parse_heat(text) == heat


def test_a_number_glued_to_a_word_is_still_read_whole() -> None:
    assert parse_heat("123points") == 123


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("#NBA总决赛#", "NBA总决赛"),
        ("  a   b ", "a b"),
        ("＃话题＃", "话题"),
        ("中文，标点", "中文，标点"),
    ],
)
def test_clean_title_keeps_what_is_shown(title: str, shown: str) -> None:
    assert clean_title(title) == shown


def test_normalise_title_folds_case_width_space_and_punctuation() -> None:
    keys = {
        normalise_title(t) for t in ("#NBA总决赛#", "NBA 总决赛", "ｎｂａ总决赛！", "NBA·总决赛")
    }
    assert keys == {"nba总决赛"}
    assert normalise_title("苹果发布会") != normalise_title("苹果发布")
    assert normalise_title("!!!") == ""
