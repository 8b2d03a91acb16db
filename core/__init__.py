"""Settings, database, people, sign-in, calls, the skill catalogue and the audit trail: the core
every part uses."""

from core.config import ConfigError, Settings, get_settings
from core.errors import InvalidInput, NotAllowed, NotFound, SignInFailed
from core.models import AuditEvent, Call, CallStatus, Role, Segment, Speaker, Team, User, utcnow

__all__ = [
    "AuditEvent",
    "Call",
    "CallStatus",
    "ConfigError",
    "InvalidInput",
    "NotAllowed",
    "NotFound",
    "Role",
    "Segment",
    "Settings",
    "SignInFailed",
    "Speaker",
    "Team",
    "User",
    "get_settings",
    "utcnow",
]
