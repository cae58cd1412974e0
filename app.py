"""Gradio web app of 党建学习助手 (a thin shell over :mod:`bot.pipeline`).

Run ``python app.py`` (binds ``DANGJIAN_HOST``:``DANGJIAN_PORT``, default 127.0.0.1:7860).
API: ``gradio_client.Client(url).predict("党员有哪些权利？", api_name="/ask")`` returns the answer
text followed by its 依据 (citations) as Markdown.
"""

from __future__ import annotations

import html
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import gradio as gr  # noqa: E402

from bot.answer import render_markdown  # noqa: E402
from bot.pipeline import Pipeline, get_pipeline  # noqa: E402
from bot.schema import Answer  # noqa: E402

DOC_TYPES = ["全部", "法规", "案例", "讲稿", "资料"]
EXAMPLES = ["预备党员的预备期是多长时间？", "党员有哪些权利？", "违纪后下落不明的党员怎么处理？", "党章第十条是怎么规定的？"]


def _safe(text: str) -> str:
    """Quoted document text as inert Markdown: HTML escaped, Markdown link/image syntax disarmed."""
    return html.escape(text).replace("[", "&#91;").replace("]", "&#93;").replace("\n", "  \n")


def sources_markdown(ans: Answer) -> str:
    """The cited-passages panel: title, article, type, source and the quoted text of each citation."""
    if not ans.citations:
        return "_本次回答没有引用（知识库中未找到依据）。_" if not ans.grounded else ""
    blocks = []
    for c in ans.citations:
        version = f" · {html.escape(c.version)}" if c.version else ""
        blocks.append(
            f"**[{c.n}] 《{html.escape(c.title)}》{html.escape(c.article or '')}**  \n"
            f"<small>{html.escape(c.doc_type)} · {html.escape(c.source)}{version}</small>\n\n"
            f"> {_safe(c.text)}"
        )
    return "\n\n---\n\n".join(blocks)


def _plain_history(history: list | None) -> list[dict]:
    """Chat turns as plain {"role", "content": str} dicts (drops non-text content)."""
    out = []
    for t in history or []:
        if isinstance(t, dict) and t.get("role") in ("user", "assistant"):
            content = t.get("content")
            if isinstance(content, list):  # Gradio may hand back [{"type": "text", "text": ...}]
                content = "".join(x.get("text", "") for x in content if isinstance(x, dict))
            if isinstance(content, str) and content:
                out.append({"role": t["role"], "content": content})
    return out


def chat_reply(ans: Answer) -> str:
    """The chat bubble: answer, a notice when verification failed or the LLM fell back, 依据 labels."""
    reply = ans.answer
    if ans.verified is False:
        reply += "\n\n⚠ **引用核验未通过**：" + "；".join(ans.notes)
    elif ans.mode == "extractive-fallback" and ans.notes:
        reply += "\n\n⚠ " + ans.notes[0]
    if ans.citations:
        reply += "\n\n**依据：** " + "；".join(f"[{c.n}] {c.label()}" for c in ans.citations)
    return reply


def build_app(pipeline: Pipeline | None = None) -> gr.Blocks:
    """Assemble the Blocks app. ``pipeline`` defaults to the process-wide one."""
    pipe = pipeline or get_pipeline()

    def _doc_type(choice: str | None) -> str | None:
        return None if not choice or choice == "全部" else choice

    def ask(question: str) -> str:
        """Answer a question from the knowledge base; returns the answer and its 依据 as Markdown."""
        return render_markdown(pipe.ask(question))

    def chat_api(message: str, history: list[dict] | None = None) -> str:
        """Multi-turn: answer ``message`` given earlier turns [{"role", "content"}, …]; Markdown."""
        return render_markdown(pipe.ask(message, history=_plain_history(history)))

    def chat_ui(message: str, history: list, doc_type: str):
        message = (message or "").strip()
        if not message:
            yield history, "", gr.update()
            return
        earlier = _plain_history(history)
        history = list(history or []) + [{"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
        yield history, "", gr.update()
        text = ""
        for item in pipe.ask_stream(message, doc_type=_doc_type(doc_type), history=earlier):
            if isinstance(item, str):
                text += item
                history[-1] = {"role": "assistant", "content": text}
                yield history, "", gr.update()
            else:
                history[-1] = {"role": "assistant", "content": chat_reply(item)}
                yield history, "", sources_markdown(item)

    with gr.Blocks(title="党建学习助手") as demo:
        gr.Markdown("# 党建学习助手\n依据党章党规回答问题，每个回答都注明出处（《标题》第X条）。知识库中没有依据时会如实说明。")
        with gr.Tab("问答"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="对话", height=480, sanitize_html=True)
                    with gr.Row():
                        box = gr.Textbox(placeholder="输入问题，例如：预备党员的预备期是多长时间？", show_label=False, scale=5)
                        send = gr.Button("提问", variant="primary", scale=1)
                    with gr.Row():
                        doc_type = gr.Dropdown(DOC_TYPES, value="全部", label="检索范围", scale=1)
                        clear = gr.Button("清空对话", scale=1)
                    gr.Examples(EXAMPLES, inputs=box, label="示例问题")
                with gr.Column(scale=2):
                    gr.Markdown("### 引用原文")
                    sources = gr.Markdown("_提问后，这里显示回答所引用的原文。_", elem_id="sources")
            send.click(chat_ui, [box, chatbot, doc_type], [chatbot, box, sources], api_name="chat_ui_send", api_visibility="private")
            box.submit(chat_ui, [box, chatbot, doc_type], [chatbot, box, sources], api_name="chat_ui_submit", api_visibility="private")
            clear.click(lambda: ([], "", "_提问后，这里显示回答所引用的原文。_"), None, [chatbot, box, sources], api_name="chat_ui_clear", api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.api(chat_api, api_name="chat")
    return demo


def main() -> None:
    pipe = get_pipeline()
    stats = pipe.stats()
    if stats["chunks"] == 0:
        print(f"提示：索引为空，请先运行 `dangjian ingest {pipe.settings.kb_dir}`。", file=sys.stderr)
    demo = build_app(pipe)
    demo.queue(default_concurrency_limit=4)
    demo.launch(server_name=pipe.settings.host, server_port=pipe.settings.port, show_error=True)


if __name__ == "__main__":
    main()
