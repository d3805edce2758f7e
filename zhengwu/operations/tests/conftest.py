"""Fixtures for the operations tests."""

from zhengwu.accounts.tests.mfa_helpers import verified_login  # noqa: F401
