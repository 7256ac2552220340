"""Pack data and the pack docs restate seed facts without repeating seed sentences.

Same test as ``shared/tools/seedcheck.py`` (14 consecutive CJK characters shared with a
seed), run on the files this package owns; skipped where the seed documents are absent.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tousu.packs.loader import builtin_pack_paths

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("TOUSU_SEEDS_DIR", ROOT.parent / "shared" / "seeds"))
WINDOW = 14
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{" + str(WINDOW) + ",}")


def windows(text: str):
    for run in CJK_RUN.findall(text):
        for i in range(len(run) - WINDOW + 1):
            yield run[i : i + WINDOW]


FILES = [*builtin_pack_paths(), ROOT / "docs" / "packs.md"]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
@pytest.mark.parametrize("path", FILES, ids=[f"{p.stem}_case" for p in FILES])
def test_no_seed_sentence_repeated(path: Path):
    seen: set[str] = set()
    for seed in SEEDS.glob("*.txt"):
        seen.update(windows(seed.read_text(encoding="utf-8", errors="ignore")))
    lines = path.read_text(encoding="utf-8").splitlines()
    repeated = [
        f"{path.name}:{n}"
        for n, line in enumerate(lines, 1)
        if any(w in seen for w in windows(line))
    ]
    assert not repeated
