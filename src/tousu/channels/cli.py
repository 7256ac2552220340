"""``tousu ingest-mail`` and ``tousu import`` (docs/channels.md).

    tousu ingest-mail FILE_OR_FOLDER… [--pack CODE] [--request-type complaint]
    tousu ingest-mail --imap imaps://USER@HOST/INBOX [--every SECONDS] [--all]
    tousu import FILE.xlsx|FILE.csv [--pack CODE] [--channel regulator] [--skip-bad]

Exit codes: 0 everything taken in; 1 some messages or rows were refused (each is named);
2 bad usage (unknown pack, unreadable file, bad IMAP URL). Django is imported inside the
handlers so that ``tousu --help`` answers at once.
"""

from __future__ import annotations

import argparse
import imaplib
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

EXIT_PARTIAL = 1
EXIT_USAGE = 2


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
    import django

    django.setup()


def _fail(command: str, message: str) -> int:
    print(f"tousu {command}: {message}", file=sys.stderr)
    return EXIT_USAGE


def choose_pack(code: str) -> str:
    """The pack named, or the only active one; ValueError says which packs there are."""
    from tousu.packs.registry import active_pack, active_packs
    from tousu.rules.errors import RuleError

    if code:
        try:
            return active_pack(code).pack.code
        except RuleError as exc:
            raise ValueError(exc.message) from None
    codes = [a.pack.code for a in active_packs()]
    if len(codes) == 1:
        return codes[0]
    raise ValueError(f"--pack is needed: installed packs are {', '.join(codes) or 'none'}")


# --- ingest-mail ----------------------------------------------------------------------------


def _mail_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == ".eml"))
        elif path.is_file():
            files.append(path)
        else:
            raise ValueError(f"{name}: no such file or folder")
    return files


class MailRun:
    """Takes messages in one by one, prints a line for each and counts the outcomes."""

    def __init__(self, pack: str, request_type: str) -> None:
        self.pack = pack
        self.request_type = request_type
        self.counts: Counter[str] = Counter()

    def take(self, label: str, raw: bytes) -> bool:
        from tousu.channels.mail import MailError, parse_mail
        from tousu.channels.mail_intake import ingest_mail
        from tousu.rules.errors import RuleError

        try:
            outcome = ingest_mail(
                mail=parse_mail(raw), pack=self.pack, request_type=self.request_type
            )
        except (MailError, RuleError) as exc:
            self.counts["failed"] += 1
            print(f"{label}: {_t('无法受理')}: {exc}")
            return False
        self.counts[outcome.kind] += 1
        print(f"{label}: {_outcome_text(outcome.kind, outcome.case_number)}")
        if outcome.not_urged:
            note = _t("主题中的案件 %(n)s 属于另一位客户，未催办")
            print(f"  {note % {'n': outcome.not_urged}}")
        for name in outcome.stored:
            print(f"  {_t('附件已保存')}: {name}")
        for refused in outcome.refused:
            print(f"  {_t('附件被拒收')}: {refused.filename}: {refused.reason}")
        return True

    def summary(self) -> str:
        c = self.counts
        return _t(
            "邮件 %(total)d 封：新案件 %(created)d，催办 %(urged)d，结案后再次来信 %(repeat)d，"
            "已处理过 %(duplicate)d，无法受理 %(failed)d"
        ) % {"total": sum(c.values()), **{k: c[k] for k in KINDS}}


KINDS = ("created", "urged", "repeat", "duplicate", "failed")


def _t(text: str) -> str:
    from django.utils.translation import gettext

    return gettext(text)


def _outcome_text(kind: str, number: str) -> str:
    text = {
        "created": _t("新案件 %(n)s"),
        "urged": _t("已催办案件 %(n)s"),
        "repeat": _t("原案已办结，新案件 %(n)s 关联原案"),
        "duplicate": _t("已处理过（案件 %(n)s）"),
    }[kind]
    return text % {"n": number}


def cmd_ingest_mail(args: argparse.Namespace) -> int:
    _django()
    if bool(args.files) == bool(args.imap):
        return _fail("ingest-mail", "give mail files or folders, or --imap URL (not both)")
    try:
        run = MailRun(choose_pack(args.pack), args.request_type)
        if args.imap:
            _poll_imap(run, args)
        else:
            for path in _mail_files(args.files):
                run.take(str(path), path.read_bytes())
    except (ValueError, OSError, imaplib.IMAP4.error) as exc:
        return _fail("ingest-mail", str(exc))
    print(run.summary())
    return EXIT_PARTIAL if run.counts["failed"] else 0


