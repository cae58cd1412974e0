"""Spreadsheet of the branch view (支部学习情况) for organisers, written with openpyxl."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.study.records import BranchRow

BRANCH_COLUMNS = ["党员", "法规", "答题数", "答对数", "正确率", "练习题目数", "练习天数"]


def branch_xlsx(rows: list[BranchRow], path: Path, start: date, end: date) -> Path:
    """Write ``rows`` (see :meth:`bot.study.store.StudyStore.branch`) to ``path`` as one sheet:
    a title line with the period, then :data:`BRANCH_COLUMNS`. Accuracy is a number formatted as a
    percentage; text cells starting with ``=`` stay text. Returns ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "支部学习情况"
    ws.append([f"支部学习情况（{start.isoformat()} 至 {end.isoformat()}）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(BRANCH_COLUMNS)
    for c in ws[2]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([r.member, r.regulation or "（未练习）", r.attempts, r.right, round(r.accuracy, 4), r.items, r.days])
        ws.cell(ws.max_row, 5).number_format = "0.0%"
    for row in ws.iter_rows(min_row=3):
        for c in row:
            if c.data_type == "f":  # a member or title beginning with "=" is text, never a formula
                c.data_type = "s"
    for col, width in zip("ABCDEFG", (14, 36, 8, 8, 8, 10, 8)):
        ws.column_dimensions[col].width = width
    wb.save(path)
    return path
