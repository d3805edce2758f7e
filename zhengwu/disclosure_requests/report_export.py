"""The yearly report as an Excel workbook (openpyxl) and a PDF (reportlab, CID font STSong-Light).

Both render ``selectors_report.report_document`` in the layout of 国办公开办函〔2021〕30号:
the text sections, the proactive-disclosure tables, the request table with its merged
headers, and the review/litigation table. The PDF uses the same built-in CID font as
the sealed notices (``zhengwu.core.seal.notice_pdf``), so no font file ships and
pdftotext extracts the Chinese text.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from .selectors.report import REVIEW_RESULTS

RESULT_LABELS = list(REVIEW_RESULTS.values()) + ["总计"]


def _proactive_rows(doc) -> list[list]:
    p = doc["figures"]["proactive"]
    rules, normative = p.get("rules") or {}, p.get("normative") or {}

    def n(d, k):
        return d.get(k, 0) if p.get("available") else "—"

    return [
        ["第二十条第(一)项", "", "", ""],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", n(rules, "made"), n(rules, "repealed"), n(rules, "current")],
        ["行政规范性文件", n(normative, "made"), n(normative, "repealed"), n(normative, "current")],
        ["第二十条第(五)项", "", "", ""],
        ["信息内容", "本年处理决定数量", "", ""],
        ["行政许可", p["licensing"], "", ""],
        ["第二十条第(六)项", "", "", ""],
        ["信息内容", "本年处理决定数量", "", ""],
        ["行政处罚", p["penalty"], "", ""],
        ["行政强制", p["coercion"], "", ""],
        ["第二十条第(八)项", "", "", ""],
        ["信息内容", "本年收费金额(单位:万元)", "", ""],
        ["行政事业性收费", p["fees"], "", ""],
    ]


def _request_rows(doc) -> tuple[list[list], list[list]]:
    """Header rows (two) and body rows of the request table, 9 columns."""
    table = doc["figures"]["requests"]
    cols = table["columns"]
    legal = [c["label"] for c in cols if c["legal"]]
    header = [
        ["本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和", "申请人情况", "", "", "", "", "", ""],
        ["", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", *legal, ""],
    ]
    body = []
    for row in table["rows"]:
        label = ("    " * row["level"]) + row["label"]
        if row["cells"] is None:
            body.append([label] + [""] * 7)
        else:
            body.append([label] + list(row["values"]))
    return header, body


def _review_rows(doc) -> list[list]:
    review = doc["figures"]["review"]
    top = ["行政复议", "", "", "", "", "行政诉讼", "", "", "", "", "", "", "", "", ""]
    middle = [""] * 5 + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""]
    labels = RESULT_LABELS * 3
    values = [v for group in review for v in group["values"]]
    return [top, middle, labels, values]


# ------------------------------------------------------------------ Excel


def report_xlsx(doc) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{doc['year']}年度报告"
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 48
    for col in "BCDEFGHIJKLMNO":
        ws.column_dimensions[col].width = 14

    r = 1
    ws.cell(r, 1, doc["title"]).font = Font(bold=True, size=14)
    r += 2

    def text_section(title, body):
        nonlocal r
        ws.cell(r, 1, title).font = bold
        r += 1
        cell = ws.cell(r, 1, body or "(未填写)")
        cell.alignment = wrap
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=9)
        r += 2

    def grid(rows):
        nonlocal r
        for row in rows:
            for j, value in enumerate(row, start=1):
                ws.cell(r, j, value)
            r += 1
        r += 1

    text_section("一、总体情况", doc["overview"])
    ws.cell(r, 1, "二、主动公开政府信息情况").font = bold
    r += 1
    grid(_proactive_rows(doc))
    ws.cell(r, 1, "三、收到和处理政府信息公开申请情况").font = bold
    r += 1
    header, body = _request_rows(doc)
    top = r
    grid(header + body)
    # The form's merged header: 申请人情况 over all, 法人或其他组织 over its five kinds.
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 2, end_column=1)
    ws.merge_cells(start_row=top, start_column=2, end_row=top, end_column=8)
    ws.merge_cells(start_row=top + 1, start_column=2, end_row=top + 2, end_column=2)
    ws.merge_cells(start_row=top + 1, start_column=3, end_row=top + 1, end_column=7)
    ws.merge_cells(start_row=top + 1, start_column=8, end_row=top + 2, end_column=8)
    ws.cell(top, 1).alignment = wrap
    balance = doc["figures"]["requests"]
    ws.cell(r, 1, "勾稽关系校验:" + ("全部列平衡" if balance["balanced"] else "不平衡:" + ";".join(balance["problems"])))
    r += 2
    ws.cell(r, 1, "四、政府信息公开行政复议、行政诉讼情况").font = bold
    r += 1
    grid(_review_rows(doc))
    text_section("五、存在的主要问题及改进情况", doc["problems"])
    text_section("六、其他需要报告的事项", doc["other_matters"])

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ PDF


def report_pdf(doc) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from zhengwu.core.seal.notice_pdf import FONT  # registers the CID font once

    title_style = ParagraphStyle("t", fontName=FONT, fontSize=18, leading=26, alignment=1, wordWrap="CJK")
    h_style = ParagraphStyle("h", fontName=FONT, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4, wordWrap="CJK")
    body_style = ParagraphStyle("b", fontName=FONT, fontSize=10.5, leading=17, firstLineIndent=21, wordWrap="CJK")
    cell_style = ParagraphStyle("c", fontName=FONT, fontSize=7.5, leading=9.5, wordWrap="CJK")

    def para(text, style=body_style):
        return Paragraph(escape(str(text)), style)

    def text_block(body):
        lines = [ln for ln in (body or "").splitlines() if ln.strip()] or ["(未填写)"]
        return [para(ln) for ln in lines]

    def cells(rows):
        return [[para(v, cell_style) if isinstance(v, str) else str(v) for v in row] for row in rows]

    base_style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    story = [para(doc["title"], title_style), Spacer(1, 6 * mm)]
    story += [para("一、总体情况", h_style), *text_block(doc["overview"])]

    story.append(para("二、主动公开政府信息情况", h_style))
    proactive = Table(cells(_proactive_rows(doc)), colWidths=[50 * mm, 40 * mm, 40 * mm, 40 * mm])
    proactive.setStyle(TableStyle(base_style + [
        ("SPAN", (0, i), (-1, i)) for i in (0, 4, 7, 11)
    ] + [("SPAN", (1, i), (-1, i)) for i in (5, 6, 8, 9, 10, 12, 13)]))
    story.append(proactive)

    story.append(para("三、收到和处理政府信息公开申请情况", h_style))
    header, body = _request_rows(doc)
    # Wide enough for the six-character column heads (法律服务机构) on one line.
    widths = [48 * mm] + [18 * mm] * 7
    requests = Table(cells(header + body), colWidths=widths, repeatRows=3)
    requests.setStyle(TableStyle(base_style + [
        ("SPAN", (0, 0), (0, 2)), ("SPAN", (1, 0), (7, 0)), ("SPAN", (1, 1), (1, 2)),
        ("SPAN", (2, 1), (6, 1)), ("SPAN", (7, 1), (7, 2)),
    ]))
    story.append(requests)
    balance = doc["figures"]["requests"]
    story.append(Spacer(1, 2 * mm))
    story.append(para(
        "勾稽关系校验:" + ("各列均满足“本年新收 + 上年结转 = 办理结果总计 + 结转下年度”" if balance["balanced"]
                         else "不平衡:" + ";".join(balance["problems"])), cell_style))

    story.append(para("四、政府信息公开行政复议、行政诉讼情况", h_style))
    review = Table(cells(_review_rows(doc)), colWidths=[11.3 * mm] * 15)
    review.setStyle(TableStyle(base_style + [
        ("SPAN", (0, 0), (4, 1)), ("SPAN", (5, 0), (14, 0)), ("SPAN", (5, 1), (9, 1)), ("SPAN", (10, 1), (14, 1)),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ]))
    story.append(review)
    story += [para("五、存在的主要问题及改进情况", h_style), *text_block(doc["problems"])]
    story += [para("六、其他需要报告的事项", h_style), *text_block(doc["other_matters"])]

    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=doc["title"], creator="zhengwu")
    pdf.build(story)
    return out.getvalue()
