"""Gradio web app of 党建学习助手 (a thin shell over :mod:`bot.pipeline`).

Run ``python app.py`` (binds ``DANGJIAN_HOST``:``DANGJIAN_PORT``, default 127.0.0.1:7860).
API: ``gradio_client.Client(url).predict("党员有哪些权利？", api_name="/ask")`` returns the answer
text followed by its 依据 (citations) as Markdown (and, while the knowledge base is being indexed,
a note saying so); ``/ingest_status`` returns the indexing state as JSON (:meth:`bot.kb.worker.IngestWorker.status`).

The app serves at once; the knowledge base is indexed behind it by one background worker
(:mod:`bot.kb.worker`), regulations first.
"""

from __future__ import annotations

import ipaddress
import os
import sys
import threading
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import gradio as gr  # noqa: E402

from bot.render import (  # noqa: E402
    answer_notice, citation_cards, escape_html, inert_markdown, link_markers, render_markdown)
from bot.guard import InputRejected, RateLimiter, check_question  # noqa: E402
from bot.pipeline import Pipeline, get_pipeline  # noqa: E402
from bot.schema import Answer  # noqa: E402
from bot.ui.common import admit as _admit, checked as _checked, user_of  # noqa: E402
from bot.ui.lecture import build_lecture_tab  # noqa: E402
from bot.ui.quiz import build_quiz_tab  # noqa: E402
from bot.kb.worker import IngestWorker, fallback_kb_dir  # noqa: E402
from bot.ui.kb import banner_text, build_kb_tab, status_for  # noqa: E402
from bot.ui.study import build_branch_tab, build_practice_tab, build_study_api, open_service  # noqa: E402

DOC_TYPES = ["全部", "法规", "案例", "讲稿", "资料"]
EXAMPLES = ["预备党员的预备期是多长时间？", "党员有哪些权利？", "违纪后下落不明的党员怎么处理？", "党章第十条是怎么规定的？"]


_safe = inert_markdown


PANEL_EMPTY = "_提问后，这里显示回答所引用的原文：点回答中的 [n] 打开对应的原文，引用的句子用黄色标出。_"
#: citation cards (bot.render.citation_cards): a card, its highlighted quote, status and file name
CARD_CSS = """
.cite-card{border:1px solid #e8cfc6;border-radius:8px;padding:6px 10px;margin:6px 0;background:#fffaf8}
.cite-card summary{cursor:pointer;line-height:1.6}
.cite-card mark{background:#ffe08a;padding:0 1px}
.cite-text{margin-top:6px;line-height:1.7}
.cite-status-current{color:#1e7b34;font-size:12px}.cite-status-old{color:#999;font-size:12px}
.cite-file{color:#888;font-size:12px;margin-top:4px}
.cite-flash{outline:2px solid #c0392b}
.cite-turn{margin-top:10px;color:#555}
"""
#: a click on [n] in an answer opens its card (and the folded group holding it) and scrolls to it
CARD_JS = """
<script>
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href^="#cite-"]');
  if (!a) return;
  e.preventDefault();
  const card = document.getElementById(a.getAttribute('href').slice(1));
  if (!card) return;
  for (let d = card; d; d = d.parentElement && d.parentElement.closest('details')) d.open = true;
  document.querySelectorAll('.cite-flash').forEach((x) => x.classList.remove('cite-flash'));
  card.classList.add('cite-flash');
  card.scrollIntoView({behavior: 'smooth', block: 'center'});
});
</script>
"""


def sources_markdown(ans: Answer, turn: int = 1, admin: bool = False) -> str:
    """The cited passages of one answer as collapsible cards (:func:`bot.render.citation_cards`), or
    a line saying there is no citation."""
    if not ans.citations:
        return "_本次回答没有引用（知识库中未找到依据）。_" if not ans.grounded else ""
    return citation_cards(ans, turn, show_source=admin)


def sources_panel(groups: list[dict]) -> str:
    """The 引用原文 panel for a conversation: the latest answer's cards, then the cards of every
    earlier answer in one folded group (newest first), so each [n] in the conversation has its card.

    Args:
        groups: ``[{"turn": int, "question": str, "html": str}, …]`` in conversation order.
    """
    if not groups:
        return PANEL_EMPTY
    latest, earlier = groups[-1], groups[-2::-1]
    out = [f'<div class="cite-turn">第 {latest["turn"]} 问：{escape_html(latest["question"])}</div>', latest["html"]]
    if earlier:
        out.append(f"<details class=\"cite-earlier\"><summary>之前 {len(earlier)} 个回答的引用</summary>" + "".join(
            f'<div class="cite-turn">第 {g["turn"]} 问：{escape_html(g["question"])}</div>{g["html"]}' for g in earlier)
            + "</details>")
    return "\n".join(out)


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


