"""Call recordings in: audio reading, transcription, PII redaction, metrics, import, scoring."""

from qa.audio import AudioError, AudioInfo, file_sha256, probe_audio
from qa.ingest import (
    CallMetadata,
    FileOutcome,
    IngestOptions,
    IngestSummary,
    collect_audio_files,
    ingest,
    read_metadata_csv,
)
from qa.metrics import CallMetrics, Overtalk, compute_metrics
from qa.redact import find_pii, redact_text, redact_transcript
from qa.scorecard import Criterion, Scorecard, ScorecardError, load_scorecard
from qa.scoring import CriterionResult, EvaluationResult, Evidence, Result, evaluate
from qa.transcribe import TranscribeOptions, Transcriber, get_transcriber
from qa.transcript import Transcript, TranscriptSegment, Word

__all__ = [
    "AudioError",
    "AudioInfo",
    "CallMetadata",
    "CallMetrics",
    "Criterion",
    "CriterionResult",
    "EvaluationResult",
    "Evidence",
    "FileOutcome",
    "IngestOptions",
    "IngestSummary",
    "Overtalk",
    "Result",
    "Scorecard",
    "ScorecardError",
    "TranscribeOptions",
    "Transcriber",
    "Transcript",
    "TranscriptSegment",
    "Word",
    "collect_audio_files",
    "compute_metrics",
    "evaluate",
    "file_sha256",
    "find_pii",
    "get_transcriber",
    "ingest",
    "load_scorecard",
    "probe_audio",
    "read_metadata_csv",
    "redact_text",
    "redact_transcript",
]
