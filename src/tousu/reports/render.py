"""One period's report as a downloadable file: the analysis (xlsx, PDF or JSON), the quality
brief alone (PDF or JSON) or the regulator-style table (xlsx or JSON). Shared by the API's
``/stats/export`` and the console's report page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from tousu.reports import brief, export_pdf, export_xlsx, regulator, report
from tousu.reports.figures import Scope
from tousu.reports.periods import Period
from tousu.rules.errors import ErrorCode, ValidationFailed

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json; charset=utf-8",
}
# The formats each kind of file is written in.
KINDS = {
    "analysis": ("xlsx", "pdf", "json"),
    "brief": ("pdf", "json"),
    "regulator": ("xlsx", "json"),
}


@dataclass(frozen=True)
class File:
    content: bytes
    content_type: str
    name: str


def _xlsx(writer: Any, data: dict[str, Any]) -> bytes:
    buffer = BytesIO()
    writer(data, buffer)
    return buffer.getvalue()


def render(
    scope: Scope, period: Period, fmt: str, kind: str = "analysis", cached: bool = False
) -> File:
    """The file of ``kind`` in ``fmt``; an unknown kind or a format the kind is not written
    in is refused naming the field (``kind`` or ``format``). ``cached``: the statistics may
    come from the short result cache (``stats.statistics``)."""
    if kind not in KINDS:
        raise ValidationFailed.one(
            "kind", f"unknown kind '{kind}'; one of {', '.join(KINDS)}", ErrorCode.UNKNOWN
        )
    if fmt not in KINDS[kind]:
        raise ValidationFailed.one(
            "format", f"the {kind} file is written as {' or '.join(KINDS[kind])}"
        )
    data: dict[str, Any]
    if kind == "regulator":
        data = regulator.build(scope, period)
    elif kind == "brief":
        data = brief.build_brief(scope, period)
    else:
        data = report.build(scope, period, cached=cached)
    if fmt == "json":
        content = json.dumps(data, ensure_ascii=False).encode()
    elif fmt == "pdf":
        content = (
            export_pdf.render_brief(data, report.header(scope, period))
            if kind == "brief"
            else export_pdf.render(data)
        )
    else:
        content = _xlsx(regulator.write if kind == "regulator" else export_xlsx.write, data)
    name = f"{kind}-{period.code.replace('..', '_')}.{fmt}"
    return File(content, CONTENT_TYPES[fmt], name)


__all__ = ["CONTENT_TYPES", "KINDS", "File", "render"]
