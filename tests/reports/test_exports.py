"""The report as xlsx, PDF and JSON; the regulator table; the ``tousu report`` command."""

from __future__ import annotations

import argparse
import json
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import at
from tests.reports.data import AS_OF, build
from tousu.reports import cli, export_pdf, export_xlsx, regulator, report
from tousu.reports.periods import parse_period
from tousu.reports.stats import make_scope

pytestmark = pytest.mark.django_db

NOW = at(AS_OF)
SHEETS = [
    "指标汇总",
    "投诉类别",
    "处理部门",
    "投诉级别",
    "受理渠道",
    "诉求类型",
    "责任类别",
    "投诉性质",
    "行业",
    "质量简报",
    "预警",
]


def _report(pack="", period="2026-10"):
    return report.build(make_scope(NOW, pack=pack), parse_period(period, NOW))


def _sheet_rows(book, name):
    return [list(r) for r in book[name].iter_rows(values_only=True)]


def test_xlsx_has_a_sheet_per_dimension_and_the_figures(org):
    build(org)
    book = load_workbook(BytesIO(export_xlsx.to_bytes(_report())))
    assert book.sheetnames == SHEETS
    rows = _sheet_rows(book, "指标汇总")
    table = rows[rows.index(["指标", "代码", "本期", "上期", "变化"]) + 1 :]
    indicators = {r[1]: r[2:4] for r in table[: table.index([None] * 5)]}
    assert indicators["count"] == [8, 2]
    assert indicators["on_time_resolve"] == [0.4286, 0.5]
    assert indicators["p90_handling_hours"] == [72.0, 24.0]
    categories = _sheet_rows(book, "投诉类别")
    assert categories[0][:5] == ["代码", "名称", "行业", "数量", "上期数量"]
    assert categories[1][:5] == ["equipment_water", "上下水管道与落水管", "property", 2, 1]
    assert len(book["投诉类别"]._charts) == 1
    units = {r[0]: r[3] for r in _sheet_rows(book, "处理部门")[1:]}
    assert units == {"eng": 4, None: 3, "sec": 1}  # None: not dispatched
    brief = [r[0] for r in _sheet_rows(book, "质量简报") if r]
    assert "物业服务—重大（经过、原因分析与预防措施）" in brief


def test_xlsx_of_an_empty_period_says_so(org):
    book = load_workbook(BytesIO(export_xlsx.to_bytes(_report(period="2026-07"))))
    assert book.sheetnames == SHEETS
    assert "本期没有投诉。" in [r[0] for r in _sheet_rows(book, "质量简报")]
    assert "本期没有预警。" in [r[0] for r in _sheet_rows(book, "预警")]


def test_pdf_is_a_chinese_document(org):
    build(org)
    content = export_pdf.render(_report())
    assert content.startswith(b"%PDF-")
    assert b"STSong-Light" in content
    reader = PdfReader(BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    for words in (
        "投诉统计分析报告",
        "2026年10月",
        "处理及时率",
        "上下水管道与落水管",
        "三、质量简报",
        "四、预警",
    ):
        assert words in text


def test_pdf_of_an_empty_period(org):
    text = "".join(
        p.extract_text()
        for p in PdfReader(BytesIO(export_pdf.render(_report(period="2026-07")))).pages
    )
    assert "本期没有投诉" in text


def test_json_report_round_trips(org):
    build(org)
    data = json.loads(json.dumps(_report(pack="property"), ensure_ascii=False))
    assert data["pack"] == {"code": "property", "name": "物业服务"}
    assert data["totals"]["count"] == 7
    assert [d["by"] for d in data["dimensions"]][:2] == ["category", "unit"]


def test_regulator_table_by_top_category_and_result(org):
    build(org)
    data = regulator.build(make_scope(NOW, pack="property"), parse_period("2026-Q4", NOW))
    [table] = data["tables"]
    rows = {r["category"]: r for r in table["rows"]}
    assert list(rows)[:5] == ["housing", "equipment", "security", "environment", "general_service"]
    equipment = rows["equipment"]  # A, B (water), E (lighting, refused)
    assert (equipment["count"], equipment["finished"], equipment["invalid"]) == (3, 2, 1)
    assert (equipment["on_time"], equipment["late"], equipment["on_time_rate"]) == (2, 0, 1.0)
    assert table["total"]["count"] == 7
    assert table["clock"] == "reply"
    telecom = regulator.build(make_scope(NOW, pack="telecom"), parse_period("2026-Q4", NOW))
    assert telecom["tables"][0]["clock"] == "statutory"
    assert telecom["tables"][0]["total"]["on_time_rate"] == 1.0
    book = load_workbook(BytesIO(_bytes(regulator.write, data)))
    sheet = [list(r) for r in book["物业服务"].iter_rows(values_only=True)]
    assert sheet[0][0] == "投诉处理情况统计表（2026年第4季度）"
    assert sheet[-1][1:3] == ["合计", 7]


def _bytes(writer, data):
    buffer = BytesIO()
    writer(data, buffer)
    return buffer.getvalue()


def _run(argv):
    parser = argparse.ArgumentParser(prog="tousu")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_report_command_writes_each_format(org, tmp_path, capsys):
    build(org)
    for fmt in ("xlsx", "pdf", "json"):
        target = tmp_path / f"r.{fmt}"
        assert _run(["report", "--period", "2026-10", "--format", fmt, "-o", str(target)]) == 0
        assert target.stat().st_size > 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert json.loads((tmp_path / "r.json").read_text())["totals"]["count"] == 8
    assert "wrote" in capsys.readouterr().out
    target = tmp_path / "q.xlsx"
    assert (
        _run(
            ["report", "--period", "2026-Q4", "--regulator", "--pack", "telecom", "-o", str(target)]
        )
        == 0
    )
    assert load_workbook(target).sheetnames == ["电信运营商"]


def test_report_command_refuses_a_future_or_unknown_period(org):
    from tousu.cli import CommandError

    with pytest.raises(CommandError, match="in the future"):
        _run(["report", "--period", "2099-01"])
    with pytest.raises(CommandError, match="unknown period 'last-month'"):
        _run(["report", "--period", "last-month"])
    with pytest.raises(CommandError, match="unknown pack 'airline'"):
        _run(["report", "--period", "2026-10", "--pack", "airline"])
