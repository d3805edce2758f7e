"""What the letters app owns in core's clocks (typed owner references, ``zhengwu.core.owners``)."""

from zhengwu.core.owners import OwnerType

HOP = OwnerType("letters.hop", "信件办理", prefix="letter")  # one hop's clock; key: "letter/<letter pk>"
