"""Same matter? Normalising places, n-gram similarity, and the measured thresholds.

The thresholds in ``tousu.rules.incidents`` were chosen on the generated complaints below;
``python -m tests.rules.test_incidents`` prints the measurement table quoted in
``docs/rules.md``. The generator is deterministic (fixed seeds).
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tousu.rules import incidents
from tousu.rules.incidents import (
    SAME_MATTER_THRESHOLD,
    TEXT_ONLY_THRESHOLD,
    best_match,
    matter,
    normalise,
    same_matter,
    same_place,
    similarity,
)

BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench"

# ---------------------------------------------------------------- normalising

NORMALISE = [
    ("幸福小区三栋", "幸福小区3栋", "cn_numeral_building"),
    ("幸福小区3号楼", "幸福小区3栋", "haolou_is_building"),
    ("幸福小区3幢", "幸福小区3栋", "zhuang_is_building"),
    ("幸福小区3#", "幸福小区3栋", "hash_is_building"),
    ("幸福小区十二栋二十一层", "幸福小区12栋21层", "cn_numeral_tens"),
    ("幸福小区 ３栋，２单元", "幸福小区3栋2单元", "fullwidth_and_punctuation"),
    ("订单号1234567890物流延误", "订单号物流延误", "long_numbers_dropped"),
    ("一直没有人管", "一直没有人管", "numeral_words_kept"),
    ("Wi-Fi 信号", "wifi信号", "latin_lowered"),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [r[:2] for r in NORMALISE], ids=[r[2] for r in NORMALISE]
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


PLACES = [
    ("幸福小区3栋", "幸福小区三栋", True, "same_building_written_two_ways"),
    ("幸福小区3栋", "幸福小区3栋2单元", True, "unit_inside_building"),
    ("幸福小区3栋", "幸福小区5栋", False, "other_building"),
    ("3栋", "幸福小区3栋", False, "short_place_not_contained"),
    ("", "", True, "both_blank"),
    ("", "幸福小区3栋", False, "blank_and_named"),
]


@pytest.mark.parametrize(("a", "b", "same"), [r[:3] for r in PLACES], ids=[r[3] for r in PLACES])
def test_same_place(a, b, same):
    assert same_place(a, b) is same


def test_similarity_bounds_and_symmetry():
    a, b = "电梯经常停运，老人上下楼很困难", "楼里电梯又停运了，只能爬楼梯"
    assert similarity(a, a) == 1.0
    assert similarity(a, b) == similarity(b, a)
    assert 0 < similarity(a, b) < 1
    assert similarity("", a) == 0.0


def test_place_is_cut_out_of_the_text():
    with_place = similarity(
        "幸福小区3栋电梯停运", "幸福小区三栋楼道灯不亮", "幸福小区3栋", "幸福小区三栋"
    )
    assert with_place == 0.0


SAME = [
    (
        ("equipment", "幸福小区3栋", "幸福小区3栋电梯又停运了，老人只能爬楼梯"),
        ("equipment", "幸福小区三栋", "我住在幸福小区三栋，电梯又停运了，已经两天了"),
        True,
        "seed001_2.5e_same_lift_two_households",
    ),
    (
        ("equipment", "幸福小区3栋", "幸福小区3栋电梯又停运了，老人只能爬楼梯"),
        ("equipment", "幸福小区5栋", "幸福小区5栋电梯又停运了，老人只能爬楼梯"),
        False,
        "other_building_is_another_matter",
    ),
    (
        ("equipment", "幸福小区3栋", "幸福小区3栋电梯又停运了，老人只能爬楼梯"),
        ("environment", "幸福小区3栋", "幸福小区3栋电梯又停运了，老人只能爬楼梯"),
        False,
        "other_category_is_another_matter",
    ),
    (
        ("equipment", "幸福小区3栋", "电梯又停运了，老人只能爬楼梯"),
        ("equipment", "幸福小区3栋", "楼道水管爆裂漏水，水漫到家门口"),
        False,
        "same_place_other_fault",
    ),
    (
        ("harmful_content", "", "某直播间主播散布谣言，说本地自来水有毒，已经转发上万次"),
        ("harmful_content", "", "举报直播间主播散布谣言说本地自来水有毒"),
        True,
        "seed004_2.9_same_report_without_place",
    ),
]


@pytest.mark.parametrize(("a", "b", "same"), [r[:3] for r in SAME], ids=[r[3] for r in SAME])
def test_same_matter(a, b, same):
    assert same_matter(matter(*a), matter(*b)) is same


def test_best_match_picks_the_most_similar_candidate():
    new = matter("equipment", "幸福小区3栋", "电梯又停运了，老人只能爬楼梯")
    candidates = [
        ("far", matter("equipment", "幸福小区5栋", "电梯又停运了，老人只能爬楼梯")),
        ("weak", matter("equipment", "幸福小区3栋", "电梯停运，请尽快处理")),
        ("close", matter("equipment", "幸福小区三栋", "电梯又停运了，老人只能爬楼梯上下")),
    ]
    found = best_match(new, candidates)
    assert found is not None and found.key == "close"
    assert best_match(new, candidates[:1]) is None


# ---------------------------------------------------------------- the measurement


@dataclass(frozen=True)
class Pair:
    group: str
    place_a: str
    text_a: str
    place_b: str
    text_b: str
    same: bool


ESTATES = ["幸福小区", "阳光花园", "翠湖苑", "金色家园", "滨江一号", "锦绣华庭"]
NUMERALS = "一二三四五六七八九"
# Per category, matters: (ways to name the object, ways to say what is wrong, effects).
PROPERTY = {
    "equipment": [
        (["电梯", "楼里电梯"], ["经常停运", "又停运了", "停了好几次", "三天两头停运"],
         ["老人上下楼很困难", "只能爬楼梯", "上班都迟到了"]),
        (["电梯", "电梯轿厢"], ["困人", "把人困在里面", "突然停住困了人"],
         ["孩子被困了半小时", "打求救电话没人接", "吓得不敢再坐"]),
        (["水管", "楼道水管", "公共水管"], ["爆裂漏水", "破裂一直漏水", "漏水没人修"],
         ["楼道全是水", "水漫到家门口", "墙面泡坏了"]),
        (["楼道灯", "走廊灯", "楼梯间的灯"], ["不亮", "坏了一直不亮", "一直黑着"],
         ["晚上摔了一跤", "老人不敢出门", "晚上看不见路"]),
        (["门禁", "单元门禁", "门禁系统"], ["刷卡打不开", "失灵打不开", "坏了开不了门"],
         ["只能等别人开门", "外人随便进出", "快递进不来"]),
    ],
    "environment": [
        (["垃圾", "垃圾桶", "楼下垃圾"], ["好几天没清运", "堆满没人清运", "清运不及时"],
         ["气味难闻", "招来很多苍蝇", "夏天臭得不行"]),
        (["绿化带", "草坪", "花坛"], ["很久没人修剪", "杂草丛生没修剪", "没人打理修剪"],
         ["蚊子特别多", "看着很荒", "挡住了路灯"]),
        (["楼道", "楼梯", "电梯厅"], ["好几天没打扫", "脏了没人打扫", "保洁不打扫"],
         ["地上都是垃圾", "有股怪味", "踩得到处是泥"]),
    ],
}
TELECOM = {
    "network_quality": [
        (["手机信号", "信号", "家里信号"], ["很弱", "特别差时有时无", "弱得打不了电话"],
         ["电话老是断", "微信发不出去", "只能到阳台接电话"]),
        (["宽带", "家里宽带", "光纤宽带"], ["经常断网", "一到晚上就断网", "频繁断网掉线"],
         ["孩子上网课受影响", "在家办公没法开会", "路由器重启也没用"]),
        (["宽带", "网速", "宽带网速"], ["很慢达不到套餐速度", "慢得网页打不开", "测速远低于套餐"],
         ["看视频一直卡", "游戏延迟很高", "交了钱用不上"]),
    ],
}
FILLERS = ["希望尽快处理", "请尽快联系我", "已经反映过一次", "一直没人答复", "影响正常生活",
           "请负责人重视", "要求给个说法", "电话总是占线"]
TEMPLATES = [
    "{place}{obj}{sym}，{eff}。{gen}",
    "我住在{place}，{obj}{sym}，已经{days}天了，{eff}。",
    "{place}的{obj}{sym}，{eff}，{gen}。",
    "反映{place}{obj}{sym}的问题，{eff}，{gen}。",
    "{obj}{sym}（{place}），{eff}。",
    "你好，{place}这边{obj}{sym}，{days}天了还没处理，{eff}。{gen}",
    "{place}{obj}{sym}。",
]


def _building(rng: random.Random, n: int) -> str:
    return rng.choice([f"{n}栋", f"{NUMERALS[n - 1]}栋", f"{n}号楼", f"{n}幢", f"{n}#"])


def _say(rng: random.Random, place: str, m) -> str:
    objects, symptoms, effects = m
    text = rng.choice(TEMPLATES).format(
        place=place, obj=rng.choice(objects), sym=rng.choice(symptoms),
        eff=rng.choice(effects), days=rng.randint(2, 10), gen=rng.choice(FILLERS))
    return text


def place_pairs(rng: random.Random, table: dict, n: int, group: str) -> list[Pair]:
    """Per round: one matter told by two customers at the same building (written the way
    each likes), and another matter of the same category at the same building."""
    pairs = []
    for _ in range(n):
        matters = table[rng.choice(list(table))]
        i = rng.randrange(len(matters))
        j = rng.choice([k for k in range(len(matters)) if k != i])
        estate, number = rng.choice(ESTATES), rng.randint(1, 9)
        p1, p2, p3 = (estate + _building(rng, number) for _ in range(3))
        first = _say(rng, p1, matters[i])
        pairs.append(Pair(group, p1, first, p2, _say(rng, p2, matters[i]), True))
        pairs.append(Pair(group, p1, first, p3, _say(rng, p3, matters[j]), False))
    return pairs


def blank_place_pairs(rng: random.Random, table: dict, n: int, group: str) -> list[Pair]:
    """The same matters told without any place: the text carries all the evidence."""
    return [Pair(group, "", p.text_a.replace(p.place_a, ""), "",
                 p.text_b.replace(p.place_b, ""), p.same)
            for p in place_pairs(rng, table, n, group)]


def bench_pairs(rng: random.Random, n: int) -> list[Pair]:
    """Shared benchmark prose (``/work/shared/bench/complaint_data.py``): two complaints of
    the same queue are different matters; a second customer restating the first sentences of
    a complaint is the same matter. No place: the text decides."""
    sys.path.insert(0, str(BENCH))
    from complaint_data import GENERAL_PHRASES, QUEUES, make_description

    pairs = []
    for _ in range(n):
        _slug, _title, topics = rng.choice(QUEUES)
        first = make_description(rng, topics, length=rng.choice([60, 120, 200]))
        other = make_description(rng, topics, length=rng.choice([60, 120, 200]))
        pairs.append(Pair("bench", "", first, "", other, False))
        core = "，".join(first.split("。")[0].split("，")[:3])
        pairs.append(Pair("bench", "", first, "", f"{rng.choice(GENERAL_PHRASES)}，{core}。", True))
    return pairs


def dataset(n: int = 2000) -> list[Pair]:
    pairs = place_pairs(random.Random(11), PROPERTY, n, "property")
    pairs += place_pairs(random.Random(12), TELECOM, n, "telecom")
    pairs += blank_place_pairs(random.Random(13), PROPERTY, n, "property_no_place")
    if BENCH.is_dir():
        pairs += bench_pairs(random.Random(14), n)
    return pairs


Scored = list[tuple[float, bool]]


def scored(pairs: list[Pair], metric=incidents.overlap) -> Scored:
    """Each pair's similarity (``metric`` over the place-free n-gram sets) and its truth."""
    return [
        (metric(incidents.ngrams(p.text_a, p.place_a), incidents.ngrams(p.text_b, p.place_b)),
         p.same)
        for p in pairs
    ]


