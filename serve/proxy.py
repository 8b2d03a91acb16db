"""The reverse proxy in front of the app processes: an nginx configuration, written per run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROUTE_COOKIE", "ProxyLayout", "nginx_config"]

# The cookie that keeps a browser on one app process. A Streamlit session lives in one process
# (its websocket, and the audio files it serves from memory), so every request of a browser
# goes to the same process while that process is up.
ROUTE_COOKIE = "callcoach_route"


# Where the proxy listens, the app processes it spreads browsers over, and its working folder
# (configuration, pid file, logs, temporary files).
@dataclass(frozen=True)
class ProxyLayout:
    port: int
    backends: tuple[int, ...]
    folder: Path
    host: str = "0.0.0.0"  # every interface: the agents' browsers are on other machines


def nginx_config(layout: ProxyLayout) -> str:
    """nginx's configuration for `layout`.

    - Sticky sessions: a browser without the route cookie gets a random one (nginx's request
      id); `hash $route` maps it to one app process. Not `consistent`: under load, with one
      of two processes killed, nginx 1.22's consistent hash answered "no live upstreams" to
      every browser whose cookie hashed to the dead one until it was back (`bench/load.py
      --kill-after`), where the plain hash sends them to the live one.
    - Passive health checks: a process that refuses a connection or times out is left out for
      `fail_timeout`, and the request goes to the next one (`proxy_next_upstream`): a browser
      whose process died reconnects to another, where its sign-in cookie resumes its session.
    - Websockets (`/_stcore/stream`) are upgraded and kept open for a day.
    """
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in layout.backends
    )
    folder = layout.folder
    return f"""# Written by `python -m serve`; changes are overwritten at the next start.
worker_processes 1;
# Each browser holds a websocket (two descriptors: browser and app process).
worker_rlimit_nofile 10240;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    client_max_body_size 1024m;

    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    map $cookie_{ROUTE_COOKIE} $route {{ "" $request_id; default $cookie_{ROUTE_COOKIE}; }}

    upstream callcoach {{
        hash $route;
{servers}
    }}

    server {{
        listen {layout.host}:{layout.port};
        location / {{
            proxy_pass http://callcoach;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_buffering off;
            add_header Set-Cookie "{ROUTE_COOKIE}=$route; Path=/; HttpOnly; SameSite=Lax" always;
            add_header X-Callcoach-Backend $upstream_addr always;
        }}
    }}
}}
"""
