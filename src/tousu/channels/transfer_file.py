"""Reading a transfer file (regulator / headquarters) into rows: xlsx, or CSV in UTF-8 (with or
without BOM) or GBK/GB18030. No Django: the rows are turned into cases by ``transfers``.

The first row names the columns, by code or by Chinese heading (``COLUMNS``); row numbers are
the spreadsheet's own (the heading is row 1), so a report points at the row a person sees.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

# code → Chinese heading (docs/channels.md). Either may head a column.
COLUMNS: dict[str, str] = {
    "sender_ref": "来文编号",
    "deadline": "办理时限",
    "description": "投诉内容",
    "sender": "来文单位",
    "channel": "转办渠道",
    "received_at": "转办时间",
    "pack": "行业包",
    "request_type": "诉求类型",
    "category": "类别",
    "severity": "等级",
    "customer_name": "客户姓名",
    "customer_phone": "联系电话",
    "customer_email": "电子邮箱",
    "customer_address": "联系地址",
    "demand": "客户诉求",
    "location": "发生地点",
    "occurred_at": "发生时间",
}
REQUIRED = ("sender_ref", "deadline", "description")
HEADINGS = {**{code: code for code in COLUMNS}, **{zh: code for code, zh in COLUMNS.items()}}

Cell = str | datetime | date


class FileProblem(ValueError):
    """The file as a whole cannot be read (wrong type, no heading, unknown columns)."""


@dataclass(frozen=True)
class Row:
    number: int  # the spreadsheet row (the heading is row 1)
    values: dict[str, Cell]  # column code → non-empty value


def read_transfer_file(path: Path) -> list[Row]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table = _xlsx_table(path)
    elif suffix == ".csv":
        table = list(csv.reader(io.StringIO(decode_csv(path.read_bytes()), newline="")))
    else:
        raise FileProblem(f"{path.name}: expected a .xlsx or .csv file")
    return rows_of(table)


def decode_csv(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else GB18030, the superset of GBK and GB2312."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileProblem("the CSV file is neither UTF-8 nor GBK/GB18030 text") from None


def _xlsx_table(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook  # only when an xlsx is read
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise FileProblem(f"{path.name}: not a readable xlsx workbook ({exc})") from None
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _cell(value: Any) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    return str(value).strip()


def rows_of(table: list[list[Any]]) -> list[Row]:
    """Rows keyed by column code; empty rows are left out."""
    if not table or not any(_cell(v) for v in table[0]):
        raise FileProblem("the first row must name the columns; the file has none")
    codes = _heading(table[0])
    rows = []
    for index, raw in enumerate(table[1:], start=2):
        values = {code: _cell(v) for code, v in zip(codes, raw, strict=False) if code}
        values = {code: v for code, v in values.items() if v != ""}
        if values:
            rows.append(Row(index, values))
    return rows


def _heading(cells: list[Any]) -> list[str]:
    codes: list[str] = []
    unknown: list[str] = []
    for value in cells:
        name = str(_cell(value))
        code = HEADINGS.get(name) or HEADINGS.get(name.lower(), "")
        if name and not code:
            unknown.append(name)
        codes.append(code)
    if unknown:
        raise FileProblem(
            f"unknown columns: {', '.join(unknown)}; known: {', '.join(COLUMNS)} "
            "(or their Chinese headings, docs/channels.md)"
        )
    repeated = sorted({c for c in codes if c and codes.count(c) > 1})
    if repeated:
        raise FileProblem(f"columns named twice: {', '.join(repeated)}")
    missing = [c for c in REQUIRED if c not in codes]
    if missing:
        raise FileProblem(f"missing columns: {', '.join(missing)}")
    return codes
