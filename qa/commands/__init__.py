"""Sub-commands of `python -m qa`; each module has `register(subparsers)` and sets `run`."""

from importlib import import_module

__all__ = ["COMMAND_MODULES", "load_commands"]

# One module per sub-command, in the order `python -m qa --help` lists them.
COMMAND_MODULES = ("transcribe", "ingest", "score", "live")


def load_commands():
    """Import every sub-command module."""
    return [import_module(f"qa.commands.{name}") for name in COMMAND_MODULES]
