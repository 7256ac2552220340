"""Regulator-style quarterly statistics (telecom: quarterly statistics to the authority, seed
000 › 电信用户申诉处理暂行办法 第七条; bank: complaint statistics reported upward): one table per
pack, a row per top-level category, with the counts by result and the on-time reply rate.

Columns: received; valid / assist / refused (invalid) / withdrawn; finished / in hand;
replied within the limit / late; on-time rate; satisfied and satisfaction rate. The limit is
the pack's statutory reply limit where it has one (telecom: 15 working days; bank: the
regulatory 15 days), else the pack's own reply target.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from tousu.packs.schema import Pack
from tousu.reports import labels
from tousu.reports.dimensions import DIMENSIONS
from tousu.reports.figures import Scope, empty_figures, figures
from tousu.reports.periods import Period

COLUMNS = (
    ("count", "受理总量"),
    ("valid", "有效"),
    ("assist", "协助处理"),
    ("invalid", "不予受理"),
    ("withdrawn", "撤诉"),
    ("finished", "已办结"),
    ("open", "处理中"),
    ("on_time", "按时答复"),
    ("late", "超时答复"),
    ("on_time_rate", "答复及时率"),
    ("satisfied", "满意"),
    ("satisfaction_rate", "满意率"),
)
RATES = ("on_time_rate", "satisfaction_rate")


def _top(pack: Pack, code: str) -> str:
    lineage = list(pack.lineage(code)) if code else []
    return lineage[-1].code if lineage else code


def _line(f: dict[str, Any], clock: str) -> dict[str, Any]:
    on_time, late = f[f"{clock}_on_time"], f[f"{clock}_late"]
    line = {k: f[k] for k, _ in COLUMNS if k in f}
    line.update(on_time=on_time, late=late)
    line["on_time_rate"] = round(on_time / (on_time + late), 4) if on_time + late else None
    line["satisfaction_rate"] = round(f["satisfied"] / f["rated"], 4) if f["rated"] else None
    return line


def _add(into: dict[str, Any], f: dict[str, Any]) -> None:
    for key, value in f.items():
        if isinstance(value, int) and key in into:
            into[key] += value


def pack_table(scope: Scope, period: Period, pack: Pack, groups: dict) -> dict[str, Any]:
    clock = "statutory" if pack.sla.statutory is not None else "reply"
    tops: dict[str, dict[str, Any]] = {}
    total = empty_figures()
    for (pack_code, category), f in groups.items():
        if pack_code != pack.code:
            continue
        _add(tops.setdefault(_top(pack, category), empty_figures()), f)
        _add(total, f)
    rows = []
    for code in [c.code for c in pack.children(None)] + sorted(
        set(tops) - {c.code for c in pack.children(None)}
    ):
        found = pack.category(code)
        name = found.name if found else (code or labels.NONE)
        rows.append(
            {"category": code, "name": name, **_line(tops.get(code) or empty_figures(), clock)}
        )
    return {
        "pack": pack.code,
        "pack_name": pack.name,
        "clock": clock,
        "limit": "法定答复时限" if clock == "statutory" else "答复时限",
        "rows": rows,
        "total": _line(total, clock),
    }


def build(scope: Scope, period: Period) -> dict[str, Any]:
    """One table per pack (the scope's pack, or each pack with cases in the period)."""
    groups = figures(scope, period, DIMENSIONS["category"])[0]
    codes = [scope.pack] if scope.pack else sorted({k[0] for k in groups})
    tables = [pack_table(scope, period, scope.packs[c], groups) for c in codes if c in scope.packs]
    return {"period": period.as_json(), "as_of": scope.now.isoformat(), "tables": tables}


def _bold(ws: Any, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    return cell


def workbook(data: dict[str, Any]) -> Workbook:
    wb = Workbook(write_only=True)
    for table in data["tables"] or [None]:
        ws = wb.create_sheet((table or {}).get("pack_name", "投诉统计")[:31])
        ws.column_dimensions["B"].width = 22
        ws.append([_bold(ws, f"投诉处理情况统计表（{data['period']['label']}）")])
        if table is None:
            ws.append(["本期没有投诉。"])
            continue
        ws.append(
            [
                f"行业：{table['pack_name']}",
                f"时限口径：{table['limit']}",
                f"统计时点：{data['as_of'][:16]}",
            ]
        )
        ws.append([_bold(ws, t) for t in ("序号", "投诉类别", *(n for _, n in COLUMNS))])
        for i, row in enumerate(table["rows"], start=1):
            ws.append([i, row["name"], *(_value(ws, k, row[k]) for k, _ in COLUMNS)])
        total = table["total"]
        ws.append(["", _bold(ws, "合计"), *(_value(ws, k, total[k]) for k, _ in COLUMNS)])
    return wb


def _value(ws: Any, key: str, value: Any) -> Any:
    if key not in RATES:
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = "0.00%"
    return cell


def write(data: dict[str, Any], target: str | Path | BytesIO) -> int:
    wb = workbook(data)
    if isinstance(target, BytesIO):
        wb.save(target)
        return target.getbuffer().nbytes
    wb.save(str(target))
    return Path(target).stat().st_size


__all__ = ["COLUMNS", "build", "workbook", "write"]
