"""Category suggestion: what one keystroke's suggestion costs on the intake page (no database).

    flock /tmp/tousu-bench.lock .venv/bin/python bench/suggest_bench.py [--calls 2000]

Times, per call, for a short and a long description (200 and 5,000 characters, the most a
description may hold), jieba's segmentation alone, the rule alone (``rules.suggest`` over the
property pack, its largest category list), and the two together (``cases.suggest.suggest_for``,
what the console and the API run). jieba's dictionary is loaded before timing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SHORT = "3号楼电梯困人快半小时了，物业电话一直打不通，楼道灯也坏了好几天，垃圾没人清运。"


def per_call(label: str, calls: int, fn) -> None:  # noqa: ANN001 - any no-argument callable
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed / calls * 1e6:>9.1f} µs/call")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    calls = parser.parse_args().calls
    import django

    django.setup()
    from tousu.cases.search import segment
    from tousu.cases.suggest import suggest_for
    from tousu.packs.loader import load_builtin_packs
    from tousu.rules.suggest import suggest_categories

    pack = load_builtin_packs()["property"]
    short = (SHORT * 6)[:200]
    long = (SHORT * 200)[:5000]
    segment(short)  # loads jieba's dictionary
    print(f"property pack: {len(pack.categories)} categories, "
          f"{sum(len(c.keywords) for c in pack.categories)} keywords; {calls} calls each")
    for name, text in (("200 chars", short), ("5000 chars", long)):
        n = calls if len(text) < 1000 else max(calls // 10, 1)
        words = segment(text)
        per_call(f"{name}: jieba segment", n, lambda t=text: segment(t))
        per_call(f"{name}: rule only", n, lambda w=words, t=text: suggest_categories(
            pack.categories, w, t, 3))
        per_call(f"{name}: suggest_for (both)", n, lambda t=text: suggest_for(pack, t))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