def rates(rows: Scored, threshold: float) -> tuple[float, float]:
    """(recall, false joins): the share of same-matter pairs joined, and of different-matter
    pairs joined, at ``threshold``."""
    joined = {True: 0, False: 0}
    total = {True: 0, False: 0}
    for value, same in rows:
        total[same] += 1
        joined[same] += value >= threshold
    return joined[True] / total[True], joined[False] / total[False]


def by_group(pairs: list[Pair], metric=incidents.overlap) -> dict[str, Scored]:
    groups: dict[str, list[Pair]] = {}
    for p in pairs:
        groups.setdefault(p.group, []).append(p)
    return {name: scored(rows, metric) for name, rows in groups.items()}


@pytest.fixture(scope="module")
def measured() -> dict[str, Scored]:
    return by_group(dataset(1000))


@pytest.mark.parametrize("group", ["property", "telecom"])
def test_named_place_threshold_rarely_joins_different_matters(measured, group):
    recall, false_joins = rates(measured[group], SAME_MATTER_THRESHOLD)
    assert false_joins <= 0.02, (group, false_joins)
    assert recall >= 0.35, (group, recall)


@pytest.mark.parametrize("group", ["property_no_place", "bench"])
def test_text_only_threshold_joins_no_different_matters(measured, group):
    if group not in measured:
        pytest.skip("shared benchmark data not available")
    recall, false_joins = rates(measured[group], TEXT_ONLY_THRESHOLD)
    assert false_joins <= 0.002, (group, false_joins)
    assert recall >= 0.05, (group, recall)


