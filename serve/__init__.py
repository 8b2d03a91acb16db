"""Serving Callcoach from several app processes behind a reverse proxy (`make serve`)."""

from serve.proxy import ProxyLayout, nginx_config
from serve.supervisor import Replica, Supervisor

__all__ = ["ProxyLayout", "Replica", "Supervisor", "nginx_config"]