def _poll_imap(run: MailRun, args: argparse.Namespace) -> None:
    from tousu.channels.imap import parse_imap_url, poll

    source = parse_imap_url(args.imap)
    while True:
        try:
            fetched = poll(
                source,
                lambda uid, raw: run.take(f"{source} UID {uid}", raw),
                unread_only=not args.all,
            )
            print(_t("%(source)s：本次取信 %(n)d 封") % {"source": source, "n": fetched})
        except (OSError, imaplib.IMAP4.abort) as exc:
            if not args.every:
                raise
            # a polling loop outlives a server restart or a network hiccup
            print(f"tousu ingest-mail: {source}: {exc}; retrying", file=sys.stderr)
        if not args.every:
            return
        sys.stdout.flush()
        try:
            time.sleep(args.every)
        except KeyboardInterrupt:
            return


# --- import ---------------------------------------------------------------------------------

PROGRESS_FROM = 50  # rows: shorter files need no progress bar


class Progress:
    """A one-line bar on standard error: ``导入 120/500 [#####...............] 24%``."""

    def __init__(self, total: int, stream: Any = None, width: int = 30) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.width = width
        self.shown = -1
        self.active = total >= PROGRESS_FROM

    def __call__(self, done: int) -> None:
        percent = done * 100 // self.total if self.total else 100
        if not self.active or percent == self.shown:
            return
        self.shown = percent
        filled = self.width * done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        label = _t("导入")
        end = "\n" if done == self.total else ""
        self.stream.write(f"\r{label} {done}/{self.total} [{bar}] {percent}%{end}")
        self.stream.flush()


def cmd_import(args: argparse.Namespace) -> int:
    _django()
    from tousu.channels.transfer_file import FileProblem, read_transfer_file
    from tousu.channels.transfers import Defaults, import_transfers

    path = Path(args.file)
    try:
        rows = read_transfer_file(path)
        pack = choose_pack(args.pack) if args.pack else _only_pack()
    except (FileProblem, ValueError, OSError) as exc:
        return _fail("import", f"{path}: {exc}")
    defaults = Defaults(pack=pack, channel=args.channel, request_type=args.request_type)
    report = import_transfers(
        rows, defaults=defaults, skip_bad=args.skip_bad, progress=Progress(len(rows))
    )
    for problem in report.problems:
        print(f"{path}:{problem.row}: {problem.column}: {problem.problem}", file=sys.stderr)
    for row, number in report.already:
        print(f"{path}:{row}: " + _t("已导入过，案件 %(n)s") % {"n": number})
    for row, number in report.imported:
        print(f"{path}:{row}: " + _t("新案件 %(n)s") % {"n": number})
    print(_import_summary(len(rows), report))
    if report.rolled_back:
        print(_t("文件有错误，没有导入任何案件；改正后重新导入，或加 --skip-bad 只导入正确的行"))
        return EXIT_USAGE
    return EXIT_PARTIAL if report.problems else 0


def _only_pack() -> str:
    """The only active pack, else "" (each row then names its pack)."""
    try:
        return choose_pack("")
    except ValueError:
        return ""


def _import_summary(total: int, report: Any) -> str:
    return _t("共 %(total)d 行：新案件 %(new)d，已导入过 %(old)d，有错误的行 %(bad)d") % {
        "total": total,
        "new": len(report.imported),
        "old": len(report.already),
        "bad": report.bad_rows,
    }


# --- registration ---------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add ``ingest-mail`` and ``import`` to the ``tousu`` parser's subcommands."""
    text = "turn e-mail messages (.eml files, folders, or an IMAP mailbox) into cases"
    mail: argparse.ArgumentParser = subparsers.add_parser(
        "ingest-mail", help=text, description=text
    )
    mail.add_argument("files", nargs="*", help=".eml files or folders of them")
    mail.add_argument("--imap", help="poll imap[s]://USER[:PASSWORD]@HOST[:PORT][/MAILBOX]")
    mail.add_argument("--pack", default="", help="pack of new cases (default: the only one)")
    mail.add_argument("--request-type", default="complaint", help="request type of new cases")
    mail.add_argument("--all", action="store_true", help="IMAP: read messages already seen too")
    mail.add_argument("--every", type=float, default=0, help="IMAP: poll again every N seconds")
    mail.set_defaults(handler=cmd_ingest_mail)

    text = "import cases transferred by a regulator or headquarters from an xlsx or csv file"
    imp: argparse.ArgumentParser = subparsers.add_parser("import", help=text, description=text)
    imp.add_argument("file", help="FILE.xlsx or FILE.csv (columns: docs/channels.md)")
    imp.add_argument("--pack", default="", help="pack of rows whose 'pack' column is empty")
    imp.add_argument(
        "--channel",
        choices=("regulator", "headquarters"),
        default="regulator",
        help="channel of rows whose 'channel' column is empty (regulator)",
    )
    imp.add_argument("--request-type", default="complaint", help="for rows without one")
    imp.add_argument(
        "--skip-bad", action="store_true", help="import the good rows even if others are bad"
    )
    imp.set_defaults(handler=cmd_import)
