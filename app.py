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

from bot.guard import RateLimiter  # noqa: E402
from bot.pipeline import Pipeline, get_pipeline  # noqa: E402
from bot.kb.worker import IngestWorker, fallback_kb_dir  # noqa: E402
from bot.ui.ask import (  # noqa: E402,F401  (chat_reply, sources_markdown, sources_panel: the app's public helpers)
    CARD_CSS, CARD_JS, build_ask_api, build_ask_tab, chat_reply, sources_markdown, sources_panel)
from bot.ui.kb import banner_text, build_kb_tab, status_for  # noqa: E402
from bot.ui.lecture import build_lecture_tab  # noqa: E402
from bot.ui.quiz import build_quiz_tab  # noqa: E402
from bot.ui.branch import build_branch_tab  # noqa: E402
from bot.ui.practice import build_practice_tab  # noqa: E402
from bot.ui.study import build_study_api, open_service  # noqa: E402


def build_app(pipeline: Pipeline | None = None, worker: IngestWorker | None = None) -> gr.Blocks:
    """Assemble the Blocks app. ``pipeline`` defaults to the process-wide one; ``worker`` (the
    background indexer that knowledge-base changes go through) to a new, idle one."""
    pipe = pipeline or get_pipeline()
    worker = worker or IngestWorker(pipe)
    limiter = RateLimiter.from_settings(pipe.settings)
    study, study_reason = open_service(pipe)

    def is_admin(request: gr.Request | None) -> bool:
        return pipe.admin.role(getattr(request, "username", None)) == "admin"

    # files uploaded or generated through the app are deleted from Gradio's cache after two hours
    # (checked every hour), so uploads and exports do not pile up in the temp folder
    with gr.Blocks(title="党建学习助手", delete_cache=(3600, 7200)) as demo:
        gr.Markdown("# 党建学习助手\n依据党章党规回答问题，每个回答都注明出处（《标题》第X条）。知识库中没有依据时会如实说明。")
        banner = gr.Markdown(elem_id="kb-banner")
        timer = gr.Timer(pipe.settings.status_refresh_s)  # the banner and the 知识库 tab's job list
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="ask"):
                box, chat_ui, chat_in, chat_out = build_ask_tab(pipe, worker, limiter)
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
            admin = is_admin(request)
            return gr.update(visible=admin), gr.update(visible=admin)

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
        build_ask_api(pipe, worker, limiter)
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


def app_settings():
    """The app's Settings (:func:`bot.config.get_settings`) and the banner's source note: when
    ``kb_dir`` is the default folder and holds no document, the development corpus beside the checkout
    (:func:`bot.kb.worker.fallback_kb_dir`) is indexed instead, and the note says so ("" otherwise)."""
    from bot.config import get_settings

    settings = get_settings()
    source_note = ""
    if settings.ingest_on_start and (fallback := fallback_kb_dir(settings.kb_dir, settings.kb_fallback_dir)):
        source_note = f"{settings.kb_dir}/ 中没有文档，正在索引开发语料 {fallback}"
        print(f"提示：知识库目录 {settings.kb_dir}/ 中没有文档，改为在后台索引开发语料 {fallback}"
              f"（DANGJIAN_KB_FALLBACK_DIR 设为空可关闭）。", flush=True)
        settings = settings.model_copy(update={"kb_dir": fallback})
    return settings, source_note


def login_check(settings):
    """Gradio's ``auth`` callable when accounts are configured, else None; exits with a Chinese message
    when the app would bind a non-loopback address without accounts."""
    if settings.users:
        from bot.kb.admin import check_password

        return lambda user, password: check_password(settings, user, password)
    if not _is_loopback(settings.host):
        sys.exit(f"错误：应用绑定 {settings.host}（非本机地址）时必须配置登录用户（DANGJIAN_USERS），"
                 "密码哈希可用 `dangjian hash-password` 生成。")
    return None


def ingest_on_start(settings, worker: IngestWorker) -> None:
    """Queue the start-up ingest of ``settings.kb_dir`` in ``worker`` (when ``ingest_on_start``) and
    print its summary when it ends; say so when the folder does not exist."""
    if not settings.ingest_on_start:
        return
    if not Path(settings.kb_dir).is_dir():
        print(f"提示：知识库目录 {settings.kb_dir} 不存在，启动时不索引；可在“知识库（管理员）”标签上传文档。",
              file=sys.stderr)
        return
    print(f"后台索引知识库 {settings.kb_dir}（法规优先；页面已可使用，进度显示在页面顶部）。", flush=True)
    job = worker.submit_ingest(settings.kb_dir, label=f"启动时索引 {settings.kb_dir}", show_progress=True)

    def announce() -> None:
        job.done.wait()
        print("\n" + (job.result.summary() if job.state == "已完成" else f"后台索引失败：{job.error}"), flush=True)

    threading.Thread(target=announce, name="announce", daemon=True).start()


def main() -> None:
    from bot.store.embed import EmbedderError
    from bot.store.chroma import KnowledgeIndexError

    settings, source_note = app_settings()
    try:
        pipe = get_pipeline(settings)
    except (EmbedderError, KnowledgeIndexError) as e:
        sys.exit(f"错误：{e}")
    auth = login_check(settings)
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
    ingest_on_start(settings, worker)
    demo.block_thread()


if __name__ == "__main__":
    main()
