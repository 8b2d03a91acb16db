"""The speech model and the auto-QA scorer, loaded once per app process."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from qa.autoqa import AutoQA, configured_judge
from qa.learning import learned_recalibrations
from qa.transcribe import TranscribeOptions, Transcriber, get_transcriber
from ui.resources import app_settings, db_engine

__all__ = ["auto_qa", "transcriber"]


@st.cache_resource(show_spinner="Loading the speech model...")
def _transcriber(model: str, cpu_threads: int, options: TranscribeOptions) -> Transcriber:
    return get_transcriber(model, cpu_threads, options)


def transcriber() -> Transcriber:
    """The configured Whisper transcriber (setting WHISPER_MODEL, limits from the settings)."""
    settings = app_settings()
    return _transcriber(
        settings.whisper_model, settings.cpu_threads, TranscribeOptions.from_settings(settings)
    )


@st.cache_resource(show_spinner="Loading the auto-QA scorer...")
def _auto_qa(embedding_model: str, qa_judge: str) -> AutoQA:
    return AutoQA(embedding_model=embedding_model, judge=configured_judge(app_settings()))


def auto_qa() -> AutoQA:
    """The auto-QA scorer (each call against its team's scorecard), with the configured
    embedding model and judge (QA_JUDGE), and confidences learned from the calls reviewed so
    far (LEARN_FROM_REVIEWS)."""
    settings = app_settings()
    scorer = _auto_qa(settings.embedding_model, settings.qa_judge)
    if not settings.learn_from_reviews:
        return scorer
    with Session(db_engine()) as session:
        return scorer.with_recalibrations(learned_recalibrations(session=session))
