import datetime as dt
import io

from django.utils import timezone

TODAY = timezone.localdate().isoformat()
NEXT_YEAR = (timezone.localdate() + dt.timedelta(days=365)).isoformat()


def csv_bytes(rows, *, header="bh,xm,sfzh,ssxz,je,djrq", encoding="utf-8") -> io.BytesIO:
    text = header + "\n" + "\n".join(rows) + "\n"
    return io.BytesIO(text.encode(encoding))


GOOD_ROWS = [
    "M001,张三,430121199001011234,城关镇,800,2025-01-02",
    "M002,李四,430121198502023456,河口乡,650.5,2025-02-03",
    "M003,王五,430121197703037890,城关镇,700,2025-03-04",
]
