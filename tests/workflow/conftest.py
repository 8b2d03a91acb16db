"""Fixtures for the workflow tests: the bad files the qa tests use too."""

from tests.qa.conftest import bad_files

__all__ = ["bad_files"]
