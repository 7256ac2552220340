"""Channels benchmark: a regulator transfer file and a folder of e-mail, on PostgreSQL.

    flock /tmp/tousu-bench.lock .venv/bin/python bench/channels_bench.py [--rows 1000] [--mails 300]

Uses its own database ``tousu_channels_bench`` on $BENCH_PG (default
postgresql://postgres@127.0.0.1:5432), dropped and created again on every run, and a
temporary data folder (attachments). Prints, for each step, the wall time and the rate:

1. reading a generated xlsx transfer file of ``--rows`` rows (openpyxl, read-only);
2. ``tousu import`` of that file: every row becomes a case in one transaction;
3. importing the same file again: every row is found as already imported;
4. parsing ``--mails`` .eml files (the test fixtures with new Message-IDs);
5. ``tousu ingest-mail`` of that folder (one case per message, attachments stored);
6. the same folder again: every message is already done.

Figures of 2026-12-05 (2 shared cores, load average about 3, PostgreSQL 15), default sizes:

    read xlsx (1000 rows)                         0.19 s   5333 /s
    tousu import (new cases)                     13.96 s     72 /s
    tousu import again (all already imported)     1.25 s    800 /s
    parse 300 .eml files                          0.08 s   3601 /s
    tousu ingest-mail (new cases)                 4.46 s     67 /s
    tousu ingest-mail again (all already done)    0.71 s    423 /s

The time of a new case is the intake service's (numbering, search text, validity, incident
matching, grading, events), the same as for a case typed in the console.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

from bench_db import SERVER, fresh_database, setup_django, use_database

BENCH_DB = "tousu_channels_bench"
use_database(BENCH_DB)
os.environ.setdefault("TOUSU_DATA_DIR", tempfile.mkdtemp(prefix="tousu-channels-bench-"))
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "channels" / "fixtures"
MAIL_SAMPLES = ("gbk_body.eml", "gb18030.eml", "gb2312_lies.eml", "utf8_qp.eml",
                "html_only.eml", "attachments.eml", "latin1_lies.eml")  # fmt: skip


# Varied rows, as a real regulator file is: several categories, many places, different
# wording, so that only a few rows describe the same matter (which would form incidents).
CATEGORIES = (
    ("network_weak_signal", "室内手机信号时有时无，通话经常中断"),
    ("billing_other", "本月话费比平时多出几十元，账单上有看不懂的项目"),
    ("service_roaming", "出境后漫游费用远高于营业厅介绍的标准"),
    ("service_other", "营业厅排队两个多小时，工作人员态度冷淡"),
    ("handset", "新买的手机使用一周就无法开机，送修后没有结果"),
)
DISTRICTS = ("朝阳", "海淀", "丰台", "通州", "昌平", "大兴", "顺义", "房山")


def write_transfer_file(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["来文编号", "来文单位", "行业包", "类别", "办理时限", "转办时间", "客户姓名",
                  "联系电话", "发生地点", "投诉内容"])  # fmt: skip
    for i in range(rows):
        category, text = CATEGORIES[i % len(CATEGORIES)]
        place = f"{DISTRICTS[i % len(DISTRICTS)]}区第{i % 97}号小区"
        sheet.append([f"京信管〔2026〕{i:05d}号", "市通信管理局", "telecom", category,
                      "2026-12-30", "2026-12-04 09:00", f"客户{i}", f"136{i:08d}", place,
                      f"第{i}号申诉：{place}{text}。"])  # fmt: skip
    book.save(path)


def write_mail_folder(folder: Path, count: int) -> None:
    folder.mkdir()
    samples = [(FIXTURES / name).read_bytes() for name in MAIL_SAMPLES]
    for i in range(count):
        raw = samples[i % len(samples)]
        start = raw.index(b"Message-ID: <") + len(b"Message-ID: <")
        (folder / f"{i:05d}.eml").write_bytes(raw[:start] + f"bench-{i}.".encode() + raw[start:])


def timed(label: str, count: int, action) -> float:
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        result = action()
    seconds = time.perf_counter() - started
    print(f"{label:<44} {seconds:8.2f} s  {count / seconds:9.0f} /s   (exit {result})")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--mails", type=int, default=300)
    args = parser.parse_args()
    fresh_database(BENCH_DB)
    setup_django()
    from tousu.channels.mail import parse_mail
    from tousu.channels.transfer_file import read_transfer_file
    from tousu.cli import main as tousu

    work = Path(tempfile.mkdtemp(prefix="tousu-channels-bench-files-"))
    xlsx, mail = work / "transfer.xlsx", work / "mail"
    write_transfer_file(xlsx, args.rows)
    write_mail_folder(mail, args.mails)
    print(f"PostgreSQL {SERVER}/{BENCH_DB}; {args.rows} rows, {args.mails} messages")
    timed(f"read xlsx ({args.rows} rows)", args.rows, lambda: len(read_transfer_file(xlsx)))
    timed("tousu import (new cases)", args.rows, lambda: tousu(["import", str(xlsx)]))
    timed("tousu import again (all already imported)", args.rows,
          lambda: tousu(["import", str(xlsx)]))  # fmt: skip
    files = sorted(mail.iterdir())
    timed(f"parse {args.mails} .eml files", args.mails,
          lambda: sum(1 for f in files if parse_mail(f.read_bytes())))  # fmt: skip
    ingest = ["ingest-mail", str(mail), "--pack", "property"]
    timed("tousu ingest-mail (new cases)", args.mails, lambda: tousu(ingest))
    timed("tousu ingest-mail again (all already done)", args.mails, lambda: tousu(ingest))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    sys.exit(main())
