"""Bad input: every malformed document fails with one clear PlanError, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import PlanError
from ingest.model import SourceText
from ingest.parse import parse_source
from tests.conftest import PLANS

TEXTS = {}


def plan_text(corpus, key: str) -> str:
    if key not in TEXTS:
        entry = next(e for e in corpus if e.key == key)
        TEXTS[key] = entry.path.read_text(encoding="utf-8")
    return TEXTS[key]


def parse_or_fail(name: str, text: str) -> None:
    """Parsing either gives a plan or a one-line PlanError naming the document."""
    try:
        parse_source(SourceText(name, text, "txt"), None)
    except PlanError as err:
        message = str(err)
        assert message.startswith(name)
        assert "\n" not in message


mutation = st.tuples(
    st.sampled_from(["cut", "delete", "duplicate", "insert", "swap"]),
    st.floats(0, 1),
    st.floats(0, 1),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from(PLANS), mutations=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_documents_parse_or_fail_clearly(corpus, key, mutations):
    text = plan_text(corpus, key)
    for op, a, b, junk in mutations:
        i, j = sorted((int(a * len(text)), int(b * len(text))))
        if op == "cut":
            text = text[:j]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "insert":
            text = text[:i] + junk + text[i:]
        else:
            text = text[:i] + text[j:] + text[i:j]
    parse_or_fail(f"{key}-mutated.txt", text)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_parses_or_fails_clearly(text):
    parse_or_fail("random.txt", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("关于做好春节期间安全生产工作的通知。各单位要切实做好值班值守。", "no development areas"),
        (
            "鹿寨县妇女发展规划（2021—2030年）\n一、总体要求\n（一）指导思想\n坚持以人民为中心。\n"
            "二、发展领域、主要目标和策略措施\n",
            "no areas",
        ),
    ],
)
def test_non_plans_name_what_was_expected(text, expected):
    with pytest.raises(PlanError, match=expected):
        parse_source(SourceText("notice.txt", text, "txt"), None)


@pytest.mark.parametrize("key", PLANS)
def test_truncated_plan_names_the_line(corpus, key):
    text = plan_text(corpus, key)
    cut = text.index("策略措施", len(text) // 2) + 200
    cut = next(i for i in range(cut, len(text)) if text[i] not in "。；\n")
    with pytest.raises(PlanError, match=r"truncated") as err:
        entry = next(e for e in corpus if e.key == key)
        parse_source(SourceText(f"{key}.txt", text[:cut], "txt"), entry)
    assert err.value.line == text[:cut].count("\n") + 1
