"""A real Callcoach server on loopback and headless Chromium (Debian's, never a downloaded one)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from core.db import create_db_engine, migrate
from core.demo import load_demo_organisation
from core.models import utcnow
from ui.auth import COOKIE

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "callcoach-demo"
_CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the app exited early with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"the app did not answer at {url} within {seconds} s")


@pytest.fixture(scope="session")
def e2e_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The browser tests' data folder; its database holds the demo organisation."""
    return tmp_path_factory.mktemp("e2e-data")


@pytest.fixture(scope="session")
def e2e_database_url(e2e_data: Path) -> str:
    """The browser tests' database, for tests that set up data the app then shows."""
    return f"sqlite:///{e2e_data / 'callcoach.db'}"


@pytest.fixture(scope="session")
def app_url(e2e_data: Path, e2e_database_url: str) -> Iterator[str]:
    """The app served from a fresh database holding the demo organisation."""
    data, url = e2e_data, e2e_database_url
    engine = create_db_engine(url)
    migrate(engine)
    with Session(engine) as session:
        load_demo_organisation(session=session, password=DEMO_PASSWORD, now=utcnow())
    engine.dispose()
    port = _free_port()
    env = os.environ | {"DATABASE_URL": url, "DATA_DIR": str(data)}
    log = (data / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=_CHROMIUM_ARGS)
        yield browser
        browser.close()


def sign_in(page, base: str, email: str) -> None:
    """Sign in through the form, as a person would, and wait for the home page."""
    page.goto(base)
    page.get_by_label("Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Hello,").wait_for(timeout=20_000)
    # The session cookie is written by a script that runs just after the home page shows;
    # a test that opens another address at once must not outrun it.
    page.wait_for_function(f"document.cookie.includes('{COOKIE}=')", timeout=20_000)


def settled(page) -> None:
    """Wait until the app has finished its run: nothing left from the one before, and no
    "Running" sign, so a click lands on the button of this run."""
    page.wait_for_function(
        """() => !document.querySelector('[data-stale="true"]')
                 && !document.querySelector('[data-testid="stStatusWidget"]')""",
        timeout=20_000,
    )


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page, width: int) -> bool:
    """Whether the page and Streamlit's scrolling main area fit in `width` pixels."""
    widths = page.evaluate(
        """() => [document.documentElement.scrollWidth,
                  ...[...document.querySelectorAll('[data-testid="stMain"], section.main')]
                     .map(e => e.scrollWidth)]"""
    )
    return max(widths) <= width
