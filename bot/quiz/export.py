"""Quiz banks as files: reading the stems of an existing bank (:func:`read_bank_stems`, so new items do
not repeat them) and writing items as an exam-platform spreadsheet (:func:`export_xlsx`) or a Word
paper with its answer key (:func:`export_docx`)."""

from __future__ import annotations

from pathlib import Path

from bot.quiz.model import LETTERS, TYPES, QuizItem, answer_text


def read_bank_stems(path: Path) -> list[str]:
    """Stems of an existing bank: .xlsx (column 题干), .json ({"items": [...]}) or text, one per line.

    Raises:
        ValueError: the file cannot be read or parsed (message names the file).
    """
    import json

    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            ws = load_workbook(path, read_only=True).active
            rows = list(ws.iter_rows(values_only=True))
            col = list(rows[0]).index("题干") if rows and "题干" in rows[0] else 1
            return [str(r[col]) for r in rows[1:] if r and r[col]]
        if path.suffix.lower() == ".json":
            return [i["stem"] for i in json.loads(path.read_text(encoding="utf-8")).get("items", [])]
        return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    except (OSError, ValueError, KeyError, IndexError) as e:
        raise ValueError(f"无法读取已有题库 {path}：{e}") from e


#: the common exam-platform import layout
XLSX_COLUMNS = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "答案", "解析", "出处", "难度"]


def export_xlsx(items: list[QuizItem], path: Path) -> None:
    """Write the common exam-platform import layout (columns :data:`XLSX_COLUMNS`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "题库"
    ws.append(XLSX_COLUMNS)
    for c in ws[1]:
        c.font = Font(bold=True)
    for it in items:
        opts = [it.options.get(x, "") for x in LETTERS]
        ws.append([it.type, it.stem, *opts, answer_text(it), it.explanation,
                   f"《{it.source.title}》{it.source.article or ''}", it.difficulty])
    for col, width in zip("ABCDEFGHIJK", (6, 60, 18, 18, 18, 18, 18, 10, 60, 24, 6)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
            if c.data_type == "f":  # text from a document that starts with "=" is text, never a formula
                c.data_type = "s"
    wb.save(path)


def export_docx(items: list[QuizItem], path: Path, title: str = "党章党规知识竞赛试题") -> None:
    """A paper (questions by type) followed by a separate answer key with 解析 and 出处."""
    import docx

    d = docx.Document()
    d.add_heading(title, level=0)
    numbered = list(enumerate(items, start=1))
    for t in TYPES:
        group = [(n, it) for n, it in numbered if it.type == t]
        if not group:
            continue
        d.add_heading(f"{t}题", level=1)
        for n, it in group:
            d.add_paragraph(f"{n}. {it.stem}")
            for letter, text in it.options.items():
                d.add_paragraph(f"{letter}. {text}", style="List Bullet")
    d.add_page_break()
    d.add_heading("参考答案与解析", level=1)
    for n, it in numbered:
        p = d.add_paragraph()
        p.add_run(f"{n}. 答案：{answer_text(it)}").bold = True
        d.add_paragraph(f"解析：{it.explanation}")
        d.add_paragraph(f"出处：《{it.source.title}》{it.source.article or ''}")
    d.save(path)
