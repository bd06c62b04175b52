"""Targets: real sentences from the four plans, read as a careful reader reads them."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.targets import find_targets

# (sentence as printed in a plan, expected (indicator, value, unit, comparator, year) tuples)
SENTENCES = [
    (
        "孕产妇死亡率下降到 8/10 万以下，城乡、区域差距逐步缩小。",
        [("孕产妇死亡率", "8", "1/10万", "at_most", 2030)],
    ),
    (
        "孕产妇死亡率控制在7.5／10万以下，城乡区域差距逐步缩小。",
        [("孕产妇死亡率", "7.5", "1/10万", "at_most", 2030)],
    ),
    (
        "全区婚前医学检查率提高到 65%，孕前优生检查率达到 80% 以上。",
        [
            ("婚前医学检查率", "65", "%", "at_least", 2030),
            ("孕前优生检查率", "80", "%", "at_least", 2030),
        ],
    ),
    (
        "孕产妇艾滋病、梅毒和乙肝检测率达到 98%以上，艾滋病母婴传播率下降到 2%以下。",
        [
            ("孕产妇艾滋病、梅毒和乙肝检测率", "98", "%", "at_least", 2030),
            ("艾滋病母婴传播率", "2", "%", "at_most", 2030),
        ],
    ),
    (
        "促进平等就业，消除就业性别歧视。就业人员中的女性比例保持在45%左右。",
        [("就业人员中的女性比例", "45", "%", "approximately", 2030)],
    ),
    (
        "女性平等接受高中阶段教育，高中阶段毛入学率达到并保持在92%以上。",
        [("高中阶段毛入学率", "92", "%", "at_least", 2030)],
    ),
    (
        "女童平等接受义务教育，九年义务教育巩固率稳定在99%以上",
        [("九年义务教育巩固率", "99", "%", "at_least", 2030)],
    ),
    (
        "到2025年，妇女基本医疗保险参保率稳定在95%。",
        [("妇女基本医疗保险参保率", "95", "%", "exactly", 2025)],
    ),
    (
        "65 岁以上老年人城乡社区规范健康管理服务率达到 65%以上。",
        [("65岁以上老年人城乡社区规范健康管理服务率", "65", "%", "at_least", 2030)],
    ),
    ("建筑面积超过1万平方米或者日人流量超过1万人的其他场所，建设母婴室。", []),
    (
        "九年义务教育女生巩固率为98%，初中女生升学率为98%",
        [
            ("九年义务教育女生巩固率", "98", "%", "exactly", 2030),
            ("初中女生升学率", "98", "%", "exactly", 2030),
        ],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), SENTENCES)
def test_sentence_targets(sentence, expected):
    found = [
        (t.indicator, str(t.value), t.unit, t.comparator, t.year)
        for t in find_targets(sentence, 2030)
    ]
    assert found == expected


def test_phrase_slices_the_sentence():
    sentence = SENTENCES[2][0]
    for t in find_targets(sentence, 2030):
        assert sentence[t.start : t.end] == t.phrase


HAND = Path(__file__).with_name("data") / "hand_targets.tsv"


def hand_rows() -> list[dict[str, str]]:
    with HAND.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_hand_checked_goals_have_their_targets(parsed):
    """Every goal target read by hand (tests/data/hand_targets.tsv) is found, with its value,
    unit, comparator and year; the indicator found names the hand-read indicator."""
    missing = []
    for row in hand_rows():
        goal = parsed[row["plan"]].plan.areas[int(row["area"]) - 1].goals[int(row["goal"]) - 1]
        want = (Decimal(row["value"]), row["unit"], row["comparator"], int(row["year"]))
        hits = [
            t
            for t in goal.targets
            if (t.value, t.unit, t.comparator, t.year) == want
            and (row["indicator"] in t.indicator or t.indicator in row["indicator"])
        ]
        if not hits:
            missing.append(
                (row, [(t.indicator, t.value, t.unit, t.comparator) for t in goal.targets])
            )
    assert not missing, "\n".join(map(str, missing))


# Phrasings of other plans (children's plans, provincial layouts): text → (indicator, value,
# unit, comparator) per target, in order.
PHRASINGS = [
    (
        "3岁以下儿童系统管理率和7岁以下儿童健康管理率保持在90%以上",
        [
            ("3岁以下儿童系统管理率", "90", "%", "at_least"),
            ("7岁以下儿童健康管理率", "90", "%", "at_least"),
        ],
    ),
    (
        "产前筛查率、新生儿遗传代谢性疾病筛查率和新生儿听力筛查率均达到98%以上",
        [
            ("产前筛查率", "98", "%", "at_least"),
            ("新生儿遗传代谢性疾病筛查率", "98", "%", "at_least"),
            ("新生儿听力筛查率", "98", "%", "at_least"),
        ],
    ),
    (
        "5岁以下儿童贫血患病率和生长迟缓率分别降至10%和5%以下",
        [
            ("5岁以下儿童贫血患病率", "10", "%", "at_most"),
            ("生长迟缓率", "5", "%", "at_most"),
        ],
    ),
    (
        "婴儿死亡率和5岁以下儿童死亡率分别控制在3.5‰和5‰以下。",
        [("婴儿死亡率", "3.5", "‰", "at_most"), ("5岁以下儿童死亡率", "5", "‰", "at_most")],
    ),
    (
        "城乡居民基本医疗保险参保\n率达到95%以上。",
        [("城乡居民基本医疗保险参保率", "95", "%", "at_least")],
    ),
    (
        "以乡镇为单位适龄儿童免疫规划疫苗接种率保持在90%以上。",
        [("适龄儿童免疫规划疫苗接种率", "90", "%", "at_least")],
    ),
    (
        "以县为单位，孕产妇系统管理率达到90%以上。",
        [("孕产妇系统管理率", "90", "%", "at_least")],
    ),
    (
        "以县（市、区）为单位适龄儿童免疫规划疫苗接种率保持在95%以上。",
        [("适龄儿童免疫规划疫苗接种率", "95", "%", "at_least")],
    ),
    # A joined indicator whose parts are not each an indicator stays whole.
    (
        "孕产妇艾滋病、梅毒和乙肝检测率达到98%以上",
        [("孕产妇艾滋病、梅毒和乙肝检测率", "98", "%", "at_least")],
    ),
    # Two values for one indicator do not pair up: the first is kept.
    ("学前教育毛入园率提高到90%和95%", [("学前教育毛入园率", "90", "%", "at_least")]),
]


@pytest.mark.parametrize(("text", "expected"), PHRASINGS)
def test_phrasings(text, expected):
    found = [(t.indicator, str(t.value), t.unit, t.comparator) for t in find_targets(text, 2030)]
    assert found == expected


def test_split_targets_share_the_phrase():
    text = PHRASINGS[2][0]
    for t in find_targets(text, 2030):
        assert text[t.start : t.end] == t.phrase == text
