"""Workflows that span the domain packages: importing a call runs transcription and auto-QA
(`qa`), assigns lessons for what failed (`training`) and indexes the call for search (`index`),
locally or on Ray workers."""

from workflow.pipeline import ImportPipeline, build_pipeline

__all__ = ["ImportPipeline", "build_pipeline"]
