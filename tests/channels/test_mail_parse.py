"""Parsing real .eml files in several encodings (pure: no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tousu.channels.html_text import html_to_text
from tousu.channels.mail import (
    MailError,
    decode_bytes,
    decode_header_text,
    parse_mail,
    without_quoted,
)

FIXTURES = Path(__file__).parent / "fixtures"


def parsed(name: str):
    return parse_mail((FIXTURES / name).read_bytes())


def test_gbk_body_and_encoded_word_headers():
    mail = parsed("gbk_body.eml")
    assert mail.subject == "小区地下车库漏水三周无人处理"
    assert (mail.sender_name, mail.sender_address) == ("李建国", "li.jianguo@example.cn")
    assert mail.message_id == "<gbk-body-0001@mail.example.cn>"
    assert mail.sent_at.isoformat() == "2026-12-01T09:12:00+08:00"
    assert "地下车库B区顶板从十一月中旬开始渗水" in mail.text
    assert mail.case_number == ""
    assert mail.attachments == ()


def test_gb2312_label_on_gbk_characters_loses_nothing():
    mail = parsed("gb2312_lies.eml")
    assert mail.subject == "投诉：保安刘喆态度恶劣"  # 喆 is not in GB2312
    assert mail.sender_name == "张堃"
    assert "保安刘喆拒绝抬杆" in mail.text
    assert "\ufffd" not in mail.text + mail.subject


def test_gb18030_four_byte_character():
    mail = parsed("gb18030.eml")
    assert mail.subject == "快递包裹外箱破损，𠮷字牌茶具碎了"
    assert "𠮷字牌茶具碎了两只" in mail.text
    assert mail.sender_name == "吉女士"


def test_utf8_quoted_printable():
    mail = parsed("utf8_qp.eml")
    assert mail.subject == "退货申请一周无人处理"
    assert mail.sender_name == "陈女士"
    assert "空气净化器（订单号 88120391）开机后异响明显" in mail.text


def test_latin1_label_and_raw_8bit_subject_are_read_as_gbk():
    mail = parsed("latin1_lies.eml")
    assert mail.subject == "电梯困人半小时"
    assert "电梯停在8楼和9楼之间" in mail.text
    assert mail.sender_name == ""


def test_html_only_mail_becomes_text_without_markup_or_script():
    mail = parsed("html_only.eml")
    assert "楼道里的声控灯坏了 两个月，老人晚上上下楼很危险。" in mail.text
    assert "请在本周内更换。\n——12栋住户 <王>" in mail.text
    for leftover in ("<p>", "alert", "color:red", "&nbsp;", "<title>"):
        assert leftover not in mail.text


def test_attachments_keep_names_in_any_encoding_and_their_bytes():
    mail = parsed("attachments.eml")
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("漏水照片.png", "image/png"),
        ("收据.pdf", "application/pdf"),
    ]
    assert mail.attachments[0].content.startswith(b"\x89PNG\r\n\x1a\n")
    assert mail.attachments[1].content.startswith(b"%PDF-1.4")
    assert mail.text == "附件是漏水照片和维修收据，请一并转给工程部。"


def test_case_number_in_reply_subject():
    mail = parsed("reply_case_number.eml")
    assert mail.case_number == "202612000001"
    assert mail.subject == "回复：您的投诉已受理（编号 202612000001）"
    assert mail.text == "已经过去三天了，车库还在滴水，今天又淋湿了一辆车，请加快处理。"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("好的\n\n在 2026年12月5日 10:15，客服中心 <k@x.cn> 写道：\n> 您好\n> 已受理", "好的"),
        ("谢谢\n\n发件人: 客服 <k@x.cn>\n发送时间: 2026年12月5日 10:00\n正文", "谢谢"),
        ("收到\n-----Original Message-----\nFrom: kefu", "收到"),
        ("第一行\n> 引用\n第二行", "第一行\n第二行"),
        ("在小区门口摔倒，写道：路面结冰", "在小区门口摔倒，写道：路面结冰"),  # not a quote line
        ("---------- Forwarded message ----------\n原投诉内容", "---------- Forwarded message "
         "----------\n原投诉内容"),  # a forwarded complaint is the complaint
    ],
    ids=["apple_zh_case", "outlook_zh_case", "outlook_en_case", "gt_lines_case",
         "ordinary_text_case", "forwarded_case"],
)  # fmt: skip
def test_quoted_history_is_left_out(text, kept):
    assert without_quoted(text) == kept


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("Re: 投诉 202611000123 进展", "202611000123"),
        ("订单 12026110001234 问题", ""),  # inside a longer number
        ("编号202613000001", ""),  # month 13
        ("无编号", ""),
    ],
    ids=["reply_case", "longer_digits_case", "bad_month_case", "none_case"],
)
def test_case_number_pattern(subject, number):
    raw = f"From: a@example.cn\r\nSubject: {subject}\r\n\r\ntext\r\n".encode()
    assert parse_mail(raw).case_number == number


def test_malformed_message_names_the_missing_sender():
    with pytest.raises(MailError) as refused:
        parsed("malformed.eml")
    assert refused.value.field == "From"
    assert "no sender address" in str(refused.value)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"", "message"),
        (b"   \r\n", "message"),
        ("这不是一封邮件，只是一段文字。".encode("gbk"), "message"),
        (b"From: a@example.cn\r\nSubject: \r\n\r\n", "body"),
    ],
    ids=["empty_case", "blank_case", "not_mail_case", "nothing_to_say_case"],
)
def test_unusable_input_is_refused_with_the_field(raw, field):
    with pytest.raises(MailError) as refused:
        parse_mail(raw)
    assert refused.value.field == field


def test_missing_message_id_is_derived_from_the_bytes():
    raw = b"From: a@example.cn\r\nSubject: hello\r\n\r\ntext\r\n"
    first, again = parse_mail(raw), parse_mail(raw)
    assert first.message_id.startswith("<sha256:")
    assert first.message_id == again.message_id
    assert parse_mail(raw + b"more").message_id != first.message_id


@pytest.mark.parametrize(
    ("data", "label", "text"),
    [
        ("物业".encode("gbk"), "gb2312", "物业"),
        ("镕".encode("gbk"), "gb2312", "镕"),
        ("物业".encode(), "gbk", "物业"),  # utf-8 bytes under a GBK label
        ("物业".encode("gbk"), "utf-8", "物业"),
        ("物业".encode("gbk"), None, "物业"),
        ("物业".encode("gbk"), "no-such-charset", "物业"),
    ],
    ids=[
        "gb2312_case",
        "gbk_only_char_case",
        "utf8_as_gbk_case",
        "gbk_as_utf8_case",
        "unlabelled_case",
        "unknown_label_case",
    ],
)
def test_decode_bytes_survives_lying_labels(data, label, text):
    assert decode_bytes(data, label) == text


def test_decode_header_mixes_encoded_words_and_plain_text():
    assert decode_header_text("=?GB2312?B?zfXQob3j?= <a@b.cn>") == "王小姐 <a@b.cn>"
    assert decode_header_text(None) == ""


def test_html_to_text_drops_hidden_parts_and_keeps_paragraphs():
    html = "<style>x{}</style><h1>标题</h1><p>第一段</p><ul><li>甲</li><li>乙</li></ul>"
    text = html_to_text(html)
    assert text.split("\n\n")[0] == "标题"
    assert "甲" in text and "乙" in text and "x{}" not in text
