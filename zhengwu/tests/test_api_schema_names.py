"""Every schema the API documents has a name of its own.

django-ninja files each pydantic model and enum under its bare class name in
``components.schemas``; two classes with one name silently overwrite each other, and the
document then describes one module's response with another module's fields (issue 15,
finding 7). The walk below finds every class an operation reaches.
"""

from __future__ import annotations

import enum
import typing
from collections import defaultdict

from pydantic import BaseModel

from zhengwu.api import api


def _classes_in(annotation, seen: set) -> typing.Iterator[type]:
    if isinstance(annotation, type) and issubclass(annotation, (BaseModel, enum.Enum)):
        if annotation in seen:
            return
        seen.add(annotation)
        yield annotation
        if issubclass(annotation, BaseModel):
            for field in annotation.model_fields.values():
                yield from _classes_in(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        yield from _classes_in(arg, seen)


def documented_classes() -> dict[str, set[str]]:
    """Schema name → the classes (module.qualname) that claim it, for every operation."""
    names: dict[str, set[str]] = defaultdict(set)
    seen: set = set()
    for router_prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                roots = list(operation.response_models.values()) + list(operation.models)
                for root in roots:
                    for cls in _classes_in(root, seen):
                        names[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    return names


def test_no_two_documented_classes_share_a_schema_name():
    clashes = {name: sorted(owners) for name, owners in documented_classes().items() if len(owners) > 1}

    assert clashes == {}


def test_the_walk_sees_the_models_of_every_app():
    # Guards the test above: a walk that found nothing would pass it vacuously.
    names = documented_classes()

    assert {"ItemDetail", "CaseOut", "StaffLetterOut", "StaffRequestOut", "SearchOut"} <= set(names)
