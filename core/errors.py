"""Errors the core raises for a user to read: each message says what went wrong in plain words."""

__all__ = ["InvalidInput", "NotAllowed", "NotFound", "SignInFailed"]


class NotAllowed(PermissionError):
    """The signed-in user may not see or change this."""


class NotFound(LookupError):
    """The requested record does not exist."""


class InvalidInput(ValueError):
    """A value a user entered cannot be accepted."""


class SignInFailed(Exception):
    """Email and password do not match an active account."""
