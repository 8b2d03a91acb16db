"""`python -m serve` for real: two app processes behind nginx, one killed under a signed-in
browser, which carries on signed in on the same page while the supervisor replaces the dead
process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session

from core.db import create_db_engine, migrate
from core.demo import load_demo_organisation
from core.models import utcnow
from serve.supervisor import healthy
from tests.e2e.conftest import ROOT, _free_port, screenshot, sign_in

pytestmark = pytest.mark.e2e


def _status(folder: Path) -> dict:
    return json.loads((folder / "status.json").read_text())


def _wait(condition, seconds: float, what: str, page=None):
    """`condition()` once true; with `page`, the browser's events are handled while waiting
    (Playwright delivers them only while one of its calls runs)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        page.wait_for_timeout(500) if page is not None else time.sleep(0.5)
    raise TimeoutError(f"{what} within {seconds:.0f} s")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`python -m serve --replicas 2` on a fresh database holding the demo organisation."""
    data = tmp_path_factory.mktemp("serve-data")
    url = f"sqlite:///{data / 'callcoach.db'}"
    engine = create_db_engine(url)
    migrate(engine)
    with Session(engine) as session:
        load_demo_organisation(session=session, password="callcoach-demo", now=utcnow())
    engine.dispose()
    folder = data / "serve"
    port, first = _free_port(), _free_port()
    while abs(first - port) < 3:
        first = _free_port()
    env = os.environ | {"DATABASE_URL": url, "DATA_DIR": str(data)}
    command = [sys.executable, "-m", "serve", "--replicas", "2", "--port", str(port)]
    command += ["--first-backend-port", str(first), "--folder", str(folder)]
    log = (data / "serve.log").open("w")
    supervisor = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(
            lambda: (
                (folder / "status.json").exists()
                and all(r["healthy"] and r["warm"] for r in _status(folder)["replicas"])
                and healthy(port)
            ),
            90,
            "the proxy and both app processes did not answer",
        )
        yield f"http://127.0.0.1:{port}", folder
    finally:
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=60)
        log.close()
    assert all(not healthy(r["port"]) for r in _status(folder)["replicas"])  # all stopped


def test_a_killed_process_is_replaced_and_its_browser_carries_on_signed_in(browser, served):
    base, folder = served
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sockets = []  # Streamlit's websockets, each with the messages it received
    page.on(
        "websocket",
        lambda ws: (
            sockets.append(frames := [])
            or ws.on("framereceived", lambda payload: frames.append(payload))
        ),
    )
    sign_in(page, base, "amara.okafor@example.com")
    page.goto(f"{base}/learn")
    page.get_by_role("heading", name="My lessons").wait_for(timeout=30_000)

    # The process this browser's route cookie sends it to.
    backend = context.request.get(f"{base}/_stcore/health").headers["x-callcoach-backend"]
    port = int(backend.rsplit(":", 1)[1])
    victim = next(r for r in _status(folder)["replicas"] if r["port"] == port)
    before = len(sockets)
    os.kill(victim["pid"], signal.SIGKILL)
    # The page notices and opens a websocket through the proxy, which now leads to the other
    # process. Streamlit's page reruns only on the next action (here: R, "rerun"); that run,
    # on the other process, finds the person signed in by their cookie and draws the page they
    # were on.
    _wait(lambda: len(sockets) > before, 60, "the page did not reconnect", page)
    page.locator("body").press("r")
    _wait(lambda: len(sockets[-1]) > 3, 60, "the other process did not run the page", page)
    page.wait_for_function(
        """() => !document.querySelector('[data-stale="true"]')
                 && !document.querySelector('[data-testid="stStatusWidget"]')""",
        timeout=60_000,
    )
    page.get_by_role("heading", name="My lessons").wait_for(timeout=30_000)
    # The person's own menu, not the `pages/` files (each process ran the app once at start).
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name="My lessons").wait_for(timeout=30_000)
    assert nav.get_by_role("link", name="sign in").count() == 0
    page.get_by_text("Signed in as").first.wait_for(timeout=30_000)
    assert page.get_by_label("Email").count() == 0  # not sent back to the sign-in form
    assert page.url.endswith("/learn")
    screenshot(page, "serve-after-failover")
    page.get_by_role("link", name="Reviews").click()  # and carries on from there
    page.get_by_role("heading", name="Reviews").wait_for(timeout=30_000)

    # The supervisor started the killed process again.
    def _replaced() -> dict | None:
        replicas = _status(folder)["replicas"]
        again = [
            r
            for r in replicas
            if r["port"] == port and r["restarts"] == 1 and r["healthy"] and r["warm"]
        ]
        return again[0] if again else None

    replaced = _wait(_replaced, 90, "the killed process was not replaced")
    assert replaced["pid"] != victim["pid"]
    context.close()
