"""Lecture export: a Word document (:func:`export_docx`) and slides (:func:`export_pptx`); the Markdown is
:meth:`bot.lecture.model.Lecture.to_markdown`."""

from __future__ import annotations

import re
from pathlib import Path

from bot.lecture.model import Lecture


def export_docx(lecture: Lecture, path: Path) -> None:
    """Word document: title, timing table, sections with time marks, quotes styled as quotes, references."""
    import docx

    d = docx.Document()
    d.add_heading(lecture.title, level=0)
    d.add_paragraph(f"听众：{lecture.audience}　时长：约 {lecture.minutes:g} 分钟（每分钟 {lecture.rate} 字，全文 {lecture.chars} 字）")
    table = d.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["环节", "计划时长（分钟）", "目标字数", "实际字数", "预计用时（分钟）"]):
        cell.text = text
    for row in lecture.timing_rows():
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = str(value)
    refs = {r.n: r for r in lecture.references}
    for i, s in enumerate(lecture.sections):
        d.add_heading(f"{'一二三四五六'[i]}、{s.name}【约 {s.minutes:.1f} 分钟】", level=1)
        for p in s.paragraphs:
            quote = next(((n, q) for n, q in s.quotes if f"“{q}”[{n}]" in p), None)
            if quote is None:
                d.add_paragraph(p)
                continue
            n, q = quote
            before, after = p.split(f"“{q}”[{n}]", 1)
            if before:
                d.add_paragraph(before)
            d.add_paragraph(f"“{q}”——{refs[n].label() if n in refs else ''}", style="Intense Quote")
            if after:
                d.add_paragraph(after)
    d.add_heading("讨论题", level=1)
    for q in lecture.discussion:
        d.add_paragraph(q, style="List Number")
    d.add_heading("参考依据", level=1)
    for r in lecture.references:
        d.add_paragraph(f"[{r.n}] {r.label()}（{r.doc_type}，{r.source}）")
    d.save(path)


def export_pptx(lecture: Lecture, path: Path) -> None:
    """Slides: a title slide, one slide per section (key points, the cited article; the section's script,
    citation markers removed, in the speaker notes), references."""
    from pptx import Presentation
    from pptx.util import Pt

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = lecture.title
    slide.placeholders[1].text = f"{lecture.audience} · 约 {lecture.minutes:g} 分钟"
    refs = {r.n: r for r in lecture.references}
    for s in lecture.sections:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"{s.name}（{s.minutes:.1f} 分钟）"
        body = slide.placeholders[1].text_frame
        body.clear()
        points = s.points or ([s.paragraphs[0][:40]] if s.paragraphs else [])
        for j, point in enumerate(points[:5]):
            para = body.paragraphs[0] if j == 0 else body.add_paragraph()
            para.text = point
            para.font.size = Pt(18)
        for n, _ in s.quotes[:2]:
            para = body.add_paragraph()
            para.text = f"出处：{refs[n].label()}" if n in refs else ""
            para.font.size = Pt(14)
        slide.notes_slide.notes_text_frame.text = "\n".join(re.sub(r"\[\d+\]", "", p) for p in s.paragraphs)
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "参考依据"
    body = slide.placeholders[1].text_frame
    body.text = "\n".join(f"[{r.n}] {r.label()}" for r in lecture.references) or "（无）"
    prs.save(path)
