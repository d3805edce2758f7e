"""Typed owner references: which object a clock, an alert or a stored file belongs to.

Core's clocks, files and alerts do not know their owners; the rows hold two plain
columns, the owner type (``"cases.step"``) and the owner key (``"42/1"``). An app
declares each kind of thing it owns once, as an ``OwnerType`` constant in its own
``owners.py``, and registers it from ``AppConfig.ready`` with ``register_owner_type``.
Everything else (services starting clocks, supervision's SQL, file rules) takes the
type and the key from that constant instead of spelling the strings again:

* ``CASE.ref(case.pk)`` -> ``OwnerRef`` with ``.type_name == "cases.case"`` and ``.key == "42"``;
* ``STEP.ref(case.pk, 1).key == "42/1"``; ``STEP.parse("42/1") == ("42", "1")``;
* ``STEP.sql_part("a.owner_id", 0)``: SQL for the first part of the key as an integer
  (used where supervision joins alerts to cases inside one statement);
* ``owner_label(type_name)``: the Chinese name of a registered type, for alert lists.

The stored values are the ones used before these types existed, so no data migration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

KEY_SEPARATOR = "/"


@dataclass(frozen=True)
class OwnerType:
    """One kind of owner: ``name`` is the stored type value, keys have ``parts`` parts.

    ``prefix`` is a constant first part some owners put in their keys (a letter hop's
    clock is keyed ``"letter/<pk>"``); it is written by ``key`` and checked by ``parse``.
    """

    name: str
    label: str
    parts: int = 1
    prefix: str = ""

    def key(self, *parts) -> str:
        if len(parts) != self.parts:
            raise ValueError(f"{self.name} keys have {self.parts} part(s), got {parts!r}")
        values = [str(p) for p in parts]
        if any(not v or KEY_SEPARATOR in v for v in values):
            raise ValueError(f"bad {self.name} key part in {parts!r}")
        return KEY_SEPARATOR.join(([self.prefix] if self.prefix else []) + values)

    def ref(self, *parts) -> OwnerRef:
        return OwnerRef(self, self.key(*parts))

    def parse(self, key: str) -> tuple[str, ...]:
        """Split a stored key into its parts; ``ValueError`` when it is not one of this type's keys."""
        values = str(key).split(KEY_SEPARATOR)
        if self.prefix:
            if not values or values[0] != self.prefix:
                raise ValueError(f"{key!r} is not a {self.name} key")
            values = values[1:]
        if len(values) != self.parts or not all(values):
            raise ValueError(f"{key!r} is not a {self.name} key")
        return tuple(values)

    def sql_part(self, column: str, index: int) -> str:
        """SQL reading part ``index`` of the key in ``column`` as an integer (for joins in one statement)."""
        if self.prefix or not 0 <= index < self.parts or self.parts > 2:
            raise ValueError("sql_part reads one of the first two parts of an unprefixed key")
        if self.parts == 1:
            part = column
        elif connection.vendor == "postgresql":
            part = f"split_part({column}, '{KEY_SEPARATOR}', {index + 1})"
        elif index == 0:
            part = f"substr({column}, 1, instr({column}, '{KEY_SEPARATOR}') - 1)"
        else:
            part = f"substr({column}, instr({column}, '{KEY_SEPARATOR}') + 1)"
        return f"CAST({part} AS {'bigint' if connection.vendor == 'postgresql' else 'INTEGER'})"


@dataclass(frozen=True)
class OwnerRef:
    """A typed reference to one owner: its type and its key in that type's format."""

    type: OwnerType
    key: str

    @property
    def type_name(self) -> str:
        return self.type.name

    @property
    def parts(self) -> tuple[str, ...]:
        return self.type.parse(self.key)

    def __str__(self) -> str:
        return f"{self.type.name}#{self.key}"


_types: dict[str, OwnerType] = {}


def register_owner_type(owner_type: OwnerType) -> OwnerType:
    """Declare ``owner_type`` (from the owning app's ``AppConfig.ready``); one declaration per name."""
    known = _types.get(owner_type.name)
    if known is not None and known != owner_type:
        raise ValueError(f"owner type {owner_type.name!r} declared twice, differently")
    _types[owner_type.name] = owner_type
    return owner_type


def owner_type_get(name: str) -> OwnerType | None:
    return _types.get(name)


def owner_label(name: str, default: str = "其他时限") -> str:
    owner_type = _types.get(name)
    return owner_type.label if owner_type is not None else default


def owner_ref_parse(type_name: str, key: str) -> OwnerRef | None:
    """The typed reference for stored (type, key) columns, or None for an unknown type or a malformed key."""
    owner_type = _types.get(type_name)
    if owner_type is None:
        return None
    try:
        owner_type.parse(key)
    except ValueError:
        return None
    return OwnerRef(owner_type, str(key))
