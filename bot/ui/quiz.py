"""The 出题 tab: topic, counts, types, difficulty, scope → preview → xlsx/docx/json downloads."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from bot.guard import RateLimiter, check_count, check_topic
from bot.pipeline import Pipeline
from bot.ui.common import admit as _admit, checked as _checked

QUIZ_HEADERS = ["序号", "题型", "题干", "选项", "答案", "出处", "难度"]


def quiz_rows(items) -> list[list]:
    """Preview table rows for generated items."""
    from bot.quiz import answer_text

    return [[n, it.type, it.stem, "\n".join(f"{k}. {v}" for k, v in it.options.items()), answer_text(it),
             f"《{it.source.title}》{it.source.article or ''}", it.difficulty] for n, it in enumerate(items, 1)]


def build_quiz_tab(pipe: Pipeline, limiter: RateLimiter) -> None:
    """Tab 出题: topic, counts, types, difficulty → preview table → xlsx/docx/json downloads."""
    import json
    import tempfile

    from bot.quiz import export_docx, export_xlsx, generate_quiz

    gr.Markdown("根据党章党规原文自动出题。每道题都附答案、解析和出处，并经过原文校验（答案必须有原文依据，干扰项不能也是正确说法）。")
    with gr.Row():
        topic = gr.Textbox(label="出题主题", placeholder="例如：党员的权利和义务、党的纪律、预备党员", scale=3,
                           elem_id="quiz-topic")
        n = gr.Slider(4, 60, value=12, step=1, label="题目数量", scale=2)
    with gr.Row():
        types = gr.CheckboxGroup(["单选", "多选", "判断", "填空"], value=["单选", "多选", "判断", "填空"], label="题型")
        difficulty = gr.Radio(["易", "中", "难"], value="中", label="难度")
        existing = gr.File(label="已有题库（可选，xlsx/json/txt，用于去重）", file_types=[".xlsx", ".json", ".txt"])
    with gr.Row():
        source = gr.Textbox(label="只从这部法规出题（可选）", placeholder="例如：中国共产党纪律处分条例", scale=3,
                            elem_id="quiz-source")
        articles = gr.Textbox(label="条文范围（可选，需填法规）", placeholder="例如：第八条-第十四条", scale=2,
                              elem_id="quiz-articles")
        seed = gr.Number(label="随机种子（可选，相同种子得到相同题目）", value=None, precision=0, scale=1)
    go = gr.Button("生成题目", variant="primary", elem_id="quiz-go")
    status = gr.Markdown(elem_id="quiz-status")
    table = gr.Dataframe(headers=QUIZ_HEADERS, interactive=False, wrap=True, label="题目预览")
    with gr.Row():
        xlsx = gr.File(label="下载 Excel（考试系统导入格式）", elem_id="quiz-xlsx")
        docx_file = gr.File(label="下载 Word 试卷（含答案解析）")
        json_file = gr.File(label="下载 JSON")

    def run(topic_text, count, type_list, diff, existing_file, source_text=None, article_range=None, seed_value=None,
            progress=gr.Progress(), request: gr.Request = None):
        source_text = (source_text or "").strip() or None
        article_range = (article_range or "").strip() or None
        if source_text and not (topic_text or "").strip():
            topic_text = source_text
        topic_text = _checked(check_topic, topic_text, pipe.settings, "出题主题")
        count = _checked(check_count, count, 1, pipe.settings.max_quiz_items, "题目数量")
        if not type_list:
            raise gr.Error("请至少选择一种题型")
        _admit(limiter, "generation", request)
        stems = None
        if existing_file:
            from bot.quiz import read_bank_stems

            try:
                stems = read_bank_stems(Path(existing_file))
            except ValueError as e:
                raise gr.Error(str(e))
        progress(0.2, desc="检索相关条文并生成候选题…")
        try:
            qs = generate_quiz(pipe, topic_text, n=int(count), types=list(type_list), difficulty=diff, existing=stems,
                               seed=None if seed_value in (None, "") else int(seed_value), source=source_text,
                               articles=article_range)
        except ValueError as e:
            raise gr.Error(str(e)) from None
        if not qs.items:
            raise gr.Error("知识库中没有足够的法规条文来出这个主题的题目，请换一个主题")
        progress(0.8, desc="导出文件…")
        out = Path(tempfile.mkdtemp(prefix="quiz-"))
        export_xlsx(qs.items, out / "题库.xlsx")
        export_docx(qs.items, out / "试卷.docx", title=f"{topic_text}知识竞赛试题")
        (out / "题库.json").write_text(json.dumps(qs.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        msg = f"已生成 **{len(qs.items)}** 题（候选 {qs.candidates} 个，校验未通过而舍弃 {sum(qs.dropped.values())} 个）。"
        if qs.shortfall:
            msg += f"\n\n**题量不足：要求 {qs.shortfall['asked']} 题，只生成 {qs.shortfall['made']} 题。**{qs.shortfall['why']}"
        return msg, quiz_rows(qs.items), str(out / "题库.xlsx"), str(out / "试卷.docx"), str(out / "题库.json")

    go.click(run, [topic, n, types, difficulty, existing, source, articles, seed], [status, table, xlsx, docx_file, json_file],
             api_name="quiz", concurrency_limit=2, concurrency_id="generation")


__all__ = ["QUIZ_HEADERS", "build_quiz_tab", "quiz_rows"]
