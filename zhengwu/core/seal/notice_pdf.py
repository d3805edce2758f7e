"""The PDF notice of a concluded approval (准予行政许可决定书) and its seal appearance.

Drawn with reportlab's built-in CID font STSong-Light, so no font file ships with the
platform: viewers substitute their own Song typeface (Adobe-GB1 collection) and
pdftotext still extracts the Unicode text.

The notice is a tagged PDF (PDF/UA's basics): marked content for every block of text,
a structure tree (Document → H1, P …) that screen readers follow, the language zh-CN and
a title shown in the viewer's title bar. Decoration (the red rule, the footer line) is
marked as artifact. The structure is added before signing, so the seal covers it.

The unsigned notice carries *no* seal: the red seal is drawn only as the appearance of
the signature field that ``signing.pdf_sign`` adds at ``SEAL_BOX``, so a page that
shows a seal always has a signature behind it.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Paragraph

from zhengwu.core.errors import ValidationFailed

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 28 * mm
SEAL_RED = HexColor("#D7000F")
DEFAULT_TITLE = "准予行政许可决定书"

# Official round seals of government departments are 42 mm across.
SEAL_DIAMETER = 42 * mm
_SIGN_BLOCK_RIGHT = PAGE_WIDTH - MARGIN_X - 6 * mm
_SIGN_BLOCK_Y = 62 * mm  # baseline of the department name
_SEAL_CENTRE = (_SIGN_BLOCK_RIGHT - 24 * mm, _SIGN_BLOCK_Y + 2 * mm)
# (x1, y1, x2, y2) on page 1, in PDF points: where the signature field and its seal go.
SEAL_BOX = (
    round(_SEAL_CENTRE[0] - SEAL_DIAMETER / 2, 2),
    round(_SEAL_CENTRE[1] - SEAL_DIAMETER / 2, 2),
    round(_SEAL_CENTRE[0] + SEAL_DIAMETER / 2, 2),
    round(_SEAL_CENTRE[1] + SEAL_DIAMETER / 2, 2),
)
_BODY_BOTTOM = _SIGN_BLOCK_Y + 30 * mm

_BODY_STYLE = ParagraphStyle(
    "body", fontName=FONT, fontSize=14, leading=26, firstLineIndent=28, alignment=TA_JUSTIFY, wordWrap="CJK",
)
_SALUTATION_STYLE = ParagraphStyle("salutation", parent=_BODY_STYLE, firstLineIndent=0)
_FIELD_STYLE = ParagraphStyle("field", parent=_BODY_STYLE, firstLineIndent=0, leading=24, spaceBefore=10)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


LANG = "zh-CN"


class _Tagger:
    """Wrap what the canvas draws in marked content and remember the structure to build."""

    def __init__(self, c: canvas.Canvas):
        self.c = c
        self.elements: list[tuple[str, int]] = []  # (structure type, MCID), in reading order

    def begin(self, tag: str) -> None:
        mcid = len(self.elements)
        self.elements.append((tag, mcid))
        self.c.addLiteral(f"/{tag} <</MCID {mcid}>> BDC")

    def begin_artifact(self) -> None:
        self.c.addLiteral("/Artifact BMC")

    def end(self) -> None:
        self.c.addLiteral("EMC")


def _add_structure(pdf: bytes, elements: list[tuple[str, int]], *, title: str) -> bytes:
    """Add the structure tree, /MarkInfo and the viewer's title to a one-page PDF."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    page = writer.pages[0]
    root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    root_ref = writer._add_object(root)
    document = DictionaryObject({
        NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Document"),
        NameObject("/P"): root_ref, NameObject("/Lang"): TextStringObject(LANG),
    })
    document_ref = writer._add_object(document)
    kids = ArrayObject()
    by_mcid = ArrayObject()
    for tag, mcid in elements:
        element = DictionaryObject({
            NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject(f"/{tag}"),
            NameObject("/P"): document_ref, NameObject("/Pg"): page.indirect_reference,
            NameObject("/K"): NumberObject(mcid),
        })
        ref = writer._add_object(element)
        kids.append(ref)
        by_mcid.append(ref)
    document[NameObject("/K")] = kids
    root[NameObject("/K")] = ArrayObject([document_ref])
    root[NameObject("/ParentTree")] = writer._add_object(DictionaryObject({
        NameObject("/Nums"): ArrayObject([NumberObject(0), writer._add_object(by_mcid)]),
    }))
    root[NameObject("/ParentTreeNextKey")] = NumberObject(1)
    page[NameObject("/StructParents")] = NumberObject(0)
    page[NameObject("/Tabs")] = NameObject("/S")
    catalog = writer._root_object
    catalog[NameObject("/StructTreeRoot")] = root_ref
    catalog[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
    catalog[NameObject("/Lang")] = TextStringObject(LANG)
    catalog[NameObject("/ViewerPreferences")] = DictionaryObject({
        NameObject("/DisplayDocTitle"): BooleanObject(True),
    })
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _bold_centred(c: canvas.Canvas, text: str, *, y: float, size: float, colour=None) -> None:
    # CID fonts have no bold face: fill and stroke the glyphs (text render mode 2).
    c.saveState()
    if colour is not None:
        c.setFillColor(colour)
        c.setStrokeColor(colour)
    c.setLineWidth(size / 40)
    text_object = c.beginText()
    text_object.setTextRenderMode(2)
    text_object.setFont(FONT, size)
    width = pdfmetrics.stringWidth(text, FONT, size)
    text_object.setTextOrigin((PAGE_WIDTH - width) / 2, y)
    text_object.textOut(text)
    c.drawText(text_object)
    c.restoreState()


def notice_pdf_render(
    *, title: str, receipt_no: str, applicant_name: str, item_name: str, decision_text: str,
    unit_name: str, issued_on: dt.date,
) -> bytes:
    """Render an unsigned one-page A4 notice; the seal is added by signing it."""
    fields = {"申请人": applicant_name, "事项名称": item_name, "决定内容": decision_text,
              "作出决定的机关": unit_name, "受理编号": receipt_no}
    missing = [label for label, value in fields.items() if not (value or "").strip()]
    if missing:
        raise ValidationFailed(f"决定书缺少:{'、'.join(missing)}", details={"missing": missing})
    title = (title or "").strip() or DEFAULT_TITLE

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1, lang=LANG)
    tags = _Tagger(c)
    document_title = f"{title}({receipt_no})"
    c.setTitle(document_title)
    c.setAuthor(unit_name)
    c.setSubject(item_name)
    c.setCreator("zhengwu")

    # Red letterhead (红头) with the issuing department and the red rule beneath it.
    tags.begin("P")
    _bold_centred(c, unit_name, y=PAGE_HEIGHT - 40 * mm, size=26, colour=SEAL_RED)
    tags.end()
    tags.begin_artifact()
    c.setStrokeColor(SEAL_RED)
    c.setLineWidth(1.6)
    c.line(MARGIN_X - 4 * mm, PAGE_HEIGHT - 47 * mm, PAGE_WIDTH - MARGIN_X + 4 * mm, PAGE_HEIGHT - 47 * mm)
    tags.end()

    tags.begin("H1")
    _bold_centred(c, title, y=PAGE_HEIGHT - 64 * mm, size=22, colour=HexColor("#000000"))
    tags.end()
    tags.begin("P")
    c.setFont(FONT, 12)
    c.setFillColor(HexColor("#000000"))
    c.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 73 * mm, f"受理编号:{receipt_no}")
    tags.end()

    story = [Paragraph(f"{escape(applicant_name.strip())}:", _SALUTATION_STYLE)]
    story += [
        Paragraph(escape(line.strip()), _BODY_STYLE) for line in decision_text.splitlines() if line.strip()
    ]
    story.append(Paragraph(f"事项名称:{escape(item_name.strip())}", _FIELD_STYLE))
    frame_top = PAGE_HEIGHT - 82 * mm
    frame = Frame(
        MARGIN_X, _BODY_BOTTOM, PAGE_WIDTH - 2 * MARGIN_X, frame_top - _BODY_BOTTOM,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0,
    )
    # One paragraph at a time, so each is its own P in the structure tree.
    for paragraph in story:
        tags.begin("P")
        placed = frame.add(paragraph, c)
        tags.end()
        if not placed:
            raise ValidationFailed("决定内容过长,无法在一页决定书内排版,请精简后重试")

    # Issuing department and date, bottom right; the seal will sit across them.
    c.setFont(FONT, 14)
    c.setFillColor(HexColor("#000000"))
    tags.begin("P")
    c.drawRightString(_SIGN_BLOCK_RIGHT, _SIGN_BLOCK_Y, unit_name)
    tags.end()
    tags.begin("P")
    c.drawRightString(_SIGN_BLOCK_RIGHT, _SIGN_BLOCK_Y - 9 * mm, chinese_date(issued_on))
    tags.end()

    tags.begin_artifact()
    c.setStrokeColor(HexColor("#999999"))
    c.setLineWidth(0.5)
    c.line(MARGIN_X, 24 * mm, PAGE_WIDTH - MARGIN_X, 24 * mm)
    tags.end()
    tags.begin("P")
    c.setFont(FONT, 9)
    c.setFillColor(HexColor("#555555"))
    c.drawString(
        MARGIN_X, 19 * mm,
        "本决定书加盖电子印章,与纸质文书具有同等效力。可用 PDF 阅读器查看签名,或凭受理编号在政务服务网核验。",
    )
    tags.end()
    c.showPage()
    c.save()
    return _add_structure(buffer.getvalue(), tags.elements, title=document_title)


