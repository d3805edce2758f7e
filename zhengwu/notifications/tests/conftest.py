from zhengwu.cases.tests.conftest import (  # noqa: F401
    calendar_2026,
    citizen,
    dept,
    item,
    on_2026_09_24,
    staff,
)
