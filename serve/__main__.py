"""`python -m serve --replicas N --port 8501`: N app processes behind nginx, kept running."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from serve.supervisor import Supervisor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m serve", description=__doc__)
    parser.add_argument("--replicas", type=int, default=2, help="app processes (2)")
    parser.add_argument("--port", type=int, default=8501, help="where the proxy listens (8501)")
    parser.add_argument(
        "--host",
        default="0.0.0.0",
        help="the proxy's address: 0.0.0.0 (every interface, the default) or one address; the "
        "app processes listen on 127.0.0.1 only",
    )
    parser.add_argument(
        "--first-backend-port",
        type=int,
        help="the first app process's port; the others follow (default: --port + 1)",
    )
    parser.add_argument(
        "--folder",
        type=Path,
        default=Path("data") / "serve",
        help="the proxy's configuration, the processes' logs and status.json (data/serve)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 64:
        print("--replicas must be between 1 and 64.", file=sys.stderr)
        return 2
    first = args.first_backend_port or args.port + 1
    supervisor = Supervisor(
        port=args.port,
        backends=range(first, first + args.replicas),
        folder=args.folder.resolve(),
        host=args.host,
        say=lambda line: print(line, flush=True),
    )
    # SIGTERM (a service manager stopping it) ends the loop the way Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        supervisor.run()
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
