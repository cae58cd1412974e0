"""The 微党课 tab: topic, duration, audience, speaking rate → preview → md/docx/pptx downloads."""

from __future__ import annotations

import re
from pathlib import Path

import gradio as gr

from bot.guard import RateLimiter, check_count, check_topic
from bot.pipeline import Pipeline
from bot.render import inert_markdown
from bot.ui.common import admit as _admit, checked as _checked


def lecture_preview(lec) -> str:
    """The draft's Markdown (:meth:`bot.lecture.Lecture.to_markdown`: headings, timing table, sections,
    discussion list, one 参考依据 entry per list item) made inert for the preview: document text is
    escaped and cannot form links or HTML (:func:`bot.render.inert_markdown`), citation markers [n] and
    the draft's own block quotes (the 注意 line) stay."""
    return re.sub(r"(?m)^&gt; ", "> ", inert_markdown(lec.to_markdown(), keep_markers=True))


def build_lecture_tab(pipe: Pipeline, limiter: RateLimiter) -> None:
    """Tab 微党课: topic, duration, audience → preview with the timing table → md/docx/pptx downloads."""
    import tempfile

    from bot.lecture import AUDIENCES

    gr.Markdown("根据知识库起草微党课：条文逐字引用并注明出处，案例库中有相关案例时才讲案例，讲稿长度按语速计算；"
                "知识库对主题覆盖不足时会提示（讲稿开头的“注意”）。")
    with gr.Row():
        topic = gr.Textbox(label="主题", placeholder="例如：严守党的纪律、三会一课制度", scale=3, elem_id="lecture-topic")
        minutes = gr.Slider(3, 20, value=8, step=1, label="时长（分钟）", scale=1)
        audience = gr.Dropdown(list(AUDIENCES), value="普通党员", label="听众（可直接输入）", allow_custom_value=True, scale=1)
        rate = gr.Slider(150, 300, value=220, step=10, label="语速（字/分钟）", scale=1)
    go = gr.Button("起草讲稿", variant="primary", elem_id="lecture-go")
    preview = gr.Markdown(elem_id="lecture-preview")
    with gr.Row():
        md_file = gr.File(label="下载 Markdown")
        docx_file = gr.File(label="下载 Word")
        pptx_file = gr.File(label="下载 PPT")

    def run(topic_text, mins, aud, speed, progress=gr.Progress(), request: gr.Request = None):
        topic_text = _checked(check_topic, topic_text, pipe.settings, "微党课主题")
        mins = _checked(check_count, mins, 1, pipe.settings.max_lecture_minutes, "时长（分钟）")
        speed = _checked(check_count, speed, 100, 400, "语速（字/分钟）")
        _admit(limiter, "generation", request)
        progress(0.3, desc="检索条文和案例，起草讲稿…")
        try:
            lec = pipe.lecture(topic_text, minutes=float(mins), audience=aud, rate=int(speed))
        except ValueError as e:
            raise gr.Error(str(e)) from None
        if lec.coverage == "不足":
            gr.Warning(f"知识库对“{topic_text}”覆盖不足（覆盖率 {lec.coverage_score:.2f}），讲稿可能偏离主题，请补充资料或换一个主题。")
        out = Path(tempfile.mkdtemp(prefix="lecture-"))
        for fmt in ("md", "docx", "pptx"):
            pipe.export(lec, fmt, out / f"微党课.{fmt}")
        return lecture_preview(lec), str(out / "微党课.md"), str(out / "微党课.docx"), str(out / "微党课.pptx")

    go.click(run, [topic, minutes, audience, rate], [preview, md_file, docx_file, pptx_file], api_name="lecture",
             concurrency_limit=2, concurrency_id="generation")


__all__ = ["build_lecture_tab", "lecture_preview"]
