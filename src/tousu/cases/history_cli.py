"""``tousu verify-history [--case NUMBER]`` (SPEC §8, §10): recompute every case's hash chain.

Prints the first broken link of each case (case number, event id, what differs) and a
summary. Exit 0 when every chain is intact, 1 when any is broken, 2 for an unknown case.
``register(subparsers)`` adds the command to the ``tousu`` parser; Django is imported only
when the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

EXIT_BROKEN = 1
EXIT_USAGE = 2


def cmd_verify_history(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
    import django

    django.setup()
    from tousu.cases.history import check_chains
    from tousu.cases.models import Case

    if args.case is not None and not Case.objects.filter(number=args.case).exists():
        print(f"tousu verify-history: --case: no case numbered '{args.case}'", file=sys.stderr)
        return EXIT_USAGE
    started = time.monotonic()
    cases = events = broken = 0
    for chain in check_chains(args.case):
        cases += 1
        events += chain.events
        if chain.broken is not None:
            broken += 1
            where = chain.broken.event_id
            at = f"event {where}" if where is not None else "after its last event"
            print(f"case {chain.number}: {at}: {chain.broken.problem}: {chain.broken.detail}")
    seconds = time.monotonic() - started
    verdict = f"{broken} broken" if broken else "all intact"
    print(f"checked {cases} cases, {events} events in {seconds:.1f} s: {verdict}")
    return EXIT_BROKEN if broken else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = "recompute every case's event hash chain; exit 1 if any is broken"
    command = sub.add_parser("verify-history", help=text, description=text)
    command.add_argument("--case", metavar="NUMBER", help="check this case only")
    command.set_defaults(handler=cmd_verify_history)
