"""Pack key ``categories[].keywords``: read in order; bad lists refused at file, line, field."""

from __future__ import annotations

import pytest

from tests.packs.samples import edit, line_of
from tousu.packs.loader import PackError, load_builtin_packs, load_pack_text

LIFT = "{code: lift, name: 电梯, parent: facilities"


def test_keywords_are_read_in_order():
    pack = load_pack_text(edit(LIFT, LIFT + ", keywords: [电梯, 困人, 停梯]"), "demo.yaml")
    lift = pack.category("lift")
    assert lift is not None
    assert lift.keywords == ("电梯", "困人", "停梯")
    facilities = pack.category("facilities")
    assert facilities is not None and facilities.keywords == ()


@pytest.mark.parametrize(
    ("keywords", "field", "problem", "on_line"),
    [
        pytest.param("keywords: 电梯", "categories[1].keywords", "expected a list",
                     "keywords: 电梯", id="not_a_list_case"),
        pytest.param("keywords: [电梯, 电梯]", "categories[1].keywords[1]",
                     "keyword '电梯' is listed twice", "keywords: [电梯, 电梯]",
                     id="repeated_case"),
        pytest.param('keywords: [电梯, ""]', "categories[1].keywords[1]", "must not be empty",
                     "keywords:", id="empty_case"),
        pytest.param("keywords: [电梯坏了好几天都没有人来修理]", "categories[1].keywords[0]",
                     "at most 12 characters", "keywords:", id="sentence_case"),
        pytest.param("keywords: [电梯 困人]", "categories[1].keywords[0]", "without spaces",
                     "keywords:", id="space_case"),
    ],
)
def test_bad_keywords_are_refused(keywords, field, problem, on_line):
    text = edit(LIFT, f"{LIFT}, {keywords}")
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "demo.yaml")
    error = caught.value
    assert (error.file, error.field) == ("demo.yaml", field), str(error)
    assert problem in error.problem, str(error)
    assert error.line == line_of(on_line, text), str(error)


@pytest.mark.parametrize("code", sorted(load_builtin_packs()), ids=lambda c: f"{c}_case")
def test_every_leaf_category_of_the_builtin_packs_has_keywords(code):
    pack = load_builtin_packs()[code]
    parents = {c.parent for c in pack.categories}
    leaves = [c for c in pack.categories if c.code not in parents and c.code != "other"]
    assert leaves
    assert [c.code for c in leaves if not c.keywords] == []
