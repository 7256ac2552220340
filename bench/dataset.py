"""The shared complaint data (/work/shared/bench/complaint_data.py) mapped onto tousu packs.

Pure Python (PyYAML, no Django): the harness builds API payloads from it and bulk_load.py builds
table rows from it, so both see the same packs, categories and people.

Each queue of the shared data goes to the pack of the same code (mobile and broadband: telecom)
when one is installed, else to the property pack. A row's category is found from the first queue
topic in its title: a fixed mapping for the property pack (漏水 -> equipment_water, 电梯 ->
equipment_elevator, ...), else the leaf category whose name shares most characters with the
topic (信号弱 -> network_weak_signal), else a stable leaf category of the pack.
"""

from __future__ import annotations

import os
import random
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import yaml

SHARED = Path(os.environ.get("TOUSU_BENCH_SHARED", "/work/shared/bench"))
sys.path.insert(0, str(SHARED))
from complaint_data import KEYWORD, QUEUES, SEED, creation_payload, generate_rows  # noqa: E402

PACK_DIR = Path(__file__).resolve().parent.parent / "src" / "tousu" / "packs" / "data"
DEFAULT_PACK = "property"
QUEUE_PACK = {"mobile": "telecom", "broadband": "telecom"}

TOPIC_CATEGORY = {  # property pack codes
    "物业": "service_etiquette",
    "电梯": "equipment_elevator",
    "漏水": "equipment_water",
    "噪音": "environment_noise",
    "停车位": "security_vehicles",
    "保洁": "environment_cleaning",
    "绿化": "environment_greenery",
    "门禁": "security_technical",
    "物业费": "service_fees",
    "装修扰民": "housing_renovation",
    "垃圾清运": "environment_refuse",
    "楼道照明": "equipment_lighting",
    "热水器漏水": "equipment_water",
    "管道维修": "equipment_water",
    "停水": "equipment_water",
    "水压低": "equipment_pump_room",
    "停电": "equipment_lighting",
    "维修": "service_home",
    "空调": "equipment_central_ac",
}
CHANNELS = {
    "phone": 45,
    "wechat": 15,
    "app": 12,
    "web": 10,
    "walk_in": 8,
    "email": 4,
    "letter": 2,
    "regulator": 2,
    "media": 1,
    "social": 1,
}
REQUEST_TYPES = {"complaint": 50, "fault": 25, "consultation": 15, "suggestion": 7, "inquiry": 3}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
COMMUNITIES = [
    "幸福小区",
    "阳光花园",
    "翠湖苑",
    "锦绣家园",
    "滨江一号",
    "金色港湾",
    "绿城桂花园",
    "碧水云天",
    "御景湾",
    "东方明珠苑",
    "万象新城",
    "春华里",
]
DEMANDS = ["尽快维修", "要求退款", "要求赔偿损失", "给出书面答复", "希望尽快处理", "上门核实", ""]


@dataclass(frozen=True)
class PackInfo:
    code: str
    request_types: tuple[str, ...]
    leaves: tuple[str, ...]  # categories without children
    categories: frozenset[str]
    names: dict[str, str]  # leaf code -> name


def load_packs(pack_dir: Path = PACK_DIR) -> dict[str, PackInfo]:
    packs = {}
    for path in sorted(pack_dir.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        cats = [c["code"] for c in doc.get("categories", [])]
        parents = {c.get("parent") for c in doc.get("categories", [])}
        leaves = tuple(c for c in cats if c not in parents) or tuple(cats)
        names = {c["code"]: c.get("name", "") for c in doc.get("categories", [])}
        packs[doc["code"]] = PackInfo(
            code=doc["code"],
            request_types=tuple(r["code"] for r in doc.get("request_types", [])),
            leaves=leaves,
            categories=frozenset(cats),
            names={c: names[c] for c in leaves},
        )
    return packs


def _weighted(rng: random.Random, weights: dict[str, int], allowed) -> str:
    options = [k for k in weights if k in allowed] or list(allowed)
    return rng.choices(options, weights=[weights.get(k, 1) for k in options])[0]


class Mapper:
    """Turns shared-data rows into tousu fields, deterministically for a given seed."""

    def __init__(self, packs: dict[str, PackInfo], seed: int = SEED):
        self.packs = packs
        self.rng = random.Random(seed + 7)
        self.topics = {slug: topics for slug, _title, topics in QUEUES}

    def pack_for(self, queue: str) -> PackInfo:
        return self.packs.get(QUEUE_PACK.get(queue, queue)) or self.packs[DEFAULT_PACK]

    def category(self, pack: PackInfo, queue: str, title: str) -> str:
        topic = next((t for t in self.topics[queue] if t in title), self.topics[queue][0])
        code = TOPIC_CATEGORY.get(topic)
        if code in pack.categories:
            return code
        shared = {c: len(set(topic) & set(name)) for c, name in pack.names.items()}
        best = max(shared.values(), default=0)
        options = [c for c in pack.leaves if shared.get(c) == best] if best >= 2 else pack.leaves
        return options[zlib.crc32(topic.encode()) % len(options)]

    def person(self) -> dict[str, str]:
        rng = self.rng
        return {
            "name": rng.choice(SURNAMES) + rng.choice(["先生", "女士"]),
            "phone": "1" + rng.choice("3456789") + "".join(rng.choices("0123456789", k=9)),
        }

    def location(self) -> str:
        rng = self.rng
        return (
            f"{rng.choice(COMMUNITIES)}{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元"
            f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}室"
        )

    def fields(self, queue: str, title: str, body: str) -> dict:
        """pack, category, channel, request_type, description, demand, location, customer."""
        pack = self.pack_for(queue)
        rng = self.rng
        return {
            "pack": pack.code,
            "channel": _weighted(rng, CHANNELS, CHANNELS),
            "request_type": _weighted(rng, REQUEST_TYPES, pack.request_types),
            "category": self.category(pack, queue, title),
            "description": f"{title}。{body}"[:5000],
            "demand": rng.choice(DEMANDS),
            "location": self.location(),
            "customer": self.person(),
        }


def intake_payloads(n: int, packs: dict[str, PackInfo] | None = None) -> list[dict]:
    """``n`` bodies for POST /api/v1/cases, from ``creation_payload`` of the shared data."""
    mapper = Mapper(packs or load_packs(), SEED + 1)
    rng = random.Random(SEED + 1)
    out = []
    for i in range(n):
        p = creation_payload(rng, i)
        body = mapper.fields(p["queue_slug"], p["title"], p["body"])
        body["customer"]["email"] = p["email"]
        out.append(body)
    return out


__all__ = ["KEYWORD", "Mapper", "PackInfo", "generate_rows", "intake_payloads", "load_packs"]
