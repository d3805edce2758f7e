"""What the disclosure-request app owns in core's clocks (typed owner references, ``zhengwu.core.owners``)."""

from zhengwu.core.owners import OwnerType

REQUEST = OwnerType("disclosure_requests.request", "依申请公开")  # the reply clock; key: receipt number
