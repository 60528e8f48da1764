"""Helpers shared by the `ocop` commands."""

import datetime

from django.core.management.base import CommandError


def cli_date(text: str | None, name: str = "Ngày") -> datetime.date | None:
    """A YYYY-MM-DD option (None when not given); anything else stops the command with exit code 2."""
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{name} «{text}» không hợp lệ: cần dạng YYYY-MM-DD.", returncode=2) from None
