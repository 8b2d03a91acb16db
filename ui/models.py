"""The speech model, loaded once per app process."""

from __future__ import annotations

import streamlit as st

from qa.transcribe import Transcriber, get_transcriber
from ui.resources import app_settings

__all__ = ["transcriber"]


@st.cache_resource(show_spinner="Loading the speech model...")
def _transcriber(model: str, cpu_threads: int) -> Transcriber:
    return get_transcriber(model, cpu_threads)


def transcriber() -> Transcriber:
    """The configured Whisper transcriber (setting WHISPER_MODEL)."""
    settings = app_settings()
    return _transcriber(settings.whisper_model, settings.cpu_threads)
