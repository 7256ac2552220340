"""E-mail intake: real .eml files become cases, contacts on cases, or clear refusals."""

from __future__ import annotations

from datetime import timedelta

from tests.channels.conftest import fixture_bytes
from tests.factories import act, at
from tousu.cases.attachments import path_of
from tousu.cases.models import Attachment, Case, Event
from tousu.channels.mail import parse_mail
from tousu.channels.mail_intake import ingest_mail
from tousu.channels.models import InboundMail
from tousu.cli import main

NOW = at("2026-12-05 14:00")
GOOD = [  # the fixtures that become new cases (the reply urges, the malformed is refused)
    *("attachments.eml", "gb18030.eml", "gb2312_lies.eml", "gbk_body.eml"),
    *("html_only.eml", "latin1_lies.eml", "utf8_qp.eml"),
]


def ingest(name: str, now=NOW, **kwargs):
    return ingest_mail(mail=parse_mail(fixture_bytes(name)), pack="property", now=now, **kwargs)


def test_gbk_mail_becomes_an_email_case_of_the_sender(org):
    outcome = ingest("gbk_body.eml")
    assert outcome.kind == "created"
    case = Case.objects.select_related("customer").get(number=outcome.case_number)
    assert (case.channel, case.pack, case.request_type, case.category) == (
        "email",
        "property",
        "complaint",
        "",
    )
    assert case.customer.email == "li.jianguo@example.cn"
    assert case.customer.name == "李建国"
    assert case.customer.phone == "13912345678"  # the mobile number written in the text
    assert case.description.startswith("小区地下车库漏水三周无人处理\n\n您好：")
    assert case.received_at == at("2026-12-01 09:12")  # the Date header, not the import time
    assert case.first_owner is None
    mail = InboundMail.objects.get()
    assert (mail.message_id, mail.case, mail.outcome) == (
        "<gbk-body-0001@mail.example.cn>",
        case,
        "created",
    )
    assert Event.objects.filter(case=case, kind="case.registered").get().data["channel"] == "email"


def test_a_message_is_taken_in_once(org):
    first = ingest("utf8_qp.eml")
    again = ingest("utf8_qp.eml", now=NOW + timedelta(hours=1))
    assert (again.kind, again.case_number) == ("duplicate", first.case_number)
    assert Case.objects.count() == 1
    assert InboundMail.objects.count() == 1


def test_reply_with_case_number_urges_the_open_case(org):
    original = ingest("gbk_body.eml")
    assert original.case_number == "202612000001"  # the number the reply fixture quotes
    reply = ingest("reply_case_number.eml", now=NOW + timedelta(hours=2))
    assert (reply.kind, reply.case_number) == ("urged", "202612000001")
    case = Case.objects.get()
    assert case.urge_count == 1
    urged = Event.objects.get(case=case, kind="case.urged")
    assert "车库还在滴水" in urged.reason
    assert "原始邮件" not in urged.reason  # the quoted acknowledgement is not the customer's
    assert InboundMail.objects.get(message_id="<reply-0007@mail.example.cn>").outcome == "urged"


def test_reply_about_a_finished_case_opens_a_linked_case(org):
    closed = act(
        org,
        "dispatcher",
        "withdraw",
        ingest("gbk_body.eml").case_number,
        reason="客户电话表示暂不处理",
        now=NOW,
    )
    assert closed.status == "withdrawn"
    reply = ingest("reply_case_number.eml", now=NOW + timedelta(hours=2))
    assert reply.kind == "repeat"
    new = Case.objects.get(number=reply.case_number)
    assert new.repeat_of == closed
    assert new.channel == "email" and new.pack == closed.pack
    registered = Event.objects.get(case=new, kind="case.registered")
    assert registered.data["repeat_of"] == closed.number
    assert "再次来信" in registered.data["dissatisfaction_reason"]


def test_unknown_case_number_in_subject_makes_a_new_case(org):
    outcome = ingest("reply_case_number.eml")  # no case 202612000001 exists yet
    assert outcome.kind == "created"
    assert Case.objects.get().repeat_of is None


def test_attachments_are_stored_with_source_email(org):
    outcome = ingest("attachments.eml")
    assert outcome.stored == ("漏水照片.png", "收据.pdf") and outcome.refused == ()
    rows = Attachment.objects.filter(case__number=outcome.case_number).order_by("id")
    assert [(a.original_name, a.content_type, a.source) for a in rows] == [
        ("漏水照片.png", "image/png", "email"),
        ("收据.pdf", "application/pdf", "email"),
    ]
    assert path_of(rows[1]).read_bytes().startswith(b"%PDF-1.4")


