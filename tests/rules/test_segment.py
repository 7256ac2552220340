"""The full-text search's word cut (``tousu.cases.search.segment``), without a database."""

from __future__ import annotations

import pytest

from tousu.cases.search import segment


def test_a_complaint_is_cut_into_words_its_short_keywords_included():
    words = segment("地下车库顶板漏水严重")
    assert "漏水" in words
    assert "车库" in words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("订单号ABC-123未退款", {"ABC", "123"}),
        ("发到 test@example.com 了", {"test", "example", "com"}),
    ],
    ids=["hyphenated_code", "email"],
)
def test_ascii_runs_are_split_at_punctuation(text, expected):
    words = segment(text)
    assert expected <= set(words)
    assert all(w.replace("_", "").isalnum() for w in words), words


@pytest.mark.parametrize("text", ["", "  ，。！", None], ids=["empty", "punctuation", "none"])
def test_nothing_to_search_gives_no_words(text):
    assert segment(text) == []
