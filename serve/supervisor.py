"""Keeps N app processes and the proxy in front of them running: starts them, checks each one's
health every second, and starts again whichever died or stopped answering."""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from serve.proxy import ProxyLayout, nginx_config

__all__ = ["NGINX", "Replica", "Supervisor", "healthy", "warm_up"]

NGINX = "/usr/sbin/nginx"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
# A process gets this long to come up (Python, Streamlit, the first imports) before a failing
# health check counts against it.
STARTUP_GRACE_SECONDS = 60.0
# A running process that has not answered its health check for this long is started again.
UNHEALTHY_SECONDS = 30.0


def _die_with_parent() -> None:
    """In a child process: be sent SIGTERM when the supervisor dies, however it dies (Linux
    prctl PR_SET_PDEATHSIG), so no app process or proxy outlives it."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def healthy(port: int, timeout: float = 2.0) -> bool:
    """Whether the app process on `port` answers Streamlit's health check."""
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/_stcore/health", timeout=timeout
        ) as answer:
            return answer.status == 200
    except OSError:
        return False


async def _run_app_once(port: int, timeout: float) -> None:
    stream = f"ws://127.0.0.1:{port}/_stcore/stream"
    async with (
        asyncio.timeout(timeout),
        websockets.connect(
            stream, subprotocols=["streamlit"], origin=f"http://127.0.0.1:{port}", max_size=None
        ) as ws,
    ):
        request = BackMsg()
        request.rerun_script.query_string = ""
        await ws.send(request.SerializeToString())
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await ws.recv())
            if (
                reply.WhichOneof("type") == "script_finished"
                and reply.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
            ):
                return


def warm_up(port: int, timeout: float = 60.0) -> bool:
    """Run the app once in the process on `port`, as a browser's first visit does; whether it
    finished.

    Until some session of a process has run `app.py`'s `st.navigation`, Streamlit offers that
    process's new sessions the `pages/` files as the menu. A browser that lands on such a
    process after its own died (its page is already drawn, so it does not start afresh) kept
    that file list as its menu. After one run the process serves every session the app's own.
    The run also pays the first imports before a person waits for them.
    """
    try:
        asyncio.run(_run_app_once(port, timeout))
    except (OSError, TimeoutError, websockets.WebSocketException):
        return False
    return True


# One app process: its port, the running process, how often it was started again, and whether
# the app has run in it once (`warm_up`).
@dataclass
class Replica:
    number: int
    port: int
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    last_healthy: float = 0.0
    restarts: int = 0
    warm: bool = False
    log: Path | None = field(default=None, repr=False)


class Supervisor:
    """N Streamlit processes of `app.py` on `backends` ports and nginx on `port` in front.

    `say` reports what happens ("replica 2 on port 8503 exited with code -9: starting it
    again"); `status.json` in `folder` holds every process's pid, port, restarts and health,
    rewritten at each check.
    """

    def __init__(
        self,
        *,
        port: int,
        backends: Sequence[int],
        folder: Path,
        host: str = "0.0.0.0",
        app_args: Sequence[str] = (),
        say: Callable[[str], None] = print,
    ) -> None:
        self.layout = ProxyLayout(port=port, backends=tuple(backends), folder=folder, host=host)
        self.replicas = [Replica(n + 1, p) for n, p in enumerate(backends)]
        self.proxy: subprocess.Popen | None = None
        self._app_args = list(app_args)
        self._say = say
        # One secret for every process: Streamlit signs its XSRF cookie with it, so a browser
        # that moves to another process after a crash can still upload files.
        self._cookie_secret = secrets.token_hex(32)

    def start(self) -> None:
        """Write the proxy's configuration and start every process and the proxy.

        Raises:
            FileNotFoundError: nginx is not installed (`make serve` installs it).
        """
        if not Path(NGINX).exists() and shutil.which("nginx") is None:
            raise FileNotFoundError(
                "nginx is not installed: `make serve` installs it (apt-get install nginx)"
            )
        self.layout.folder.mkdir(parents=True, exist_ok=True)
        (self.layout.folder / "nginx.conf").write_text(nginx_config(self.layout))
        for replica in self.replicas:
            self._start_replica(replica)
        self._start_proxy()

    def _start_replica(self, replica: Replica) -> None:
        replica.log = self.layout.folder / f"replica-{replica.number}.log"
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(replica.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            *self._app_args,
        ]
        with replica.log.open("a") as log:
            replica.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=os.environ | {"STREAMLIT_SERVER_COOKIE_SECRET": self._cookie_secret},
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        replica.started_at = replica.last_healthy = time.monotonic()
        replica.warm = False

    def _start_proxy(self) -> None:
        folder = self.layout.folder
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / temp).mkdir(exist_ok=True)
        binary = NGINX if Path(NGINX).exists() else shutil.which("nginx")
        with (folder / "proxy.log").open("a") as log:
            self.proxy = subprocess.Popen(
                [binary, "-c", str(folder / "nginx.conf"), "-p", str(folder), "-g", "daemon off;"],
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )

    def check(self) -> None:
        """One round: start again every process that exited or stopped answering, and the
        proxy if it exited; then write `status.json`."""
        now = time.monotonic()
        for replica in self.replicas:
            code = replica.process.poll() if replica.process else None
            if code is not None:
                self._say(
                    f"replica {replica.number} on port {replica.port} exited with code {code}: "
                    "starting it again"
                )
                self._restart(replica)
                continue
            if healthy(replica.port):
                replica.last_healthy = now
                if not replica.warm:
                    replica.warm = warm_up(replica.port)
            elif (
                now - replica.started_at > STARTUP_GRACE_SECONDS
                and now - replica.last_healthy > UNHEALTHY_SECONDS
            ):
                self._say(
                    f"replica {replica.number} on port {replica.port} has not answered for "
                    f"{now - replica.last_healthy:.0f} s: starting it again"
                )
                replica.process.kill()
                replica.process.wait()
                self._restart(replica)
        if self.proxy is not None and (code := self.proxy.poll()) is not None:
            self._say(f"the proxy exited with code {code}: starting it again")
            self._start_proxy()
        self._write_status()

    def _restart(self, replica: Replica) -> None:
        replica.restarts += 1
        self._start_replica(replica)

    def _write_status(self) -> None:
        status = {
            "port": self.layout.port,
            "proxy_pid": self.proxy.pid if self.proxy else None,
            "replicas": [
                {
                    "number": r.number,
                    "port": r.port,
                    "pid": r.process.pid if r.process else None,
                    "restarts": r.restarts,
                    "healthy": r.last_healthy >= time.monotonic() - 1.5,
                    "warm": r.warm,
                }
                for r in self.replicas
            ],
        }
        path = self.layout.folder / "status.json"
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(status, indent=2))
        partial.replace(path)  # a reader never sees half a file

    def run(self, *, check_every: float = 1.0) -> None:
        """Start everything, then check every `check_every` seconds until interrupted."""
        try:
            self.start()
        except BaseException:
            self.stop()  # what started before a failure or a signal
            raise
        self._say(
            f"Callcoach on http://{self.layout.host}:{self.layout.port}/ through nginx, "
            f"{len(self.replicas)} app processes on ports "
            f"{', '.join(str(r.port) for r in self.replicas)} (logs in {self.layout.folder})"
        )
        try:
            while True:
                time.sleep(check_every)
                self.check()
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop the proxy and every app process; a second Ctrl-C or SIGTERM meanwhile does not
        cut it short."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        processes = [self.proxy, *(r.process for r in self.replicas)]
        for process in processes:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in processes:
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
