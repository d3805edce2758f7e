"""What the cases app owns in core's clocks and files (typed owner references, ``zhengwu.core.owners``)."""

from zhengwu.core.owners import OwnerType

CASE = OwnerType("cases.case", "办件总时限")  # the whole case's clock and its files; key: case pk
STEP = OwnerType("cases.step", "办件环节", parts=2)  # one step's clock; key: "<case pk>/<step index>"
