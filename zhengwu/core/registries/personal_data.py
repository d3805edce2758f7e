"""What each app holds about a person, for the download of one's own data (个人信息保护法 art. 45).

An app registers ``exporter(user) -> list[dict]`` (JSON-ready values, only records that
belong to ``user``) with a file name and a Chinese label; the accounts app builds the
download from every registered exporter, so it never imports the apps above it. An
app may also state why its records stay after an account is closed (``retention``).

Closing an account (``accounts.services.privacy.account_close``) also calls each source's
``erase(user) -> int`` inside its transaction: the app keeps the records the law makes it
keep, but replaces the copies of the person's data it took from the account (a name
copied onto a request, a contact phone) with ``CLOSED_MARKER`` or nothing, and answers how
many records it changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


# What stands where a closed account's name was (the account itself reads 已注销用户<id>).
CLOSED_MARKER = "已注销用户"


@dataclass(frozen=True)
class PersonalDataSource:
    key: str
    label: str
    exporter: Callable[[object], list[dict]]
    retention: str = ""
    order: int = 100
    erase: Callable[[object], int] | None = None


_sources: dict[str, PersonalDataSource] = {}


def register_personal_data_source(key: str, label: str, exporter, *, retention: str = "", order: int = 100,
                                  erase: Callable[[object], int] | None = None) -> None:
    _sources[key] = PersonalDataSource(key=key, label=label, exporter=exporter, retention=retention, order=order,
                                       erase=erase)


def personal_data_sources() -> list[PersonalDataSource]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.key))
