"""tousu import: regulator / headquarters transfer files (xlsx, CSV in UTF-8 or GBK)."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import Workbook

from tests.channels.conftest import FIXTURES
from tests.factories import SHANGHAI, act, at
from tousu.cases.models import Case
from tousu.channels.transfer_file import COLUMNS, Row
from tousu.channels.transfers import Defaults, import_transfers
from tousu.cli import main

HEAD = ["sender_ref", "sender", "pack", "category", "deadline", "received_at",
        "customer_name", "customer_phone", "description"]  # fmt: skip


def good_rows():
    return [
        ["京信管〔2026〕301号", "市通信管理局", "telecom", "network_weak_signal",
         datetime(2026, 12, 20, 17, 0), datetime(2026, 12, 3, 9, 0), "吴先生", 13600001111,
         "小区内4G信号时有时无，视频通话常常卡住。"],
        ["京信管〔2026〕302号", "市通信管理局", "telecom", "", "2026-12-22",
         "2026-12-04 14:20", "郑女士", "13600002222", "宽带每天晚上八点后频繁掉线。"],
    ]  # fmt: skip


def write_xlsx(path, head, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_good_xlsx_lands_with_the_senders_deadlines(org, tmp_path, capsys):
    path = write_xlsx(tmp_path / "transfer.xlsx", HEAD, good_rows())
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    first, second = Case.objects.order_by("id")
    assert f"{path}:2: 新案件 {first.number}" in out
    assert "共 2 行：新案件 2，已导入过 0，有错误的行 0" in out
    assert (first.channel, first.pack, first.category) == (
        "regulator",
        "telecom",
        "network_weak_signal",
    )
    assert first.references == {
        "transfer_ref": "京信管〔2026〕301号",
        "transfer_from": "市通信管理局",
    }
    assert first.due_statutory_reply == at("2026-12-20 17:00")  # not the pack's 15 working days
    assert first.received_at == at("2026-12-03 09:00")
    assert first.facts.get("regulator") is True
    assert first.customer.phone == "13600001111"  # a number cell read as text
    assert second.due_statutory_reply == at("2026-12-22 23:59:59")  # a date: the end of the day
    assert first.next_due_at <= first.due_statutory_reply


def test_deadline_survives_later_clock_refreshes(org, tmp_path):
    import_transfers(
        [Row(2, {"sender_ref": "R-1", "deadline": "2026-12-28", "description": "信号差",
                 "customer_phone": "13600009999", "pack": "telecom"})],
        defaults=Defaults(pack="", channel="headquarters"),
        now=at("2026-12-05 10:00"),
    )  # fmt: skip
    case = Case.objects.get()
    assert case.channel == "headquarters" and "regulator" not in case.facts
    assert case.references == {"transfer_ref": "R-1"}  # no sender given: no empty entry
    case = act(org, "dispatcher", "dispatch", case, units=["eng"], now=at("2026-12-05 11:00"))
    case.refresh_from_db()
    assert case.status == "dispatched"
    assert case.due_statutory_reply == at("2026-12-28 23:59:59")


def test_utf8_bom_csv_with_chinese_headings(org, capsys):
    assert main(["import", str(FIXTURES / "transfers.csv")]) == 0
    cases = list(Case.objects.order_by("id"))
    assert [c.channel for c in cases] == ["regulator", "regulator", "headquarters"]
    assert cases[0].category == "network_weak_signal"  # given as its name, 信号弱
    assert cases[0].demand == "尽快改善室内覆盖"
    assert cases[1].due_statutory_reply == at("2026-12-19 17:00")
    assert cases[2].due_statutory_reply == at("2026-12-21 23:59:59")
    assert cases[2].references["transfer_ref"] == "总部转〔2026〕77号"


def test_gbk_csv(org, tmp_path, capsys):
    text = (FIXTURES / "transfers.csv").read_bytes().decode("utf-8-sig")
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gbk"))
    assert main(["import", str(path)]) == 0
    assert Case.objects.filter(customer__name="周先生").get().category == "network_weak_signal"
    assert Case.objects.count() == 3


def test_a_file_with_bad_rows_imports_nothing_and_names_each_problem(org, tmp_path, capsys):
    rows = good_rows() + [
        ["R-3", "市通信管理局", "telecom", "no_such_category", "2026-12-20", "2026-12-04",
         "王先生", "13600003333", "漫游费用过高"],
        ["R-4", "市通信管理局", "telecom", "", "2026-13-40", "2026-12-04", "李女士",
         "13600004444", "话费单有误"],
        ["R-5", "市通信管理局", "telecom", "", "2026-12-20", "2026-12-04", "赵先生", "", ""],
        ["R-6", "市通信管理局", "telecom", "", "2026-12-01", "2026-12-04 10:00", "钱先生",
         "13600006666", "截止日期早于转办时间"],
        ["R-6", "市通信管理局", "telecom", "", "2026-12-20", "2026-12-04", "孙先生",
         "13600007777", "编号重复"],
        ["", "市通信管理局", "telecom", "", "", "2026-12-04", "周先生", "13600008888", "缺编号"],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "bad.xlsx", HEAD, rows)
    assert main(["import", str(path)]) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert f"{path}:4: category: unknown category 'no_such_category' in pack 'telecom'" in err
    assert f"{path}:5: deadline: '2026-13-40' is not a date" in err
    assert f"{path}:6: description: description is required" in err
    assert f"{path}:6: customer_phone: a way to reach the customer is required" in err
    assert f"{path}:7: deadline: statutory_reply_until is not after received_at" in err
    assert f"{path}:8: sender_ref: repeats row 7 of this file" in err
    assert f"{path}:9: sender_ref: sender_ref is required" in err
    assert f"{path}:9: deadline: deadline is required" in err
    assert "有错误的行 6" in captured.out
    assert "没有导入任何案件" in captured.out
    assert Case.objects.count() == 0  # the two good rows were rolled back too


def test_skip_bad_keeps_the_good_rows(org, tmp_path, capsys):
    rows = good_rows() + [
        ["R-3", "市通信管理局", "nosuchpack", "", "2026-12-20", "2026-12-04", "王先生",
         "13600003333", "漫游费用过高"],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "mixed.xlsx", HEAD, rows)
    assert main(["import", str(path), "--skip-bad"]) == 1
    captured = capsys.readouterr()
    assert f"{path}:4: pack: unknown pack 'nosuchpack'" in captured.err
    assert "新案件 2，已导入过 0，有错误的行 1" in captured.out
    assert Case.objects.count() == 2


def test_importing_again_changes_nothing(org, tmp_path, capsys):
    path = write_xlsx(tmp_path / "transfer.xlsx", HEAD, good_rows())
    assert main(["import", str(path)]) == 0
    numbers = set(Case.objects.values_list("number", flat=True))
    capsys.readouterr()
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "新案件 0，已导入过 2" in out
    assert set(Case.objects.values_list("number", flat=True)) == numbers


def test_progress_bar_on_a_long_file(org, tmp_path, capsys):
    rows = [
        [f"批量-{i:03d}", "集团客户服务部", "telecom", "", "2026-12-30", "2026-12-04",
         f"客户{i}", f"1360000{i:04d}", f"第{i}件：营业厅排队时间过长"]
        for i in range(60)
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "long.xlsx", HEAD, rows)
    assert main(["import", str(path), "--channel", "headquarters"]) == 0
    err = capsys.readouterr().err
    assert "\r导入 1/60 [" in err
    assert err.endswith("\r导入 60/60 [" + "#" * 30 + "] 100%\n")
    assert Case.objects.filter(channel="headquarters").count() == 60


@pytest.mark.parametrize(
    ("content", "name", "problem"),
    [
        ("来文编号,办理时限,投诉内容,备注\n", "a.csv", "unknown columns: 备注"),
        ("来文编号,投诉内容\n", "b.csv", "missing columns: deadline"),
        ("sender_ref,来文编号,deadline,description\n", "c.csv", "columns named twice: sender_ref"),
        ("", "d.csv", "the first row must name the columns"),
        ("x", "e.txt", "expected a .xlsx or .csv file"),
        ("not a zip", "f.xlsx", "not a readable xlsx workbook"),
    ],
    ids=["unknown_column_case", "missing_column_case", "twice_case", "empty_case",
         "wrong_type_case", "broken_xlsx_case"],
)  # fmt: skip
def test_unreadable_files_are_refused(org, tmp_path, capsys, content, name, problem):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["import", str(path), "--pack", "telecom"]) == 2
    assert problem in capsys.readouterr().err
    assert Case.objects.count() == 0


def test_every_column_has_a_chinese_heading():
    assert len(set(COLUMNS.values())) == len(COLUMNS)
    assert all(heading and not heading.isascii() for heading in COLUMNS.values())


def test_time_zone_of_naive_cells_is_shanghai():
    assert at("2026-12-20 17:00").tzinfo == SHANGHAI


def test_english_catalogue(org, tmp_path, capsys):
    from django.utils import translation

    path = write_xlsx(tmp_path / "transfer.xlsx", HEAD, good_rows()[:1])
    with translation.override("en"):
        assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}:2: new case {Case.objects.get().number}" in out
    assert "1 rows: 1 new cases, 0 imported before, 0 rows with errors" in out


def test_console_shows_the_senders_reference(org, tmp_path, capsys):
    from django.test import Client

    path = write_xlsx(tmp_path / "transfer.xlsx", HEAD, good_rows()[:1])
    assert main(["import", str(path)]) == 0
    client = Client()
    client.force_login(org.users["dispatcher"])
    page = client.get(f"/console/cases/{Case.objects.get().number}/").content.decode()
    assert "<dt>来文编号</dt><dd>京信管〔2026〕301号</dd>" in page
    assert "<dt>来文单位</dt><dd>市通信管理局</dd>" in page
    client.post("/console/language/", {"language": "en", "next": "/console/"})
    page = client.get(f"/console/cases/{Case.objects.get().number}/").content.decode()
    assert "<dt>Sender&#x27;s reference</dt><dd>京信管〔2026〕301号</dd>" in page
