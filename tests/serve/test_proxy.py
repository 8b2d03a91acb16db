import subprocess

import pytest

from serve.proxy import ROUTE_COOKIE, ProxyLayout, nginx_config
from serve.supervisor import NGINX


def test_the_proxy_config_spreads_browsers_over_every_process_by_their_route_cookie(tmp_path):
    config = nginx_config(ProxyLayout(port=8501, backends=(8502, 8503, 8504), folder=tmp_path))
    assert "listen 0.0.0.0:8501;" in config  # the floor's browsers are on other machines
    for port in (8502, 8503, 8504):
        assert f"server 127.0.0.1:{port} max_fails=1" in config
    assert "hash $route;" in config
    assert f"map $cookie_{ROUTE_COOKIE} $route" in config
    assert "proxy_set_header Upgrade $http_upgrade;" in config  # Streamlit's websocket
    assert "proxy_next_upstream error timeout" in config  # a dead process is skipped


def test_nginx_accepts_the_config(tmp_path):
    (tmp_path / "nginx.conf").write_text(
        nginx_config(ProxyLayout(port=8501, backends=(8502, 8503), folder=tmp_path))
    )
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / temp).mkdir()
    checked = subprocess.run(
        [NGINX, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_the_cli_refuses_a_silly_replica_count(capsys):
    from serve.__main__ import main

    assert main(["--replicas", "0"]) == 2
    assert "--replicas must be between 1 and 64" in capsys.readouterr().err


@pytest.fixture(autouse=True)
def _nginx_installed():
    import pathlib

    if not pathlib.Path(NGINX).exists():
        pytest.fail("nginx is missing: `make test` installs it (apt-get install nginx)")
