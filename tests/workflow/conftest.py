"""Fixtures for the workflow tests: the bad files and non-calls the qa tests use too."""

from tests.qa.conftest import bad_files, not_calls

__all__ = ["bad_files", "not_calls"]
