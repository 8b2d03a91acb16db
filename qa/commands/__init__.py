"""Sub-commands of `python -m qa`; each module has `register(subparsers)` and sets `run`."""
