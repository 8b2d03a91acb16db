"""The demo organisation and its call recordings, loaded by `make run` (idempotent)."""

from demo.load import DEMO_CALLS_DIR, load_demo

__all__ = ["DEMO_CALLS_DIR", "load_demo"]