def test_named_place_threshold_would_be_too_loose_without_a_place(measured):
    """Why two thresholds: at the named-place threshold, texts alone join many different
    complaints of the same queue (they share its vocabulary)."""
    if "bench" not in measured:
        pytest.skip("shared benchmark data not available")
    _recall, false_joins = rates(measured["bench"], SAME_MATTER_THRESHOLD)
    assert false_joins > 0.2


def table(groups: dict[str, Scored], thresholds: list[float]) -> str:
    lines = ["threshold | " + " | ".join(f"{g} recall / false joins" for g in groups)]
    for t in thresholds:
        cells = []
        for rows in groups.values():
            recall, false_joins = rates(rows, t)
            cells.append(f"{recall:.3f} / {false_joins:.4f}")
        lines.append(f"{t:.2f} | " + " | ".join(cells))
    return "\n".join(lines)


if __name__ == "__main__":  # python -m tests.rules.test_incidents
    data = dataset(4000)
    print(f"{len(data)} pairs; overlap coefficient of bigram+trigram sets, place cut out")
    print(table(by_group(data), [0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75]))
    print("Jaccard index of the same sets, for comparison:")
    print(table(by_group(data, incidents.jaccard), [0.1, 0.15, 0.2, 0.25, 0.3, 0.4]))
