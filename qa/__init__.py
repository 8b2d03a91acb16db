"""Call recordings in: audio reading, import, transcription and scoring."""

from qa.audio import AudioError, AudioInfo, file_sha256, probe_audio
from qa.ingest import CallMetadata, Registration, read_metadata_csv, register_recording

__all__ = [
    "AudioError",
    "AudioInfo",
    "CallMetadata",
    "Registration",
    "file_sha256",
    "probe_audio",
    "read_metadata_csv",
    "register_recording",
]
