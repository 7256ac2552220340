"""The report as an Excel workbook (openpyxl, write-only): an indicators sheet, one sheet per
dimension (with a bar chart of the counts), the quality brief and the warnings."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tousu.reports import labels

PERCENT = "0.00%"
HOURS = "0.00"
CHART_ROWS = 20
SHEET_INDICATORS = "指标汇总"
SHEET_BRIEF = "质量简报"
SHEET_WARNINGS = "预警"
TREATMENTS = {"summary": "汇总", "course": "逐件列出经过", "full": "经过、原因分析与预防措施"}


def _cell(
    ws: WriteOnlyWorksheet,
    value: Any,
    fmt: str | None = None,
    bold: bool = False,
    wrap: bool = False,
) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = Font(bold=True)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _header(ws: WriteOnlyWorksheet, titles: list[str]) -> None:
    ws.append([_cell(ws, t, bold=True) for t in titles])


def indicator_format(code: str) -> str:
    return HOURS if code.endswith("_hours") else PERCENT


def _title_rows(ws: WriteOnlyWorksheet, data: dict[str, Any], caption: str) -> None:
    pack = data["pack"]["name"] if data.get("pack") else "全部行业"
    ws.append([_cell(ws, f"{data['title']}（{caption}）", bold=True)])
    ws.append(
        [
            f"统计期间：{data['period']['label']}",
            f"对比期间：{data['previous_period']['label']}",
            f"范围：{pack}",
            f"统计时点：{data['as_of']}",
        ]
    )
    ws.append([])


def _indicators_sheet(wb: Workbook, data: dict[str, Any]) -> None:
    ws = wb.create_sheet(SHEET_INDICATORS)
    ws.column_dimensions["A"].width = 22
    _title_rows(ws, data, "主要指标")
    _header(ws, ["指标", "代码", "本期", "上期", "变化"])
    totals = data["totals"]
    ws.append(
        [
            "受理量",
            "count",
            totals["count"],
            totals["previous"]["count"],
            totals["count"] - totals["previous"]["count"],
        ]
    )
    for code in data["indicators"]:
        now, before = totals["indicators"][code], totals["previous"]["indicators"][code]
        change = None if now is None or before is None else round(now - before, 4)
        fmt = indicator_format(code)
        ws.append(
            [
                labels.INDICATORS[code],
                code,
                _cell(ws, now, fmt),
                _cell(ws, before, fmt),
                _cell(ws, change, fmt),
            ]
        )
    ws.append([])
    _header(ws, ["构成", "代码", "本期"])
    for name, value in totals["figures"].items():
        ws.append(["", name, value])


def _dimension_sheet(wb: Workbook, data: dict[str, Any], table: dict[str, Any]) -> None:
    ws = wb.create_sheet(table["title"])
    ws.column_dimensions["B"].width = 28
    codes = data["indicators"]
    head = ["代码", "名称", "行业", "数量", "上期数量"]
    for code in codes:
        head += [labels.INDICATORS[code], f"{labels.INDICATORS[code]}(上期)"]
    _header(ws, head)
    for row in table["rows"]:
        values: list[Any] = [
            row["key"],
            row["name"],
            row.get("pack", ""),
            row["count"],
            row["previous"]["count"],
        ]
        for code in codes:
            fmt = indicator_format(code)
            values += [
                _cell(ws, row["indicators"][code], fmt),
                _cell(ws, row["previous"]["indicators"][code], fmt),
            ]
        ws.append(values)
    shown = min(len(table["rows"]), CHART_ROWS)
    if shown:
        _bar_chart(ws, table["title"], shown)


def _bar_chart(ws: WriteOnlyWorksheet, title: str, rows: int) -> None:
    chart = BarChart()
    chart.title = f"{title}：本期与上期数量"
    chart.y_axis.title = "件数"
    chart.add_data(
        Reference(ws, min_col=4, max_col=5, min_row=1, max_row=rows + 1), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=rows + 1))
    chart.width, chart.height = 24, 12
    ws.add_chart(chart, "B" + str(rows + 4))


def _brief_sheet(wb: Workbook, data: dict[str, Any]) -> None:
    ws = wb.create_sheet(SHEET_BRIEF)
    for col, width in (("A", 14), ("B", 16), ("C", 20), ("F", 60), ("G", 40), ("H", 40)):
        ws.column_dimensions[col].width = width
    _title_rows(ws, data, "质量简报")
    brief = data["brief"]
    if not brief["count"]:
        ws.append(["本期没有投诉。"])
    for part in brief["packs"]:
        for level in part["levels"]:
            _brief_level(ws, part, level)


def _brief_level(ws: WriteOnlyWorksheet, part: dict[str, Any], level: dict[str, Any]) -> None:
    caption = f"{part['pack_name']}—{level['name']}（{TREATMENTS[level['treatment']]}）"
    ws.append([_cell(ws, caption, bold=True), f"共 {level['count']} 件"])
    if level["treatment"] == "summary":
        _header(ws, ["类别代码", "类别", "件数", "已办结", "满意"])
        for item in level["by_category"]:
            ws.append(
                [
                    item["category"],
                    item["category_name"],
                    item["count"],
                    item["finished"],
                    item["satisfied"],
                ]
            )
    else:
        _header(
            ws, ["编号", "类别", "受理时间", "状态", "描述", "处理经过", "原因分析", "预防措施"]
        )
        for case in level["cases"]:
            ws.append(_brief_case(ws, case))
        if level["shown"] < level["count"]:
            ws.append([f"仅列出前 {level['shown']} 件"])
    ws.append([])


def _brief_case(ws: WriteOnlyWorksheet, case: dict[str, Any]) -> list[Any]:
    steps = "\n".join(f"{s['at']} {s['what']} {s['note']}".strip() for s in case["course"])
    cause = case.get("cause") or {}
    cause_text = "\n".join(t for t in (cause.get("findings"), cause.get("root_cause")) if t)
    prevention = "\n".join(case.get("prevention") or [])
    if "cause" in case:
        cause_text = cause_text or "（未记录）"
        prevention = prevention or "（未记录）"
    return [
        case["number"],
        case["category_name"],
        case["received_at"],
        case["status_name"],
        _cell(ws, case["description"], wrap=True),
        _cell(ws, steps, wrap=True),
        _cell(ws, cause_text, wrap=True),
        _cell(ws, prevention, wrap=True),
    ]


def _warnings_sheet(wb: Workbook, data: dict[str, Any]) -> None:
    ws = wb.create_sheet(SHEET_WARNINGS)
    ws.column_dimensions["C"].width = 28
    warnings = data["warnings"]
    _title_rows(ws, data, "预警")
    ws.append(
        [
            f"观察周：{warnings['window']['start']} 至 {warnings['window']['end']}",
            f"基线：前 {warnings['baseline_weeks']} 周",
            f"阈值：泊松分布 {warnings['quantile']:.0%} 分位数",
        ]
    )
    _header(
        ws, ["维度", "代码", "名称", "本周", "基线周均", "阈值", "p 值", "各周件数（由远及近）"]
    )
    for alert in warnings["alerts"]:
        dim = labels.DIMENSIONS.get(alert["dimension"], "地点")
        ws.append(
            [
                dim,
                alert["key"],
                alert["name"],
                alert["current"],
                alert["baseline_mean"],
                alert["threshold"],
                alert["p_value"],
                " ".join(map(str, alert["weekly"])),
            ]
        )
    if not warnings["alerts"]:
        ws.append(["本期没有预警。"])


def workbook(data: dict[str, Any]) -> Workbook:
    wb = Workbook(write_only=True)
    _indicators_sheet(wb, data)
    for table in data["dimensions"]:
        _dimension_sheet(wb, data, table)
    _brief_sheet(wb, data)
    _warnings_sheet(wb, data)
    return wb


def write(data: dict[str, Any], target: str | Path | BytesIO) -> int:
    """Save the workbook; returns its size in bytes."""
    wb = workbook(data)
    if isinstance(target, BytesIO):
        wb.save(target)
        return target.getbuffer().nbytes
    wb.save(str(target))
    return Path(target).stat().st_size


def to_bytes(data: dict[str, Any]) -> bytes:
    buffer = BytesIO()
    write(data, buffer)
    return buffer.getvalue()


__all__ = ["SHEET_BRIEF", "SHEET_INDICATORS", "SHEET_WARNINGS", "to_bytes", "workbook", "write"]
