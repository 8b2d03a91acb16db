"""Load test of the running app: N simulated browser tabs sign in and browse lessons and calls.

Run against an app you started (`make run`, or `streamlit run app.py --server.port 8765`):

    .venv/bin/python bench/load.py --url http://127.0.0.1:8765 --users 50 --seconds 60

A Streamlit page is not an HTTP response: a browser tab opens a websocket at `/_stcore/stream`,
sends a `BackMsg` whose `rerun_script` (a `ClientState`) names the page's script hash, the query
string and the widget values, and the server runs the script and streams `ForwardMsg`s back
(`new_session`, `navigation`, element deltas, `page_info_changed`) until `script_finished`. Each
simulated user here is such a tab, speaking that protocol with the `websockets` package the way
the frontend does. "open app" connects and runs the script (the sign-in page); "sign in" types a
demo user's email and password into the sign-in form (widget ids from the form's deltas) and
submits it, which runs the sign-in script and then Home. The tab then browses, with 0.5-2 s of
think time (seeded) between actions:

- agents: Home, My lessons, "open lesson" (a lesson's Start/Resume button: the lesson player),
  Reviews, Calls, "pick call" (another call in the Calls page's picker), "open call" (a link to
  one call, `?call=<id>`, from another page; ids from the picker);
- the lead: Calls, pick call, open call, Lessons, "pick lesson" (in the library), Review queue,
  the QA and Learning dashboards;
- the reviewer: Home, Calls, pick call, open call, Review queue, the QA dashboard.

Pages are reached by the script hashes the app's `st.navigation` announces, as the frontend does
after a menu click. Being signed in lives in the tab's session state (the cookie the app writes
only lets a reloaded tab resume), so every tab signs in through the form. User n is person
n % 8 of the mix (six agents, the lead, the reviewer, so several tabs share an agent's account);
users start one after another over `--ramp` seconds, sign in once and browse to the end, and a
tab that broke (timeout, websocket) is opened again and signed in again.

An action's time runs from sending the rerun to `script_finished` with success, through any
`st.switch_page`/`st.rerun` it triggered (sign-in includes Home). It is an error if the
websocket fails, the script does not finish within `--timeout`, the page shows an exception, an
`st.error`, "Not allowed" or "Please sign in", or it shows another call or lesson than asked
for. p50/p95 are over the actions whose script finished (errors included); timeouts and broken
connections count only as errors. When the time is up, actions still waiting for the app are
cut off and counted, not timed, so the load lasts `--seconds`. Recordings and static files are
not fetched: the load is the scripts' runs.

Two actions store something: an agent answers a review card ("answer review": a quiz option,
then "submit answer": Next, acknowledged by the "Next time: ..." toast, or told that another tab
of the same account answered that card first), and a reviewer or lead
confirms auto-QA on the first call of their review queue ("confirm review", acknowledged by
"Call #N reviewed"). With `--database-url` the script checks afterwards that every acknowledged
review and answer is in the database. Against `make serve`, `--kill-after S` SIGKILLs the first
app process S seconds into the load (its pid from `--serve-status`); the tabs it held fail
once, open again and carry on.

With `--uncached-url`, the one-user peer also runs against a second app on the same data,
started as the app was before its page-run savings (`PAGE_CACHES=false streamlit run app.py
--server.port 8766 --runner.postScriptGC true`), so one run shows what they save per page.

The peer, run first in the same process: the same mix with one user (`--baseline-seconds`),
i.e. the response times without concurrency; it signs in as the next person of the mix every
5-9 actions, so its run meets every role (and has more sign-ins per action). The load generator
shares the machine with the app; its own CPU time is printed so the two can be told apart. With
no app at the default URL the script says so and exits 0, so `make bench` skips it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import sys
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script by `make bench`

from sqlalchemy import create_engine  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from core.models import Evaluation, EvaluationSource, ReviewLog  # noqa: E402
from core.models import User as UserRow  # noqa: E402
from core.stats import percentile  # noqa: E402

DEFAULT_URL = "http://127.0.0.1:8501"  # `make run`
DEMO_PASSWORD = "callcoach-demo"
AGENTS = [
    "amara.okafor@example.com",
    "ben.carter@example.com",
    "chloe.nguyen@example.com",
    "diego.ramirez@example.com",
    "ella.fischer@example.com",
    "farah.haddad@example.com",
]
LEAD = "lena.brooks@example.com"
REVIEWER = "raj.patel@example.com"
# Who user n is (PEOPLE[n % 8]): six agents to one lead and one reviewer, roles spread out so
# that the one-user peer, which goes through them in turn, meets every role early.
PEOPLE = [
    ("agent", AGENTS[0]),
    ("lead", LEAD),
    ("agent", AGENTS[1]),
    ("reviewer", REVIEWER),
    ("agent", AGENTS[2]),
    ("agent", AGENTS[3]),
    ("agent", AGENTS[4]),
    ("agent", AGENTS[5]),
]
# The one-user peer signs in as the next person of the mix after this many actions (at random),
# so that its run has every role in it.
PEER_TAB_ACTIONS = (5, 9)
# Pages each role browses (url path as registered in ui/navigation.py -> action name).
MENUS = {
    "agent": {"home": "home", "learn": "my lessons", "reviews": "reviews", "calls": "calls"},
    "lead": {
        "calls": "calls",
        "lessons": "lessons",
        "review": "review queue",
        "quality_dashboard": "qa dashboard",
        "learning_dashboard": "learning dashboard",
    },
    "reviewer": {
        "home": "home",
        "calls": "calls",
        "review": "review queue",
        "quality_dashboard": "qa dashboard",
    },
}
ACTIONS = [
    "open app",
    "sign in",
    "home",
    "my lessons",
    "open lesson",
    "reviews",
    "lessons",
    "pick lesson",
    "calls",
    "pick call",
    "open call",
    "review queue",
    "answer review",
    "submit answer",
    "confirm review",
    "qa dashboard",
    "learning dashboard",
]
_CALL = re.compile(r"#(\d+) ·")  # call pickers label calls "#12 · agent · date"
_REVIEWED = re.compile(r"Call #(\d+) reviewed: official score")


class ActionFailed(Exception):
    """The action broke the tab (websocket closed, no answer in time): the tab is given up."""


# What one action cost and what went wrong on the page it showed.
@dataclass
class Outcome:
    action: str
    seconds: float | None  # None: no response (timeout, websocket failure)
    problem: str | None = None


# One load run: its name in the table, what each action cost, and how long it took.
@dataclass
class Run:
    name: str
    outcomes: list[Outcome]
    wall: float
    cut_off: int  # actions still waiting for the app when the time was up
    # What the app said it stored: ("review", call id) or ("answer", agent's email).
    acknowledged: list[tuple[str, str]] = field(default_factory=list)


# The elements of the last script run, and what was wrong with them.
@dataclass
class Page:
    elements: list[Element] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def widgets(self, kind: str) -> list:
        """The `kind` elements ("button", "selectbox", ...) in page order."""
        return [getattr(e, kind) for e in self.elements if e.WhichOneof("type") == kind]


def _problem(element: Element) -> str | None:
    """Why this element means the page failed the user, if it does."""
    kind = element.WhichOneof("type")
    if kind == "exception":
        return f"exception {element.exception.type}: {element.exception.message[:80]}"
    if kind == "alert":
        body = element.alert.body
        if body.startswith("Not allowed"):
            return "Not allowed"
        if body.startswith("Please sign in"):
            return "signed out"
        if element.alert.format == element.alert.ERROR and not body.startswith("Not quite"):
            return f"st.error: {body[:80]}"  # ("Not quite" is a wrong quiz answer's feedback)
    return None


class Tab:
    """One browser tab: a websocket session that reruns the app's script like the frontend."""

    def __init__(self, ws, timeout: float) -> None:
        self._ws = ws
        self._timeout = timeout
        self.pages: dict[str, str] = {}  # url path -> page script hash, from `navigation`
        self.page_hash = ""
        self.query = ""
        self.page = Page()

    @classmethod
    async def open(cls, url: str, timeout: float) -> Tab:
        parts = urlsplit(url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        stream = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        try:
            ws = await websockets.connect(
                stream,
                subprotocols=["streamlit"],
                origin=f"{parts.scheme}://{parts.netloc}",
                max_size=None,
                open_timeout=timeout,
                ping_interval=None,  # browsers answer pings but never send them
            )
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            raise ActionFailed(f"connect: {type(exc).__name__}") from exc
        return cls(ws, timeout)

    async def close(self) -> None:
        await self._ws.close()

    @property
    def current(self) -> str | None:
        """The url path of the page shown."""
        return next((path for path, h in self.pages.items() if h == self.page_hash), None)

    async def rerun(
        self, *, page: str | None = None, query: str | None = None, widgets: Iterable = ()
    ) -> Page:
        """Rerun the script on `page` (a url path; default: the page shown) with `query`
        (default: kept on the same page, cleared on another, as a menu click does) and
        `widgets`, and wait for the run to finish.

        Raises:
            ActionFailed: the websocket failed or the script did not finish within the timeout.
        """
        msg = BackMsg()
        state = msg.rerun_script
        moving = page is not None and self.pages.get(page) != self.page_hash
        state.page_script_hash = self.pages[page] if page is not None else self.page_hash
        state.query_string = query if query is not None else ("" if moving else self.query)
        state.widget_states.widgets.extend(widgets)
        problems: list[str] = []
        try:
            async with asyncio.timeout(self._timeout):
                await self._ws.send(msg.SerializeToString())
                while True:
                    reply = ForwardMsg()
                    reply.ParseFromString(await self._ws.recv())
                    kind = reply.WhichOneof("type")
                    if kind == "new_session":  # a script run starts (a rerun starts another)
                        self.page = Page()
                    elif kind == "navigation":
                        # The default page's url path is "", so paths are learnt across runs:
                        # signed out, Home is listed as "home" (hidden) and Sign in as "".
                        for p in reply.navigation.app_pages:
                            if p.url_pathname:
                                self.pages[p.url_pathname] = p.page_script_hash
                        self.page_hash = reply.navigation.page_script_hash
                    elif kind == "page_info_changed":
                        self.query = reply.page_info_changed.query_string
                    elif kind == "page_not_found":
                        problems.append("page not found")
                    elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                        element = reply.delta.new_element
                        self.page.elements.append(element)
                        if problem := _problem(element):
                            problems.append(problem)
                    elif kind == "script_finished":
                        status = reply.script_finished
                        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                            problems.append("script compile error")
                        if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                            break
        except TimeoutError as exc:
            raise ActionFailed(f"no script_finished within {self._timeout:.0f} s") from exc
        except (OSError, websockets.WebSocketException) as exc:
            raise ActionFailed(f"websocket: {type(exc).__name__}") from exc
        self.page.problems = problems
        return self.page


def _widget(widget_id: str, **value) -> WidgetState:
    return WidgetState(id=widget_id, **value)


class User:
    """One simulated user: a browser tab signed in as a person of the mix, browsing."""

    def __init__(
        self,
        number: int,
        args: argparse.Namespace,
        outcomes: list[Outcome],
        acknowledged: list[tuple[str, str]],
    ) -> None:
        self._number = number
        self._args = args
        self._outcomes = outcomes
        # What the app said it stored: ("review", call id) or ("answer", agent's email).
        self._acknowledged = acknowledged
        self._rng = random.Random(args.seed * 10_000 + number)
        self._failing = "open app"  # the action under way, named if it breaks the tab
        self._calls: list[str] = []  # ids of the calls this tab's person may open
        self.busy = False  # waiting for the app to answer an action

    async def run(self, deadline: float, *, tab_actions: tuple[int, int] | None) -> None:
        """Browse until `deadline`: as one person in one tab (opened again if it breaks), or
        with `tab_actions`, as the next person of the mix every that many actions."""
        visit = 0
        while time.monotonic() < deadline:
            role, email = PEOPLE[(self._number + visit) % len(PEOPLE)]
            self._email = email
            visit += 1 if tab_actions else 0
            self._failing, self._calls, tab = "open app", [], None
            try:
                self.busy, started = True, time.perf_counter()
                tab = await Tab.open(self._args.url, self._args.timeout)
                self._record("open app", await tab.rerun(), started)
                if await self._sign_in(tab, email):
                    left = self._rng.randint(*tab_actions) if tab_actions else -1
                    while left != 0 and await self._think(deadline):
                        await self._browse(tab, role)
                        left -= 1
            except ActionFailed as exc:
                self.busy = False
                self._outcomes.append(Outcome(self._failing, None, str(exc)))
            finally:
                if tab is not None:
                    await tab.close()
            await self._think(deadline)

    async def _think(self, deadline: float) -> bool:
        pause = self._rng.uniform(0.5, 2.0)
        await asyncio.sleep(max(0.0, min(pause, deadline - time.monotonic())))
        return time.monotonic() < deadline

    async def _act(self, tab: Tab, action: str, **rerun) -> Page:
        self._failing, self.busy, started = action, True, time.perf_counter()
        page = await tab.rerun(**rerun)
        self._record(action, page, started)
        return page

    def _record(self, action: str, page: Page, started: float) -> None:
        seconds = time.perf_counter() - started
        self.busy = False
        self._outcomes.append(Outcome(action, seconds, page.problems[0] if page.problems else None))

    async def _sign_in(self, tab: Tab, email: str) -> bool:
        self._failing = "sign in"
        inputs = {w.id.rsplit("-", 1)[-1]: w.id for w in tab.page.widgets("text_input")}
        submit = [b.id for b in tab.page.widgets("button") if b.is_form_submitter]
        if "sign_in_email" not in inputs or "sign_in_password" not in inputs or not submit:
            self._outcomes.append(Outcome("sign in", None, "no sign-in form"))
            return False
        await self._think(float("inf"))  # typing
        page = await self._act(
            tab,
            "sign in",
            widgets=[
                _widget(inputs["sign_in_email"], string_value=email),
                _widget(inputs["sign_in_password"], string_value=self._args.password),
                _widget(submit[0], trigger_value=True),
            ],
        )
        if not page.problems and tab.current != "home":
            self._outcomes[-1].problem = f"sign-in ended on {tab.current!r}, not Home"
        return tab.current == "home"

    async def _browse(self, tab: Tab, role: str) -> None:
        """One action: often a step into what the page offers, else a menu entry."""
        here = tab.current
        if here == "calls":
            calls = {
                m.group(1): o for o in _options(tab.page, "calls_pick") if (m := _CALL.match(o))
            }
            self._calls = list(calls)
            others = [call for call in calls if tab.query != f"call={call}"]
            if others and self._rng.random() < 0.5:
                call = self._rng.choice(others)
                pick = _widget(_picker(tab.page, "calls_pick").id, string_value=calls[call])
                await self._open_call(tab, "pick call", call, widgets=[pick])
                return
        if here == "learn" and not tab.query and self._rng.random() < 0.6:
            starts = [b.id for b in tab.page.widgets("button") if "-go_" in b.id]
            if starts:
                start = _widget(self._rng.choice(starts), trigger_value=True)
                await self._act(tab, "open lesson", widgets=[start])
                if self._outcomes[-1].problem is None and not tab.query.startswith("lesson="):
                    self._outcomes[-1].problem = f"Start did not open a lesson: {tab.query!r}"
                return
        if here == "reviews" and self._rng.random() < 0.7:
            options = [b.id for b in tab.page.widgets("button") if re.search(r"-rc_\d+_\d+$", b.id)]
            if options:
                pick = _widget(self._rng.choice(options), trigger_value=True)
                await self._act(tab, "answer review", widgets=[pick])
                nexts = [b.id for b in tab.page.widgets("button") if b.id.endswith("-review_next")]
                if nexts and self._outcomes[-1].problem is None:
                    page = await self._act(
                        tab, "submit answer", widgets=[_widget(nexts[0], trigger_value=True)]
                    )
                    if any(t.body.startswith("Next time") for t in _kind(page, "toast")):
                        self._acknowledged.append(("answer", self._email))
                    elif any("answered meanwhile" in a.body for a in _kind(page, "alert")):
                        pass  # another tab of the same account answered that card first
                    elif self._outcomes[-1].problem is None:
                        self._outcomes[-1].problem = "no 'Next time' after an answer"
                return
        if here == "review" and self._rng.random() < 0.5:
            confirm = [b.id for b in tab.page.widgets("button") if "-review_submit_" in b.id]
            if confirm:
                page = await self._act(
                    tab, "confirm review", widgets=[_widget(confirm[0], trigger_value=True)]
                )
                for alert in _kind(page, "alert"):
                    if done := _REVIEWED.search(alert.body):
                        self._acknowledged.append(("review", done.group(1)))
                return
        if here == "lessons" and self._rng.random() < 0.6:
            picker = _picker(tab.page, "lessons_pick")
            if picker is not None and len(picker.options) > 1:
                title = self._rng.choice(picker.options)
                page = await self._act(
                    tab, "pick lesson", widgets=[_widget(picker.id, string_value=title)]
                )
                shown = [m.body for m in page.widgets("markdown") if m.body.startswith("### ")]
                if self._outcomes[-1].problem is None and f"### {title}" not in shown:
                    self._outcomes[-1].problem = f"asked for {title!r}, shown {shown[:1]}"
                return
        menu = MENUS[role]
        path = self._rng.choice([path for path in menu if path != here] or list(menu))
        if path == "calls" and self._calls and self._rng.random() < 0.5:
            # A link to one call, as Home, the review queue and notes give.
            call = self._rng.choice(self._calls)
            await self._open_call(tab, "open call", call, page="calls", query=f"call={call}")
            return
        await self._act(tab, menu[path], page=path)

    async def _open_call(self, tab: Tab, action: str, call: str, **rerun) -> None:
        await self._act(tab, action, **rerun)
        if self._outcomes[-1].problem is None and tab.query != f"call={call}":
            self._outcomes[-1].problem = f"asked for call {call}, shown {tab.query!r}"


def _kind(page: Page, kind: str) -> list:
    """The page's elements of one kind ("alert", "toast", ...)."""
    return [getattr(e, kind) for e in page.elements if e.WhichOneof("type") == kind]


def _picker(page: Page, key: str):
    return next((s for s in page.widgets("selectbox") if s.id.endswith(f"-{key}")), None)


def _options(page: Page, key: str) -> list[str]:
    picker = _picker(page, key)
    return list(picker.options) if picker is not None else []


async def load(
    args: argparse.Namespace, users: int, seconds: float, tab_actions: tuple[int, int] | None
) -> Run:
    """Run `users` simulated users for `seconds`, their starts spread over the ramp-up
    (`tab_actions`: see `User.run`).

    At the end the actions still waiting for the app are cut off and counted, not timed, so the
    load lasts `seconds` and no longer.
    """
    outcomes: list[Outcome] = []
    acknowledged: list[tuple[str, str]] = []
    started = time.monotonic()
    deadline = started + seconds
    ramp = min(args.ramp, seconds / 2) if users > 1 else 0.0
    people = [User(number, args, outcomes, acknowledged) for number in range(users)]

    async def start(number: int) -> None:
        await asyncio.sleep(ramp * number / users)
        await people[number].run(deadline, tab_actions=tab_actions)

    tasks = [asyncio.create_task(start(number)) for number in range(users)]
    killer = None
    if users > 1 and args.kill_after is not None:
        killer = asyncio.create_task(_kill_one_process(args.serve_status, args.kill_after))
    await asyncio.wait(tasks, timeout=max(0.0, deadline - time.monotonic()))
    if killer is not None:
        killer.cancel()
    cut_off = sum(user.busy for user in people)
    for task in tasks:
        task.cancel()
    for result in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(result, Exception):  # a bug in this script, not a failed action
            raise result
    return Run(
        f"{users} user{'s' if users > 1 else ''}",
        outcomes,
        time.monotonic() - started,
        cut_off,
        acknowledged,
    )


async def _kill_one_process(status: Path, after: float) -> None:
    """SIGKILL the first app process of `make serve` (its pid from `status.json`) `after`
    seconds into the load."""
    await asyncio.sleep(after)
    replica = json.loads(status.read_text())["replicas"][0]
    os.kill(replica["pid"], signal.SIGKILL)
    print(f"killed app process {replica['number']} (pid {replica['pid']}) at {after:.0f} s")


def check_nothing_lost(runs: list[Run], database_url: str, since: datetime) -> None:
    """Print whether every review and answer the app acknowledged is in the database."""
    engine = create_engine(database_url)
    reviews = {key for run in runs for kind, key in run.acknowledged if kind == "review"}
    answers = Counter(key for run in runs for kind, key in run.acknowledged if kind == "answer")
    with Session(engine) as session:
        stored = set(
            session.exec(
                select(Evaluation.call_id).where(
                    Evaluation.source == EvaluationSource.HUMAN,
                    col(Evaluation.call_id).in_([int(c) for c in reviews]),
                )
            )
        )
        logged = Counter(
            email
            for email, at in session.exec(
                select(UserRow.email, ReviewLog.reviewed_at).join(
                    UserRow, col(UserRow.id) == col(ReviewLog.agent_id)
                )
            )
            if _aware(at) >= since
        )
    engine.dispose()
    lost_reviews = sorted(int(c) for c in reviews if int(c) not in stored)
    lost_answers = {e: n - logged[e] for e, n in answers.items() if logged[e] < n}
    print(
        f"\nacknowledged by the app: {len(reviews)} reviews, {sum(answers.values())} review "
        f"answers; not in the database: {len(lost_reviews)} reviews"
        + (f" (calls {lost_reviews})" if lost_reviews else "")
        + f", {sum(lost_answers.values())} answers"
        + (f" ({lost_answers})" if lost_answers else "")
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _summary(outcomes: list[Outcome]) -> tuple[str, str, str, str]:
    """Count, error rate, p50 and p95 (ms) of these outcomes, as table cells."""
    if not outcomes:
        return "0", "-", "-", "-"
    errors = sum(o.problem is not None for o in outcomes)
    times = [o.seconds * 1000 for o in outcomes if o.seconds is not None]
    p50 = f"{percentile(times, 0.50):.0f}" if times else "-"
    p95 = f"{percentile(times, 0.95):.0f}" if times else "-"
    return str(len(outcomes)), f"{errors / len(outcomes):.1%}", p50, p95


def report(runs: list[Run]) -> None:
    """Print one table, the runs side by side, then the errors' causes."""
    header = ["action"]
    for run in runs:
        header += [f"{run.name}: n", "errors", "p50 ms", "p95 ms"]
    grouped = []
    for run in runs:
        by_action: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in run.outcomes:
            by_action[outcome.action].append(outcome)
        grouped.append(by_action)
    rows = [header]
    for action in ACTIONS:
        if any(action in by_action for by_action in grouped):
            rows.append(
                [action, *(c for by_action in grouped for c in _summary(by_action[action]))]
            )
    rows.append(["all", *(c for run in runs for c in _summary(run.outcomes))])
    rows.append(
        [
            "actions / s",
            *(c for r in runs for c in (f"{len(r.outcomes) / r.wall:.1f}",) + ("",) * 3),
        ]
    )
    rows.append(["cut off at the end", *(c for r in runs for c in (str(r.cut_off),) + ("",) * 3)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for number, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("| " + " | ".join(cells) + " |")
        if number == 0:
            print(
                "|"
                + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths))
                + "|"
            )
    for run in runs:
        causes = Counter(f"{o.action}: {o.problem}" for o in run.outcomes if o.problem is not None)
        for cause, count in causes.most_common(8):
            print(f"{run.name}, {count} x {cause}")


def _reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/_stcore/health", timeout=5) as answer:
            return answer.status == 200
    except (OSError, urllib.error.URLError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help=f"the running app (default {DEFAULT_URL}, `make run`)")
    parser.add_argument(
        "--users",
        type=int,
        default=50,
        help="concurrent users (50; 0 runs only the one-user peers)",
    )
    parser.add_argument("--seconds", type=float, default=60, help="length of the load (60)")
    parser.add_argument(
        "--baseline-seconds",
        type=float,
        help="length of the one-user peer run (default: --seconds; 0 skips it)",
    )
    parser.add_argument(
        "--ramp", type=float, default=15, help="seconds over which users start (15)"
    )
    parser.add_argument(
        "--timeout", type=float, default=30, help="seconds a script run may take (30)"
    )
    parser.add_argument(
        "--password", default=DEMO_PASSWORD, help="the demo users' password (callcoach-demo)"
    )
    parser.add_argument("--seed", type=int, default=1, help="think times and choices (1)")
    parser.add_argument(
        "--kill-after",
        type=float,
        help="with --serve-status: SIGKILL the first app process of `make serve` this many "
        "seconds into the load",
    )
    parser.add_argument(
        "--serve-status",
        type=Path,
        default=Path("data/serve/status.json"),
        help="`make serve`'s status file, for --kill-after (data/serve/status.json)",
    )
    parser.add_argument(
        "--database-url",
        help="the app's database: after the load, check that every review and review answer "
        "the app acknowledged is stored",
    )
    parser.add_argument(
        "--uncached-url",
        help="a second app on the same data started with PAGE_CACHES=false: the one-user peer "
        "also runs against it, to show what the page caches save",
    )
    args = parser.parse_args()
    url = args.url or DEFAULT_URL
    if not _reachable(url):
        print(f"No Callcoach app answers at {url}: start one (`make run`) or pass --url.")
        # `make bench` runs every script without arguments: no app running is a skip there.
        sys.exit(2 if args.url else 0)
    args.url = url
    if args.uncached_url and not _reachable(args.uncached_url):
        print(f"No app answers at --uncached-url {args.uncached_url}.")
        sys.exit(2)
    baseline = args.seconds if args.baseline_seconds is None else args.baseline_seconds

    cpu = time.process_time()
    since = datetime.now(UTC)
    runs = []
    if baseline > 0:
        print(f"peer: 1 user for {baseline:.0f} s ...", flush=True)
        runs.append(asyncio.run(load(args, 1, baseline, PEER_TAB_ACTIONS)))
    if baseline > 0 and args.uncached_url:
        print(f"peer, caches off ({args.uncached_url}): 1 user for {baseline:.0f} s ...")
        uncached = argparse.Namespace(**{**vars(args), "url": args.uncached_url})
        runs.append(asyncio.run(load(uncached, 1, baseline, PEER_TAB_ACTIONS)))
        runs[-1].name = "1 user, caches off"
    if args.users > 0:
        print(f"load: {args.users} users for {args.seconds:.0f} s ...", flush=True)
        runs.append(asyncio.run(load(args, args.users, args.seconds, None)))
    cpu = time.process_time() - cpu
    wall = sum(run.wall for run in runs)
    print(f"\n{url}, seed {args.seed}; this script's own CPU: {cpu:.1f} s in {wall:.0f} s\n")
    report(runs)
    if args.database_url:
        check_nothing_lost(runs, args.database_url, since)


if __name__ == "__main__":
    main()