def chat_reply(ans: Answer, turn: int | None = None) -> str:
    """The chat bubble: answer, a notice when verification failed or the LLM fell back, 依据 labels.
    With ``turn`` (the answer's number in the conversation) each [n] links to its citation card."""
    reply = inert_markdown(ans.answer, keep_markers=True)  # document text is shown, never run
    if notice := answer_notice(ans):
        reply += "\n\n" + inert_markdown(notice)
    if ans.citations:
        reply += "\n\n**依据：** " + "；".join(f"[{c.n}] {inert_markdown(c.label())}" for c in ans.citations)
    return reply if turn is None else link_markers(reply, turn, {c.n for c in ans.citations})


def build_app(pipeline: Pipeline | None = None, worker: IngestWorker | None = None) -> gr.Blocks:
    """Assemble the Blocks app. ``pipeline`` defaults to the process-wide one; ``worker`` (the
    background indexer that knowledge-base changes go through) to a new, idle one."""
    pipe = pipeline or get_pipeline()
    worker = worker or IngestWorker(pipe)
    limiter = RateLimiter.from_settings(pipe.settings)
    study, study_reason = open_service(pipe)

    def _doc_type(choice: str | None) -> str | None:
        return None if not choice or choice == "全部" else choice

    def ask(question: str, request: gr.Request) -> str:
        """Answer a question from the knowledge base; returns the answer and its 依据 as Markdown."""
        question = _checked(check_question, question, pipe.settings)
        _admit(limiter, "ask", request)
        return worker.with_note(render_markdown(_checked(pipe.ask, question)))

    def chat_api(message: str, history: list[dict] | None = None, request: gr.Request = None) -> str:
        """Multi-turn: answer ``message`` given earlier turns [{"role", "content"}, …]; Markdown."""
        message = _checked(check_question, message, pipe.settings)
        _admit(limiter, "ask", request)
        return worker.with_note(render_markdown(_checked(pipe.ask, message, history=_plain_history(history))))

    def chat_ui(message: str, history: list, doc_type: str, groups: list | None, request: gr.Request = None):
        from bot.kb.admin import role_of

        groups = list(groups or [])
        message = (message or "").strip()
        if not message:
            yield history, "", gr.update(), groups
            return
        try:
            check_question(message, pipe.settings)
            limiter.hit("ask", user_of(request))
        except InputRejected as e:
            shown = message if len(message) <= 200 else message[:200] + "…"
            history = list(history or []) + [{"role": "user", "content": _safe(shown)},
                                             {"role": "assistant", "content": "⚠ " + _safe(str(e))}]
            yield history, "", gr.update(), groups
            return
        earlier = _plain_history(history)
        turn = sum(1 for t in earlier if t["role"] == "user") + 1
        history = list(history or []) + [{"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
        yield history, "", gr.update(), groups
        text = ""
        for item in pipe.ask_stream(message, doc_type=_doc_type(doc_type), history=earlier):
            if isinstance(item, str):
                text += item
                history[-1] = {"role": "assistant", "content": text}
                yield history, "", gr.update(), groups
            else:
                history[-1] = {"role": "assistant", "content": worker.with_note(chat_reply(item, turn))}
                admin = role_of(pipe.settings, getattr(request, "username", None)) == "admin"
                groups = groups + [{"turn": turn, "question": message, "html": sources_markdown(item, turn, admin)}]
                yield history, "", sources_panel(groups), groups

    # files uploaded or generated through the app are deleted from Gradio's cache after two hours
    # (checked every hour), so uploads and exports do not pile up in the temp folder
    with gr.Blocks(title="党建学习助手", delete_cache=(3600, 7200)) as demo:
        gr.Markdown("# 党建学习助手\n依据党章党规回答问题，每个回答都注明出处（《标题》第X条）。知识库中没有依据时会如实说明。")
        banner = gr.Markdown(elem_id="kb-banner")
        timer = gr.Timer(pipe.settings.status_refresh_s)  # the banner and the 知识库 tab's job list
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="ask"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(label="对话", height=480, sanitize_html=True)
                        with gr.Row():
                            box = gr.Textbox(placeholder="输入问题，例如：预备党员的预备期是多长时间？", show_label=False, scale=5,
                                             elem_id="chat-box")
                            send = gr.Button("提问", variant="primary", scale=1)
                        with gr.Row():
                            doc_type = gr.Dropdown(DOC_TYPES, value="全部", label="检索范围", scale=1)
                            clear = gr.Button("清空对话", scale=1)
                        gr.Examples(EXAMPLES, inputs=box, label="示例问题")
                    with gr.Column(scale=2):
                        gr.Markdown("### 引用原文")
                        sources = gr.Markdown(PANEL_EMPTY, elem_id="sources")
                cards = gr.State([])
                chat_in, chat_out = [box, chatbot, doc_type, cards], [chatbot, box, sources, cards]
                send.click(chat_ui, chat_in, chat_out, api_name="chat_ui_send", api_visibility="private")
                box.submit(chat_ui, chat_in, chat_out, api_name="chat_ui_submit", api_visibility="private")
                clear.click(lambda: ([], "", PANEL_EMPTY, []), None, [chatbot, box, sources, cards], api_name="chat_ui_clear",
                            api_visibility="private")
            with gr.Tab("出题"):
                build_quiz_tab(pipe, limiter)
            with gr.Tab("练习", id="practice"):
                weak_buttons, record_view, record_outputs = build_practice_tab(pipe, study, study_reason, limiter)
            with gr.Tab("微党课"):
                build_lecture_tab(pipe, limiter)
            with gr.Tab("知识库（管理员）") as kb_tab:
                build_kb_tab(pipe, worker, timer)
            with gr.Tab("支部学习情况（管理员）", id="branch") as branch_tab:
                build_branch_tab(pipe, study, study_reason)
        build_study_api(pipe, study, study_reason, limiter)

        def show_admin_tabs(request: gr.Request):
            from bot.kb.admin import role_of

            admin = role_of(pipe.settings, getattr(request, "username", None)) == "admin"
            return gr.update(visible=admin), gr.update(visible=admin)

        def is_admin(request: gr.Request | None) -> bool:
            from bot.kb.admin import role_of

            return role_of(pipe.settings, getattr(request, "username", None)) == "admin"

        def kb_banner(request: gr.Request):
            """Indexing progress, a failed job, or the empty state, said on every tab ("" = no banner)."""
            return banner_text(pipe, worker, is_admin(request))

        def ingest_status(request: gr.Request) -> dict:
            """The indexing state as JSON: running, docs_done, docs_total, chars_done, chars_total, eta_s, …
            (bot.kb.worker.IngestWorker.status)."""
            return status_for(worker, is_admin(request))

        demo.load(show_admin_tabs, None, [kb_tab, branch_tab], api_visibility="private")
        demo.load(kb_banner, None, banner, api_visibility="private")
        timer.tick(kb_banner, None, banner, api_visibility="private", concurrency_limit=None, show_progress="hidden")
        demo.load(record_view, None, record_outputs, api_visibility="private")
        for button in weak_buttons:  # "问一问：<question>" opens the 问答 tab and asks it
            button.click(lambda label: (gr.Tabs(selected="ask"), label.split("：", 1)[-1]), button, [tabs, box],
                         api_visibility="private").then(
                chat_ui, chat_in, chat_out, api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.api(chat_api, api_name="chat")
        gr.api(ingest_status, api_name="ingest_status")
    return demo




def _is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (127.0.0.0/8, ::1) or ``localhost``; a host name such as
    ``127.example.org`` is not."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def main() -> None:
    from bot.config import get_settings
    from bot.store.embed import EmbedderError
    from bot.store.index import KnowledgeIndexError

    settings = get_settings()
    source_note = ""
    if settings.ingest_on_start and (fallback := fallback_kb_dir(settings.kb_dir, settings.kb_fallback_dir)):
        source_note = f"{settings.kb_dir}/ 中没有文档，正在索引开发语料 {fallback}"
        print(f"提示：知识库目录 {settings.kb_dir}/ 中没有文档，改为在后台索引开发语料 {fallback}"
              f"（DANGJIAN_KB_FALLBACK_DIR 设为空可关闭）。", flush=True)
        settings = settings.model_copy(update={"kb_dir": fallback})
    try:
        pipe = get_pipeline(settings)
    except (EmbedderError, KnowledgeIndexError) as e:
        sys.exit(f"错误：{e}")
    auth = None
    if settings.users:
        from bot.kb.admin import check_password

        auth = lambda user, password: check_password(settings, user, password)  # noqa: E731
    elif not _is_loopback(settings.host):
        sys.exit(f"错误：应用绑定 {settings.host}（非本机地址）时必须配置登录用户（DANGJIAN_USERS），"
                 "密码哈希可用 `dangjian hash-password` 生成。")
    worker = IngestWorker(pipe, source_note=source_note)
    demo = build_app(pipe, worker)
    threading.Thread(target=pipe.warm_up, name="warm-up", daemon=True).start()
    # chat answers in parallel (4 at a time); generation (quiz, lecture) and knowledge-base changes
    # have their own smaller limits (concurrency_id "generation" and "kb"), so they never block chat
    demo.queue(default_concurrency_limit=4, max_size=200)
    demo.launch(server_name=settings.host, server_port=settings.port, show_error=True, auth=auth,
                auth_message="党建学习助手：请登录", max_file_size=f"{int(settings.max_upload_mb)}mb",
                css=CARD_CSS, head=CARD_JS, prevent_thread_lock=True)
    # the page is served now; the knowledge base is indexed behind it (regulations first)
    if settings.ingest_on_start:
        if Path(settings.kb_dir).is_dir():
            print(f"后台索引知识库 {settings.kb_dir}（法规优先；页面已可使用，进度显示在页面顶部）。", flush=True)
            job = worker.submit_ingest(settings.kb_dir, label=f"启动时索引 {settings.kb_dir}", show_progress=True)

            def announce() -> None:
                job.done.wait()
                print("\n" + (job.result.summary() if job.state == "已完成" else f"后台索引失败：{job.error}"), flush=True)

            threading.Thread(target=announce, name="announce", daemon=True).start()
        else:
            print(f"提示：知识库目录 {settings.kb_dir} 不存在，启动时不索引；可在“知识库（管理员）”标签上传文档。",
                  file=sys.stderr)
    demo.block_thread()


if __name__ == "__main__":
    main()
