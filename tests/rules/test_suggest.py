"""Category suggestion from the customer's words: which keywords match, ranking, ties."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tousu.cases.search import segment
from tousu.packs.loader import load_builtin_packs
from tousu.rules.suggest import Suggestion, suggest_categories

PACKS = load_builtin_packs()


@dataclass(frozen=True)
class Cat:
    code: str
    keywords: tuple[str, ...]


def _suggest(pack: str, text: str, limit: int | None = 3) -> list[Suggestion]:
    return suggest_categories(PACKS[pack].categories, segment(text), text, limit)


# (id, pack, what the customer said, expected first category, its matched keywords)
FIRST = [
    ("property_lift_trapped_case", "property", "3号楼电梯困人了，请赶快派人", "equipment_elevator",
     ("电梯", "困人")),
    ("telecom_weak_signal_case", "telecom", "家里手机信号差，经常打不出去", "network_weak_signal",
     ("信号差",)),
    ("telecom_interconnection_case", "telecom", "拨打其他运营商的号码总是掉话", "interconnection",
     ("掉话", "其他运营商")),
    ("telecom_ringback_case", "telecom", "没开通悦铃却被扣了钱", "service_ringback", ("悦铃",)),
    ("property_pests_case", "property", "地下室蟑螂老鼠很多", "environment_pest_control",
     ("老鼠", "蟑螂")),
    ("logistics_late_case", "logistics", "货物延误三天还没送到", "business_timeliness",
     ("延误", "没送到")),
    ("bank_card_case", "bank", "信用卡被盗刷了两千元", "cards", ("信用卡", "盗刷")),
    ("retail_fake_case", "retail", "买到的是假货", "counterfeit", ("假货",)),
    ("internet_privacy_case", "internet", "平台泄露了我的个人信息", "privacy_breach",
     ("泄露", "个人信息")),
    ("latin_keyword_any_case_case", "bank", "手机银行app登录要验证码", "e_banking",
     ("手机银行", "APP", "验证码")),
]


@pytest.mark.parametrize(("pack", "text", "code", "matched"), [f[1:] for f in FIRST],
                         ids=[f[0] for f in FIRST])
def test_first_suggestion(pack, text, code, matched):
    found = _suggest(pack, text)
    assert found[0] == Suggestion(code, sum(len(k) for k in matched), matched)
    assert len(found) <= 3


@pytest.mark.parametrize(("pack", "text"), [("telecom", "今天天气很好"), ("property", ""),
                                            ("bank", "   ")],
                         ids=["no_keyword_case", "empty_text_case", "blank_text_case"])
def test_nothing_matching_suggests_nothing(pack, text):
    assert _suggest(pack, text) == []


CATS = [Cat("a", ("电梯", "停电")), Cat("b", ("停电", "电梯")), Cat("c", ("电梯困人",)),
        Cat("d", ()), Cat("e", ("电",))]

# (id, words, raw text, expected [(code, score)])
RANKING = [
    ("longer_phrase_outranks_a_short_word_case", [], "电梯困人",
     [("c", 4), ("a", 2), ("b", 2), ("e", 1)]),
    ("tie_keeps_pack_order_case", [], "停电", [("a", 2), ("b", 2), ("e", 1)]),
    ("words_alone_match_case", ["电梯", "坏"], "", [("a", 2), ("b", 2)]),
    ("substring_matches_whatever_the_cut_case", ["电", "梯子"], "电梯子", [("a", 2), ("b", 2),
                                                                          ("e", 1)]),
    ("category_without_keywords_never_case", [], "什么都没有", []),
]


@pytest.mark.parametrize(("words", "text", "expected"), [r[1:] for r in RANKING],
                         ids=[r[0] for r in RANKING])
def test_ranking(words, text, expected):
    found = suggest_categories(CATS, words, text)
    assert [(s.code, s.score) for s in found] == expected


def test_more_keywords_win_a_tie_of_characters():
    cats = [Cat("one", ("电梯困人",)), Cat("two", ("电梯", "困人"))]
    assert [s.code for s in suggest_categories(cats, [], "电梯困人")] == ["two", "one"]


def test_same_input_same_order_whatever_the_input_order_of_words():
    words = segment("电梯停电困人")
    first = suggest_categories(CATS, words, "电梯停电困人")
    assert suggest_categories(CATS, list(reversed(words)), "电梯停电困人") == first


@pytest.mark.parametrize(("limit", "count"), [(None, 4), (3, 3), (1, 1), (0, 0), (-1, 0)],
                         ids=["no_limit_case", "three_case", "one_case", "zero_case",
                              "negative_case"])
def test_limit(limit, count):
    assert len(suggest_categories(CATS, [], "电梯困人又停电", limit)) == count
