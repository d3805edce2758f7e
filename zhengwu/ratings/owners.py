"""What the ratings app owns in core's clocks (typed owner references, ``zhengwu.core.owners``)."""

from zhengwu.core.owners import OwnerType

RECTIFICATION = OwnerType("ratings.rectification", "差评整改", prefix="rating")  # key: "rating/<rating pk>"