def test_disguised_attachment_is_refused_and_the_rest_kept(org):
    raw = (
        b"From: Zhao <zhao@example.cn>\r\nSubject: photos\r\nMessage-ID: <exe-1@example.cn>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + "门口的监控坏了".encode()
        + b"\r\n--b\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; "
        b'filename="photo.jpg"\r\n\r\nMZ\x90\x00 this is a program\r\n'
        b"--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; "
        b'filename="ok.png"\r\n\r\n\x89PNG\r\n\x1a\n0000\r\n--b--\r\n'
    )
    outcome = ingest_mail(mail=parse_mail(raw), pack="property", now=NOW)
    assert outcome.kind == "created"
    assert outcome.stored == ("ok.png",)
    assert [r.filename for r in outcome.refused] == ["photo.jpg"]
    assert "not an accepted type" in outcome.refused[0].reason
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["ok.png"]


def test_folder_on_the_command_line(org, mail_folder, capsys):
    # the first message arrives alone (case 202612000001), then the whole folder with the
    # customer's reply to it
    assert main(["ingest-mail", str(mail_folder / "gbk_body.eml"), "--pack", "property"]) == 0
    assert Case.objects.get().number == "202612000001"
    code = main(["ingest-mail", str(mail_folder), "--pack", "property"])
    out = capsys.readouterr().out
    assert code == 1  # the malformed message was refused, the others taken in
    assert Case.objects.filter(channel="email").count() == len(GOOD)
    assert "malformed.eml: 无法受理: From: no sender address" in out
    assert "reply_case_number.eml: 已催办案件 202612000001" in out
    assert "附件已保存: 收据.pdf" in out
    assert "新案件 6，催办 1，结案后再次来信 0，已处理过 1，无法受理 1" in out
    assert Case.objects.get(number="202612000001").urge_count == 1

    assert main(["ingest-mail", str(mail_folder), "--pack", "property"]) == 1
    again = capsys.readouterr().out
    assert "已处理过 8，无法受理 1" in again
    assert Case.objects.count() == len(GOOD)


def test_another_customers_case_number_is_not_urged(org, capsys):
    other = ingest("attachments.eml")  # 赵磊's case, with his e-mail address
    assert other.case_number == "202612000001"
    reply = ingest("reply_case_number.eml", now=NOW + timedelta(hours=1))  # 李建国 names it
    assert (reply.kind, reply.not_urged) == ("created", "202612000001")
    assert Case.objects.get(number="202612000001").urge_count == 0
    assert Case.objects.get(number=reply.case_number).repeat_of is None


def test_case_without_an_email_on_record_is_urged_by_mail(org, make_case):
    phoned = make_case(now=NOW)  # registered by phone: no e-mail address on record
    assert phoned.number == "202612000001"
    reply = ingest("reply_case_number.eml", now=NOW + timedelta(hours=1))
    assert (reply.kind, reply.case_number) == ("urged", "202612000001")


def test_malformed_mail_creates_nothing(org, capsys):
    path = "tests/channels/fixtures/malformed.eml"
    assert main(["ingest-mail", path, "--pack", "property"]) == 1
    assert Case.objects.count() == 0 and InboundMail.objects.count() == 0


def test_bad_usage_is_refused(org, capsys, tmp_path):
    assert main(["ingest-mail", str(tmp_path / "nope.eml"), "--pack", "property"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["ingest-mail", "tests/channels/fixtures", "--pack", "nosuch"]) == 2
    assert "unknown pack 'nosuch'" in capsys.readouterr().err
    assert main(["ingest-mail", "tests/channels/fixtures"]) == 2  # six packs: --pack needed
    assert "--pack is needed" in capsys.readouterr().err
    assert Case.objects.count() == 0


def test_request_type_option(org):
    outcome = ingest("html_only.eml", request_type="suggestion")
    assert Case.objects.get(number=outcome.case_number).request_type == "suggestion"


def test_outcome_lines_name_the_case(org, mail_folder, capsys):
    main(["ingest-mail", str(mail_folder / "gbk_body.eml"), "--pack", "property"])
    main(["ingest-mail", str(mail_folder / "gbk_body.eml"), "--pack", "property"])
    out = capsys.readouterr().out
    number = Case.objects.get().number
    assert f"gbk_body.eml: 新案件 {number}\n" in out
    assert f"gbk_body.eml: 已处理过（案件 {number}）\n" in out
