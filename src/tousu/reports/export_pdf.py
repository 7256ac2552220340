"""The report as a Chinese PDF (reportlab): indicators, a chart and table per dimension, the
quality brief and the warnings.

Text uses reportlab's built-in CID font ``STSong-Light`` (Adobe's Song typeface for Simplified
Chinese): no font file is needed to write the PDF, and readers display it with their own
Song/Ming substitute, as for any Adobe CJK base font.
"""

from __future__ import annotations

import math
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from tousu.reports import labels

FONT = "STSong-Light"
TABLE_ROWS = 15
CHART_BARS = 10
KEY_INDICATORS = ("on_time_resolve", "resolution_rate", "satisfaction_rate", "avg_handling_hours")
TREATMENTS = {"summary": "汇总", "course": "逐件列出经过", "full": "经过、原因分析与预防措施"}


def _styles() -> dict[str, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=13, wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1),
        "h1": ParagraphStyle("h1", parent=base, fontSize=13, leading=20, spaceBefore=8),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11, leading=16, spaceBefore=6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
    }


def _fmt(code: str, value: Any) -> str:
    if value is None:
        return "—"
    if code.endswith("_hours"):
        return f"{value:.2f}"
    return f"{value * 100:.1f}%"


def _table(
    rows: list[list[Any]], styles: dict[str, ParagraphStyle], widths: list[float] | None = None
) -> Table:
    cells = [[Paragraph(escape(str(v)), styles["cell"]) for v in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _bar_chart(rows: list[dict[str, Any]], title: str) -> Drawing:
    shown = rows[:CHART_BARS]
    drawing = Drawing(170 * mm, 70 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 15 * mm, 18 * mm, 150 * mm, 42 * mm
    chart.data = [[r["count"] for r in shown], [r["previous"]["count"] for r in shown]]
    chart.categoryAxis.categoryNames = [r["name"][:8] for r in shown]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    top = max([*chart.data[0], *chart.data[1], 1])
    chart.valueAxis.valueStep = max(1, math.ceil(top / 5))
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#3a6ea5")
    chart.bars[1].fillColor = colors.HexColor("#c7d5e6")
    drawing.add(chart)
    drawing.add(
        String(15 * mm, 64 * mm, f"{title}（深色：本期，浅色：上期）", fontName=FONT, fontSize=9)
    )
    return drawing


def _indicators(data: dict[str, Any], styles: dict[str, ParagraphStyle]) -> list[Any]:
    totals = data["totals"]
    rows: list[list[Any]] = [
        ["指标", "本期", "上期"],
        ["受理量", totals["count"], totals["previous"]["count"]],
    ]
    for code in data["indicators"]:
        rows.append(
            [
                labels.INDICATORS[code],
                _fmt(code, totals["indicators"][code]),
                _fmt(code, totals["previous"]["indicators"][code]),
            ]
        )
    widths = [60 * mm, 35 * mm, 35 * mm]
    return [Paragraph("一、主要指标", styles["h1"]), _table(rows, styles, widths)]


def _dimension(index: int, table: dict[str, Any], styles: dict[str, ParagraphStyle]) -> list[Any]:
    heading = Paragraph(f"{index}. 按{table['title']}", styles["h2"])
    rows = table["rows"]
    if not rows:
        return [heading, Paragraph("本期没有数据。", styles["body"])]
    flow: list[Any] = [KeepTogether([heading, _bar_chart(rows, table["title"])])]
    head = ["名称", "数量", "上期"] + [labels.INDICATORS[c] for c in KEY_INDICATORS]
    body = [
        [r["name"], r["count"], r["previous"]["count"]]
        + [_fmt(c, r["indicators"].get(c)) for c in KEY_INDICATORS]
        for r in rows[:TABLE_ROWS]
    ]
    flow.append(_table([head, *body], styles))
    if len(rows) > TABLE_ROWS:
        flow.append(Paragraph(f"共 {len(rows)} 项，列出前 {TABLE_ROWS} 项。", styles["body"]))
    return flow


def _brief(
    data: dict[str, Any], styles: dict[str, ParagraphStyle], heading: str = "三、质量简报"
) -> list[Any]:
    flow: list[Any] = [Paragraph(heading, styles["h1"])]
    brief = data["brief"]
    if not brief["count"]:
        return [*flow, Paragraph("本期没有投诉。", styles["body"])]
    for part in brief["packs"]:
        for level in part["levels"]:
            flow += _brief_level(part, level, styles)
    return flow


def _brief_level(
    part: dict[str, Any], level: dict[str, Any], styles: dict[str, ParagraphStyle]
) -> list[Any]:
    caption = (
        f"{part['pack_name']}—{level['name']}：{level['count']} 件"
        f"（{TREATMENTS[level['treatment']]}）"
    )
    flow: list[Any] = [Paragraph(escape(caption), styles["h2"])]
    if level["treatment"] == "summary":
        if level["by_category"]:
            rows = [["类别", "件数", "已办结", "满意"]] + [
                [i["category_name"], i["count"], i["finished"], i["satisfied"]]
                for i in level["by_category"][:TABLE_ROWS]
            ]
            flow.append(_table(rows, styles))
        return flow
    for case in level["cases"]:
        flow += _brief_case(case, styles)
    if level["shown"] < level["count"]:
        flow.append(Paragraph(f"仅列出前 {level['shown']} 件。", styles["body"]))
    return flow


def _brief_case(case: dict[str, Any], styles: dict[str, ParagraphStyle]) -> list[Any]:
    body = styles["body"]
    head = (
        f"<b>{case['number']}</b>　{escape(case['category_name'])}　{case['status_name']}"
        f"　受理 {case['received_at']}：{escape(case['description'][:120])}"
    )
    flow: list[Any] = [Paragraph(head, body)]
    steps = "；".join(f"{s['at']} {s['what']}" for s in case["course"])
    flow.append(Paragraph("经过：" + escape(steps or "（无记录）"), body))
    if "cause" in case:
        cause = "；".join(t for t in case["cause"].values() if t) or "（未记录）"
        flow.append(Paragraph("原因分析：" + escape(cause), body))
        measures = "；".join(case["prevention"]) or "（未记录）"
        flow.append(Paragraph("预防措施：" + escape(measures), body))
    flow.append(Spacer(1, 2 * mm))
    return flow


def _warnings(data: dict[str, Any], styles: dict[str, ParagraphStyle]) -> list[Any]:
    warnings = data["warnings"]
    flow: list[Any] = [
        Paragraph("四、预警", styles["h1"]),
        Paragraph(
            f"观察周 {warnings['window']['start'][:10]} 至 {warnings['window']['end'][:10]}，"
            f"与前 {warnings['baseline_weeks']} 周比较，超过泊松分布 {warnings['quantile']:.0%} "
            "分位数即预警。",
            styles["body"],
        ),
    ]
    if not warnings["alerts"]:
        return [*flow, Paragraph("本期没有预警。", styles["body"])]
    rows = [["维度", "名称", "本周", "基线周均", "阈值"]] + [
        [
            labels.DIMENSIONS.get(a["dimension"], "地点"),
            a["name"],
            a["current"],
            a["baseline_mean"],
            a["threshold"],
        ]
        for a in warnings["alerts"][: TABLE_ROWS * 2]
    ]
    flow.append(_table(rows, styles))
    return flow


def _heading(data: dict[str, Any], styles: dict[str, ParagraphStyle]) -> list[Any]:
    pack = data["pack"]["name"] if data.get("pack") else "全部行业"
    return [
        Paragraph(f"{data['title']}", styles["title"]),
        Paragraph(
            f"统计期间：{data['period']['label']}　对比：{data['previous_period']['label']}"
            f"　范围：{pack}　统计时点：{data['as_of'][:16].replace('T', ' ')}",
            styles["body"],
        ),
        Spacer(1, 4 * mm),
    ]


def render(data: dict[str, Any]) -> bytes:
    """The PDF file's bytes."""
    styles = _styles()
    flow: list[Any] = [
        *_heading(data, styles),
        *_indicators(data, styles),
        Paragraph("二、分类统计", styles["h1"]),
    ]
    for index, table in enumerate(data["dimensions"], start=1):
        flow += _dimension(index, table, styles)
    flow += _brief(data, styles) + _warnings(data, styles)
    return _build(flow, data)


def render_brief(brief: dict[str, Any], header: dict[str, Any]) -> bytes:
    """The quality brief alone (``brief.build_brief``), under the period's heading."""
    styles = _styles()
    flow = _heading(header, styles) + _brief({"brief": brief}, styles, "质量简报")
    return _build(flow, header)


def _build(flow: list[Any], data: dict[str, Any]) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{data['title']} {data['period']['label']}",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
    )
    doc.build(flow)
    return buffer.getvalue()


__all__ = ["FONT", "render", "render_brief"]
