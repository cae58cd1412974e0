"""Tab 知识库（管理员） and the banner above every tab: indexing progress, a failed job, or the empty state.

Every change to the knowledge base (upload, delete, status, re-index) is a job of the app's one
background worker (:class:`bot.kb.worker.IngestWorker`): a handler queues it, waits up to
``settings.kb_job_wait_s`` for it, and answers with its result, or says it is queued; the tab's
job list (refreshed by a ``gr.Timer``) shows every job's state and result.
"""

from __future__ import annotations

import time
from pathlib import Path

import gradio as gr

from bot.kb.worker import IngestWorker, Job
from bot.render import inert_markdown
from bot.ui.common import checked

KB_HEADERS = ["标题", "类型", "版本", "状态", "片段数", "来源"]


def duration(seconds: float) -> str:
    """A rough Chinese duration of ``seconds``: ``不到 1 分钟``, ``约 12 分钟``, ``约 1 小时 5 分钟``."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return "不到 1 分钟"
    if minutes < 60:
        return f"约 {minutes} 分钟"
    return f"约 {minutes // 60} 小时 {minutes % 60} 分钟"


def chars(n: int) -> str:
    """Characters in Chinese units: ``8,000 字``, ``12.3 万字``."""
    return f"{n:,} 字" if n < 10000 else f"{n / 10000:.1f} 万字"


def banner_text(pipe, worker: IngestWorker, admin: bool) -> str:
    """The Markdown shown above every tab: indexing progress while a job runs or waits (documents and
    characters done, time left, whether the regulations are searchable yet), else the last job's
    failure, else the empty state (with how an admin adds documents), else "" (no banner)."""
    s = worker.status()
    source = f"（{inert_markdown(s['source'])}）" if s["source"] else ""
    queued = f"另有 {s['queued']} 个任务排队。" if s["queued"] else ""
    if s["running"]:
        if s["stage"] != "向量化":
            return f"**知识库正在后台索引**{source}：正在读取和切分文档…… {queued}"
        left = f"预计还需{duration(s['eta_s'])}" if s["eta_s"] is not None else "正在估算剩余时间"
        done = (f"已完成 {s['docs_done']}/{s['docs_total']} 篇，{chars(s['chars_done'])}/{chars(s['chars_total'])}"
                f"（向量化），{left}。")
        regs = s["regulations"]
        if regs and s["searchable"] >= regs:
            first = f"{regs} 篇法规已全部可检索，其余文档陆续加入。"
        elif regs:
            first = f"法规优先：正在索引法规（{min(s['docs_done'], regs)}/{regs}）。"
        else:
            first = ""
        return (f"**知识库正在后台索引**{source}：{done}{first}{queued}"
                "索引完成前，回答可能缺少尚未索引的文档。")
    if s["error"]:
        if admin:
            return (f"⚠ **最近一次知识库任务失败**：{inert_markdown(s['error'])}（见“知识库（管理员）”标签的任务列表）。"
                    "应用照常运行，已索引的文档仍可检索。")
        return "⚠ 知识库最近一次更新失败，已索引的文档仍可检索；请联系管理员。"
    if pipe.index.count() == 0:  # any chunk indexed (a count, not the per-document stats)
        kb_dir = inert_markdown(str(pipe.settings.kb_dir))
        if admin:
            how = (f"请在“知识库（管理员）”标签上传文档，或把文件放进 `{kb_dir}` 后运行 "
                   f"`dangjian ingest {kb_dir}`（或重启应用，启动时会在后台索引该目录），再刷新本页。")
        else:
            how = "请联系管理员添加党章党规等文档。"
        return f"⚠ **知识库是空的**：还没有索引任何文档，问答只能回答“知识库中未找到依据”，出题、练习和微党课也无从下手。{how}"
    return ""


def status_for(worker: IngestWorker, admin: bool) -> dict:
    """:meth:`IngestWorker.status` for the ``/ingest_status`` API; a member gets no error text or file names."""
    s = worker.status()
    if not admin:
        s = {**s, "error": "任务失败" if s["error"] else "", "failed_files": [], "job": "索引" if s["job"] else ""}
    return s


def jobs_markdown(worker: IngestWorker) -> str:
    """The job list of the 知识库 tab, newest first (Markdown)."""
    jobs = worker.jobs()
    if not jobs:
        return "_还没有索引任务。_"
    lines = ["**索引任务**（最新在前）"]
    for j in jobs:
        when = time.strftime("%H:%M:%S", time.localtime(j.submitted))
        lines.append(f"- #{j.id} {inert_markdown(j.label)}（{when}）：{inert_markdown(j.summary())}")
    return "\n".join(lines)


def report_text(report) -> str:
    """An upload's IngestReport as Markdown: what was indexed, and each failed file with its reason."""
    msg = f"已索引：新增 {report.added} 篇，更新 {report.updated} 篇，新片段 {report.chunks_added} 个。"
    if report.failed:
        msg += "\n\n" + "\n".join(
            f"- ✗ {inert_markdown(Path(f['file']).name)}：{inert_markdown(f['reason'])}"
            + ("（已移出知识库，放入隔离区）" if f.get("quarantined") else "") for f in report.failed)
    return msg


