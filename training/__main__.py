"""`python -m training`: email reminders, and build or search the lesson index.

    python -m training remind [--dry-run] [--json]
    python -m training index build | search ...   # see `python -m training index --help`

`remind` emails each agent a digest of reviews due and overdue assignments.
Run it once a day (cron or any scheduler). Agents with reminders turned off, and agents with
nothing due, get no email.

Exit codes of `remind`: 0 done; 1 some reminders could not be delivered (listed, the others
went out); 2 the command could not run (no SMTP settings, bad settings, database unreachable).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import ConfigError, Settings, get_settings
from core.db import DatabaseUnavailable, create_db_engine, migrate
from core.models import utcnow
from training import index_command
from training.digests import build_digests
from training.lessons import load_library
from training.reminders import (
    SendReport,
    SmtpSettings,
    compose_digest,
    missing_smtp_settings,
    send_digests,
)


def _aware(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO date and time") from None
    if moment.utcoffset() is None:
        raise argparse.ArgumentTypeError(f"{value!r} has no time zone, e.g. +00:00")
    return moment


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m training",
        description="Training jobs run from the command line.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    commands = parser.add_subparsers(dest="command", required=True)
    remind = commands.add_parser(
        "remind",
        help="email each agent their reviews due and overdue assignments",
        description="Email each agent who has reminders on a short digest of the review "
        "questions due and the assignments past due, through the SMTP_* settings.",
    )
    remind.add_argument(
        "--dry-run", action="store_true", help="print who would get what; send nothing"
    )
    remind.add_argument("--json", action="store_true", help="print a JSON summary")
    # For tests and for re-running a missed day: the moment to remind as of (default: now).
    remind.add_argument("--now", type=_aware, default=None, help=argparse.SUPPRESS)
    # `index` has its own parser (training.index_command), so its --help is its own.
    index = commands.add_parser(
        "index", help="build or search the lesson index", add_help=False, prefix_chars="\0"
    )
    index.add_argument("arguments", nargs=argparse.REMAINDER)
    return parser


_SMTP_EXAMPLES = {
    "SMTP_HOST": "mail.example.com",
    "SMTP_SENDER": "Callcoach <callcoach@example.com>",
    "SMTP_USERNAME": "callcoach",
    "SMTP_PASSWORD": "the account's password",
}


def _no_smtp_message(missing: list[str]) -> str:
    lines = [
        f"error: reminder emails need {', '.join(missing)} set; nothing was sent.",
        "Set them in the environment or in .env (see .env.example), e.g.",
        *(f"  {name}={_SMTP_EXAMPLES[name]}" for name in missing),
    ]
    if not {"SMTP_USERNAME", "SMTP_PASSWORD"} & set(missing):
        lines.append("and SMTP_USERNAME and SMTP_PASSWORD if the mail server needs a sign-in.")
    lines.append("Try `python -m training remind --dry-run` to see who would be emailed.")
    return "\n".join(lines)


def _compose(engine: Engine, settings: Settings, now: datetime) -> tuple[list[EmailMessage], int]:
    """The reminder emails to send, and how many opted-in agents have nothing due."""
    titles = {lesson.id: lesson.title for lesson in load_library(settings.lessons_dir).lessons}
    with Session(engine) as session:
        digests = build_digests(
            session=session, now=now, app_url=settings.app_url, lesson_titles=titles
        )
    messages = [message for digest in digests if (message := compose_digest(digest))]
    return messages, len(digests) - len(messages)


def _summary(report: SendReport, skipped: int) -> dict:
    return {
        "sent": len(report.sent),
        "skipped": skipped,
        "failed": [{"email": item.email, "reason": item.reason} for item in report.failed],
    }


def _remind(args: argparse.Namespace) -> int:
    settings = get_settings()
    smtp: SmtpSettings | None = None
    if not args.dry_run:
        missing = missing_smtp_settings(settings)
        if missing:
            print(_no_smtp_message(missing), file=sys.stderr)
            return 2
        smtp = SmtpSettings.from_settings(settings)
    engine = create_db_engine(settings.sqlalchemy_url)
    try:
        migrate(engine)
        messages, skipped = _compose(engine, settings, args.now or utcnow())
    finally:
        engine.dispose()

    if smtp is None:
        would_send = [{"email": str(m["To"]), "subject": str(m["Subject"])} for m in messages]
        if args.json:
            report = SendReport(sent=(), failed=())
            print(json.dumps({**_summary(report, skipped), "would_send": would_send}))
        else:
            for item in would_send:
                print(f"would email {item['email']}: {item['subject']}")
            print(f"Dry run: {len(messages)} to send, {skipped} with nothing due; nothing sent.")
        return 0

    report = send_digests(messages, smtp=smtp)
    if args.json:
        print(json.dumps(_summary(report, skipped)))
    else:
        print(
            f"Reminders: {len(report.sent)} sent, {skipped} with nothing due, "
            f"{len(report.failed)} failed"
        )
        for item in report.failed:
            print(f"  failed: {item.email}: {item.reason}")
    return 1 if report.failed else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "index":
        return index_command.main(args.arguments)
    try:
        return _remind(args)
    except (ConfigError, DatabaseUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
