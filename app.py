"""Gradio web app of 党建学习助手 (a thin shell over :mod:`bot.pipeline`).

Run ``python app.py`` (binds ``DANGJIAN_HOST``:``DANGJIAN_PORT``, default 127.0.0.1:7860).
API: ``gradio_client.Client(url).predict("党员有哪些权利？", api_name="/ask")`` returns the answer
text followed by its 依据 (citations) as Markdown.
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


def build_app(pipeline: Pipeline | None = None) -> gr.Blocks:
    """Assemble the Blocks app. ``pipeline`` defaults to the process-wide one."""
    pipe = pipeline or get_pipeline()
    limiter = RateLimiter.from_settings(pipe.settings)
    study, study_reason = open_service(pipe)

    def _doc_type(choice: str | None) -> str | None:
        return None if not choice or choice == "全部" else choice

    def ask(question: str, request: gr.Request) -> str:
        """Answer a question from the knowledge base; returns the answer and its 依据 as Markdown."""
        question = _checked(check_question, question, pipe.settings)
        _admit(limiter, "ask", request)
        return render_markdown(_checked(pipe.ask, question))

    def chat_api(message: str, history: list[dict] | None = None, request: gr.Request = None) -> str:
        """Multi-turn: answer ``message`` given earlier turns [{"role", "content"}, …]; Markdown."""
        message = _checked(check_question, message, pipe.settings)
        _admit(limiter, "ask", request)
        return render_markdown(_checked(pipe.ask, message, history=_plain_history(history)))

    def chat_ui(message: str, history: list, doc_type: str, groups: list | None, request: gr.Request = None):
        from bot.kb import role_of

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
                history[-1] = {"role": "assistant", "content": chat_reply(item, turn)}
                admin = role_of(pipe.settings, getattr(request, "username", None)) == "admin"
                groups = groups + [{"turn": turn, "question": message, "html": sources_markdown(item, turn, admin)}]
                yield history, "", sources_panel(groups), groups

    # files uploaded or generated through the app are deleted from Gradio's cache after two hours
    # (checked every hour), so uploads and exports do not pile up in the temp folder
    with gr.Blocks(title="党建学习助手", delete_cache=(3600, 7200)) as demo:
        gr.Markdown("# 党建学习助手\n依据党章党规回答问题，每个回答都注明出处（《标题》第X条）。知识库中没有依据时会如实说明。")
        banner = gr.Markdown(elem_id="kb-banner")
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
                build_kb_tab(pipe)
            with gr.Tab("支部学习情况（管理员）", id="branch") as branch_tab:
                build_branch_tab(pipe, study, study_reason)
        build_study_api(pipe, study, study_reason, limiter)

        def show_admin_tabs(request: gr.Request):
            from bot.kb import role_of

            admin = role_of(pipe.settings, getattr(request, "username", None)) == "admin"
            return gr.update(visible=admin), gr.update(visible=admin)

        def kb_banner(request: gr.Request):
            """The empty state, said on every tab: no document is indexed, and how to add some."""
            from bot.kb import role_of

            if pipe.index.count():  # any chunk indexed (a count, not the per-document stats)
                return ""
            if role_of(pipe.settings, getattr(request, "username", None)) == "admin":
                how = (f"请在“知识库（管理员）”标签上传文档，或把文件放进 `{_safe(str(pipe.settings.kb_dir))}` 后运行 "
                       f"`dangjian ingest {_safe(str(pipe.settings.kb_dir))}`，再刷新本页。")
            else:
                how = "请联系管理员添加党章党规等文档。"
            return (f"⚠ **知识库是空的**：还没有索引任何文档，问答只能回答“知识库中未找到依据”，出题、练习和微党课也无从下手。{how}")

        demo.load(show_admin_tabs, None, [kb_tab, branch_tab], api_visibility="private")
        demo.load(kb_banner, None, banner, api_visibility="private")
        demo.load(record_view, None, record_outputs, api_visibility="private")
        for button in weak_buttons:  # "问一问：<question>" opens the 问答 tab and asks it
            button.click(lambda label: (gr.Tabs(selected="ask"), label.split("：", 1)[-1]), button, [tabs, box],
                         api_visibility="private").then(
                chat_ui, chat_in, chat_out, api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.api(chat_api, api_name="chat")
    return demo


KB_HEADERS = ["标题", "类型", "版本", "状态", "片段数", "来源"]


def build_kb_tab(pipe: Pipeline) -> None:
    """Tab 知识库 (admins): list, upload, delete, status, re-index, retrieval test. Every handler
    checks the caller's role; every change is audited (bot.kb)."""
    from bot import kb
    from bot.schema import STATUSES

    gr.Markdown("上传、删除文档，设置版本状态，重新索引，测试检索。改动即时生效，并记录在审计日志中。只有管理员可以修改知识库。")

    def rows():
        docs = kb.list_documents(pipe)
        return [[d["title"], d["doc_type"], d["version"], d["status"], d["chunks"], d["source"]] for d in docs], \
            gr.update(choices=[(f"{d['title']}（{d['source']}）", d["path"]) for d in docs])

    def guard(request: gr.Request | None, action: str):
        try:
            kb.require_admin(pipe.settings, getattr(request, "username", None), action)
        except kb.PermissionDenied as e:
            raise gr.Error(str(e))
        return getattr(request, "username", None)

    table = gr.Dataframe(headers=KB_HEADERS, interactive=False, wrap=True, label="文档列表", elem_id="kb-table")
    refresh = gr.Button("刷新列表")
    with gr.Row():
        files = gr.File(label="上传文档（可多选，可拖放；.txt .md .docx .pdf .html）", file_count="multiple",
                        file_types=[".txt", ".md", ".docx", ".pdf", ".html", ".htm"], elem_id="kb-upload")
        with gr.Column():
            doc_type = gr.Dropdown(["法规", "案例", "讲稿", "资料"], value="法规", label="文档类型")
            upload_btn = gr.Button("上传并索引", variant="primary", elem_id="kb-upload-btn")
    status_md = gr.Markdown(elem_id="kb-status")
    with gr.Row():
        picked = gr.Dropdown([], label="选择文档", scale=3, allow_custom_value=True)
        new_status = gr.Dropdown(list(STATUSES), value="现行有效", label="状态", scale=1)
    with gr.Row():
        set_btn = gr.Button("设置状态")
        delete_btn = gr.Button("删除文档", variant="stop")
        reindex_btn = gr.Button("全部重新索引")
    with gr.Row():
        query = gr.Textbox(label="检索测试", placeholder="输入问题，查看将被检索到的片段和分数", scale=4)
        test_btn = gr.Button("检索", scale=1)
    results = gr.Dataframe(headers=["排名", "分数", "标题", "条款", "类型", "状态", "片段"], interactive=False, wrap=True)

    def do_upload(paths, dtype, progress=gr.Progress(), request: gr.Request = None):
        user = guard(request, "上传文档")
        if not paths:
            raise gr.Error("请先选择文件")
        too_big = [Path(p).name for p in paths if Path(p).stat().st_size > pipe.settings.max_upload_mb * 2**20]
        if too_big:
            raise gr.Error(f"文件过大（上限 {pipe.settings.max_upload_mb:g} MB）：{'、'.join(too_big)}")
        progress(0.1, desc="保存并索引…")
        try:
            report = kb.upload(pipe, [Path(p) for p in paths], dtype, user)
        except ValueError as e:
            raise gr.Error(str(e))
        finally:
            for p in paths:  # the copy in Gradio's cache is not needed once the file is in the knowledge base
                Path(p).unlink(missing_ok=True)
        msg = f"已索引：新增 {report.added} 篇，更新 {report.updated} 篇，新片段 {report.chunks_added} 个。"
        if report.failed:
            msg += "\n\n" + "\n".join(
                f"- ✗ {_safe(Path(f['file']).name)}：{_safe(f['reason'])}" + ("（已移出知识库，放入隔离区）" if f.get("quarantined") else "")
                for f in report.failed)
        return (msg, *rows())

    def do_delete(path, request: gr.Request = None):
        user = guard(request, "删除文档")
        if not path:
            raise gr.Error("请先选择文档")
        try:
            n = kb.delete(pipe, path, user)
        except ValueError as e:
            raise gr.Error(str(e)) from None
        return (f"已删除 {n} 个片段。", *rows())

    def do_status(path, status, request: gr.Request = None):
        user = guard(request, "修改文档状态")
        if not path:
            raise gr.Error("请先选择文档")
        try:
            kb.set_status(pipe, path, status, user)
        except ValueError as e:
            raise gr.Error(str(e)) from None
        return (f"已设为“{status}”。", *rows())

    def do_reindex(progress=gr.Progress(), request: gr.Request = None):
        user = guard(request, "重新索引")
        report = kb.reindex(pipe, user)
        return (report.summary().replace("\n", "  \n"), *rows())

    def do_test(q):
        hits = _checked(pipe.retrieve, q or "", k=10)
        return [[i, round(r.score, 4), r.chunk.title, r.chunk.article or "", r.chunk.doc_type, r.chunk.status, r.chunk.text[:160]]
                for i, r in enumerate(hits, 1)]

    outs = [status_md, table, picked]
    refresh.click(rows, None, [table, picked], api_name="kb_list")
    upload_btn.click(do_upload, [files, doc_type], outs, api_name="kb_upload", concurrency_limit=1, concurrency_id="kb")
    delete_btn.click(do_delete, [picked], outs, api_name="kb_delete", concurrency_limit=1, concurrency_id="kb")
    set_btn.click(do_status, [picked, new_status], outs, api_name="kb_status", concurrency_limit=1, concurrency_id="kb")
    reindex_btn.click(do_reindex, None, outs, api_name="kb_reindex", concurrency_limit=1, concurrency_id="kb")
    test_btn.click(do_test, [query], results, api_name="kb_retrieve")


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
    from bot.embed import EmbedderError
    from bot.index import KnowledgeIndexError

    try:
        pipe = get_pipeline()
    except (EmbedderError, KnowledgeIndexError) as e:
        sys.exit(f"错误：{e}")
    stats = pipe.stats()
    if stats["chunks"] == 0:
        print(f"提示：索引为空，请先运行 `dangjian ingest {pipe.settings.kb_dir}`。", file=sys.stderr)
    settings = pipe.settings
    auth = None
    if settings.users:
        from bot.kb import check_password

        auth = lambda user, password: check_password(settings, user, password)  # noqa: E731
    elif not _is_loopback(settings.host):
        sys.exit(f"错误：应用绑定 {settings.host}（非本机地址）时必须配置登录用户（DANGJIAN_USERS），"
                 "密码哈希可用 `dangjian hash-password` 生成。")
    demo = build_app(pipe)
    threading.Thread(target=pipe.warm_up, name="warm-up", daemon=True).start()
    # chat answers in parallel (4 at a time); generation (quiz, lecture) and knowledge-base changes
    # have their own smaller limits (concurrency_id "generation" and "kb"), so they never block chat
    demo.queue(default_concurrency_limit=4, max_size=200)
    demo.launch(server_name=settings.host, server_port=settings.port, show_error=True, auth=auth,
                auth_message="党建学习助手：请登录", max_file_size=f"{int(settings.max_upload_mb)}mb",
                css=CARD_CSS, head=CARD_JS)


if __name__ == "__main__":
    main()