class KbTab:
    """The components and handlers of the 知识库 tab (built inside a ``gr.Tab`` by :func:`build_kb_tab`).
    Every handler checks the caller's role; every change goes through ``pipe.admin`` (role check and
    audit, :class:`bot.pipeline.KnowledgeAdmin`) as a job of ``worker``."""

    def __init__(self, pipe, worker: IngestWorker):
        self.pipe, self.worker = pipe, worker

    def layout(self) -> None:
        from bot.schema import STATUSES

        gr.Markdown("上传、删除文档，设置版本状态，重新索引，测试检索。改动在后台依次执行（见下方“索引任务”），完成后即时生效，"
                    "并记录在审计日志中。只有管理员可以修改知识库。")
        self.table = gr.Dataframe(headers=KB_HEADERS, interactive=False, wrap=True, label="文档列表", elem_id="kb-table")
        self.refresh = gr.Button("刷新列表")
        with gr.Row():
            self.files = gr.File(label="上传文档（可多选，可拖放；.txt .md .docx .pdf .html）", file_count="multiple",
                                 file_types=[".txt", ".md", ".docx", ".pdf", ".html", ".htm"], elem_id="kb-upload")
            with gr.Column():
                self.doc_type = gr.Dropdown(["法规", "案例", "讲稿", "资料"], value="法规", label="文档类型")
                self.upload_btn = gr.Button("上传并索引", variant="primary", elem_id="kb-upload-btn")
        self.status_md = gr.Markdown(elem_id="kb-status")
        self.jobs_md = gr.Markdown(elem_id="kb-jobs")
        with gr.Row():
            self.picked = gr.Dropdown([], label="选择文档", scale=3, allow_custom_value=True)
            self.new_status = gr.Dropdown(list(STATUSES), value="现行有效", label="状态", scale=1)
        with gr.Row():
            self.set_btn = gr.Button("设置状态")
            self.delete_btn = gr.Button("删除文档", variant="stop")
            self.reindex_btn = gr.Button("全部重新索引")
        with gr.Row():
            self.query = gr.Textbox(label="检索测试", placeholder="输入问题，查看将被检索到的片段和分数", scale=4)
            self.test_btn = gr.Button("检索", scale=1)
        self.results = gr.Dataframe(headers=["排名", "分数", "标题", "条款", "类型", "状态", "片段"], interactive=False,
                                    wrap=True)
        self.seen = gr.State(0)  # finished jobs when the document list was last drawn

    def wire(self, timer: gr.Timer | None) -> None:
        outs = [self.status_md, self.table, self.picked]
        self.refresh.click(self.rows, None, [self.table, self.picked], api_name="kb_list")
        self.upload_btn.click(self.do_upload, [self.files, self.doc_type], outs, api_name="kb_upload",
                              concurrency_limit=1, concurrency_id="kb")
        self.delete_btn.click(self.do_delete, [self.picked], outs, api_name="kb_delete", concurrency_limit=1,
                              concurrency_id="kb")
        self.set_btn.click(self.do_status, [self.picked, self.new_status], outs, api_name="kb_status",
                           concurrency_limit=1, concurrency_id="kb")
        self.reindex_btn.click(self.do_reindex, None, outs, api_name="kb_reindex", concurrency_limit=1,
                               concurrency_id="kb")
        self.test_btn.click(self.do_test, [self.query], self.results, api_name="kb_retrieve")
        timer = timer or gr.Timer(self.pipe.settings.status_refresh_s)
        timer.tick(self.tick, self.seen, [self.jobs_md, self.table, self.picked, self.seen], api_visibility="private",
                   concurrency_limit=None, show_progress="hidden")

    def rows(self):
        docs = self.pipe.admin.documents()
        return [[d["title"], d["doc_type"], d["version"], d["status"], d["chunks"], d["source"]] for d in docs], \
            gr.update(choices=[(f"{d['title']}（{d['source']}）", d["path"]) for d in docs])

    def guard(self, request: gr.Request | None, action: str):
        from bot.kb.admin import PermissionDenied

        try:
            self.pipe.admin.require_admin(getattr(request, "username", None), action)
        except PermissionDenied as e:
            raise gr.Error(str(e))
        return getattr(request, "username", None)

    def outcome(self, job: Job, done_text) -> str:
        """The job's result as ``done_text(result)``, its failure, or that it is queued."""
        if not job.done.wait(self.pipe.settings.kb_job_wait_s):
            return (f"已加入后台任务队列（#{job.id} {inert_markdown(job.label)}）：前面的索引任务完成后执行，"
                    "结果见下方“索引任务”列表。")
        if job.state == "失败":
            return f"✗ 任务失败：{inert_markdown(job.error)}（应用照常运行，知识库保持任务前的状态或部分完成）"
        return done_text(job.result)

    def do_upload(self, paths, dtype, request: gr.Request = None):
        pipe = self.pipe
        user = self.guard(request, "上传文档")
        if not paths:
            raise gr.Error("请先选择文件")
        too_big = [Path(p).name for p in paths if Path(p).stat().st_size > pipe.settings.max_upload_mb * 2**20]
        if too_big:
            raise gr.Error(f"文件过大（上限 {pipe.settings.max_upload_mb:g} MB）：{'、'.join(too_big)}")
        try:
            target, written = pipe.admin.save_uploads([Path(p) for p in paths], dtype, user)
        except ValueError as e:
            raise gr.Error(str(e))
        finally:
            for p in paths:  # the copy in Gradio's cache is not needed once the file is in the knowledge base
                Path(p).unlink(missing_ok=True)
        job = self.worker.submit(f"上传 {'、'.join(p.name for p in written)}",
                                 lambda progress: pipe.admin.index_uploads(target, written, user, tracker=progress))
        return (self.outcome(job, report_text), *self.rows())

    def do_delete(self, path, request: gr.Request = None):
        pipe = self.pipe
        user = self.guard(request, "删除文档")
        if not path:
            raise gr.Error("请先选择文档")
        try:
            pipe.admin.indexed_document(path)
        except ValueError as e:
            raise gr.Error(str(e)) from None
        job = self.worker.submit(f"删除 {path}", lambda _: pipe.admin.delete(path, user))
        return (self.outcome(job, lambda n: f"已删除 {n} 个片段。"), *self.rows())

    def do_status(self, path, status, request: gr.Request = None):
        from bot.schema import STATUSES

        pipe = self.pipe
        user = self.guard(request, "修改文档状态")
        if not path:
            raise gr.Error("请先选择文档")
        if status not in STATUSES:
            raise gr.Error(f"状态只能是：{'、'.join(STATUSES)}")
        try:
            pipe.admin.indexed_document(path)
        except ValueError as e:
            raise gr.Error(str(e)) from None
        job = self.worker.submit(f"设为“{status}”：{path}", lambda _: pipe.admin.set_status(path, status, user))
        return (self.outcome(job, lambda _: f"已设为“{status}”。"), *self.rows())

    def do_reindex(self, request: gr.Request = None):
        user = self.guard(request, "重新索引")
        job = self.worker.submit("全部重新索引", lambda progress: self.pipe.admin.reindex(user, tracker=progress))
        return (self.outcome(job, lambda report: report.summary().replace("\n", "  \n")), *self.rows())

    def do_test(self, q):
        hits = checked(self.pipe.retrieve, q or "", k=10)
        return [[i, round(r.score, 4), r.chunk.title, r.chunk.article or "", r.chunk.doc_type, r.chunk.status, r.chunk.text[:160]]
                for i, r in enumerate(hits, 1)]

    def tick(self, shown: int, request: gr.Request = None):
        """The job list; the document list too when a job has finished since it was last drawn."""
        if self.pipe.admin.role(getattr(request, "username", None)) != "admin":
            return gr.update(), gr.update(), gr.update(), shown
        finished = sum(j.state in ("已完成", "失败") for j in self.worker.jobs())
        if finished == shown:
            return jobs_markdown(self.worker), gr.update(), gr.update(), shown
        return (jobs_markdown(self.worker), *self.rows(), finished)


def build_kb_tab(pipe, worker: IngestWorker, timer: gr.Timer | None = None) -> None:
    """Tab 知识库 (admins): list, upload, delete, status, re-index, retrieval test, and the job list
    (:class:`KbTab`). Every handler checks the caller's role; every change is audited (bot.kb.admin) and
    runs in ``worker``; ``timer`` (default: a new one of ``settings.status_refresh_s``) refreshes the job
    list, and the document list when a job has finished."""
    tab = KbTab(pipe, worker)
    tab.layout()
    tab.wire(timer)


__all__ = ["KB_HEADERS", "KbTab", "banner_text", "build_kb_tab", "chars", "duration", "jobs_markdown", "report_text",
           "status_for"]
