"""Gradio web app of 党建学习助手 (a thin shell over :mod:`bot.pipeline`).

Run ``python app.py`` (binds ``DANGJIAN_HOST``:``DANGJIAN_PORT``, default 127.0.0.1:7860).
API: ``gradio_client.Client(url).predict("党员有哪些权利？", api_name="/ask")`` returns the answer
text followed by its 依据 (citations) as Markdown (and, while the knowledge base is being indexed,
a note saying so); ``/ingest_status`` returns the indexing state as JSON (:meth:`bot.kb_worker.IngestWorker.status`).

The app serves at once; the knowledge base is indexed behind it by one background worker
(:mod:`bot.kb_worker`), regulations first.
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
from bot.guard import InputRejected, RateLimiter, check_count, check_question, check_topic  # noqa: E402
from bot.pipeline import Pipeline, get_pipeline  # noqa: E402
from bot.schema import Answer  # noqa: E402
from bot.ui.common import admit as _admit, checked as _checked, user_of  # noqa: E402
from bot.kb_worker import IngestWorker, fallback_kb_dir  # noqa: E402
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
            from bot.kb import role_of

            admin = role_of(pipe.settings, getattr(request, "username", None)) == "admin"
            return gr.update(visible=admin), gr.update(visible=admin)

        def is_admin(request: gr.Request | None) -> bool:
            from bot.kb import role_of

            return role_of(pipe.settings, getattr(request, "username", None)) == "admin"

        def kb_banner(request: gr.Request):
            """Indexing progress, a failed job, or the empty state, said on every tab ("" = no banner)."""
            return banner_text(pipe, worker, is_admin(request))

        def ingest_status(request: gr.Request) -> dict:
            """The indexing state as JSON: running, docs_done, docs_total, chars_done, chars_total, eta_s, …
            (bot.kb_worker.IngestWorker.status)."""
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


def build_lecture_tab(pipe: Pipeline, limiter: RateLimiter) -> None:
    """Tab 微党课: topic, duration, audience → preview with the timing table → md/docx/pptx downloads."""
    import tempfile

    from bot.lecture import AUDIENCES, draft_lecture, export_docx, export_pptx

    gr.Markdown("根据知识库起草微党课：条文逐字引用并注明出处，案例库中有相关案例时才讲案例，讲稿长度按语速计算；"
                "知识库对主题覆盖不足时会提示（讲稿开头的“注意”）。")
    with gr.Row():
        topic = gr.Textbox(label="主题", placeholder="例如：严守党的纪律、三会一课制度", scale=3)
        minutes = gr.Slider(3, 20, value=8, step=1, label="时长（分钟）", scale=1)
        audience = gr.Dropdown(list(AUDIENCES), value="普通党员", label="听众（可直接输入）", allow_custom_value=True, scale=1)
        rate = gr.Slider(150, 300, value=220, step=10, label="语速（字/分钟）", scale=1)
    go = gr.Button("起草讲稿", variant="primary")
    preview = gr.Markdown()
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
            lec = draft_lecture(pipe, topic_text, minutes=float(mins), audience=aud, rate=int(speed))
        except ValueError as e:
            raise gr.Error(str(e)) from None
        if lec.coverage == "不足":
            gr.Warning(f"知识库对“{topic_text}”覆盖不足（覆盖率 {lec.coverage_score:.2f}），讲稿可能偏离主题，请补充资料或换一个主题。")
        out = Path(tempfile.mkdtemp(prefix="lecture-"))
        (out / "微党课.md").write_text(lec.to_markdown(), encoding="utf-8")
        export_docx(lec, out / "微党课.docx")
        export_pptx(lec, out / "微党课.pptx")
        return escape_html(lec.to_markdown()).replace("&gt; ", "> ").replace("&quot;", '"'), \
            str(out / "微党课.md"), str(out / "微党课.docx"), str(out / "微党课.pptx")

    go.click(run, [topic, minutes, audience, rate], [preview, md_file, docx_file, pptx_file], api_name="lecture",
             concurrency_limit=2, concurrency_id="generation")


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
    from bot.embed import EmbedderError
    from bot.index import KnowledgeIndexError

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
        from bot.kb import check_password

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