def _star(c: canvas.Canvas, cx: float, cy: float, radius: float) -> None:
    path = c.beginPath()
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = math.pi / 2 + i * math.pi / 5
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        if i == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    c.drawPath(path, fill=1, stroke=0)


def seal_appearance_render(*, unit_name: str, caption: str = "电子印章") -> bytes:
    """Draw the round red seal (name on the upper arc, star, caption) as a one-page PDF.

    The page is exactly ``SEAL_DIAMETER`` square so pyHanko can use it as the signature
    field's appearance without scaling.
    """
    size = SEAL_DIAMETER
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(size, size))
    cx = cy = size / 2
    red = Color(SEAL_RED.red, SEAL_RED.green, SEAL_RED.blue, alpha=0.88)
    c.setStrokeColor(red)
    c.setFillColor(red)
    c.setLineWidth(1.2 * mm)
    c.circle(cx, cy, size / 2 - 1.0 * mm, stroke=1, fill=0)
    _star(c, cx, cy, 7 * mm)

    # Unit name along the upper arc, reading left to right, each glyph upright to the rim.
    name = unit_name.strip()
    font_size = 13 if len(name) <= 10 else max(8.5, 13 * 10 / len(name))
    text_radius = size / 2 - 3.2 * mm - font_size * 0.8
    span = min(math.radians(230), math.radians(24) * max(len(name) - 1, 1) * font_size / 13)
    step = span / max(len(name) - 1, 1)
    start = math.pi / 2 + span / 2
    for i, ch in enumerate(name):
        angle = start - i * step if len(name) > 1 else math.pi / 2
        x, y = cx + text_radius * math.cos(angle), cy + text_radius * math.sin(angle)
        c.saveState()
        c.translate(x, y)
        c.rotate(math.degrees(angle) - 90)
        c.setFont(FONT, font_size)
        c.drawCentredString(0, 0, ch)
        c.restoreState()

    c.setFont(FONT, 9)
    c.drawCentredString(cx, cy - 12 * mm, caption)
    c.showPage()
    c.save()
    return buffer.getvalue()
