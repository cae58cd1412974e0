"""The 练习 tab: topic sets, 每日一练 and 重练错题, one item at a time with right/wrong, 解析 and 出处;
a review of the wrong answers at the end; the member's record (progress chart, weakest three
articles, 错题本, export and delete).

Everything personal is keyed by the login name, checked on the server in every handler (see
:mod:`bot.ui.study`, which holds the views and the study API this tab shares).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import gradio as gr

from bot.guard import InputRejected, RateLimiter, check_count, check_topic
from bot.render import inert_markdown as _safe
from bot.study import StudyService
from bot.ui.common import admit, checked, login_of, user_of
from bot.ui.study import (
    RECENT_KEYS, WEAK_SLOTS, book_markdown, practice_state_of, progress_frame, progress_json, response_text,
    wrong_review_markdown)


class PracticeTab:
    """The components and handlers of the 练习 tab (built inside a ``gr.Tab`` by :func:`build_practice_tab`).
    Handlers are this object's methods; the set being practised lives in a ``gr.State`` dict
    (``keys``, ``i``, ``score``, ``owner``, ``mode``, ``wrong``, ``responses``, ``recent``)."""

    def __init__(self, pipe, svc: StudyService | None, reason: str, limiter: RateLimiter):
        self.pipe, self.svc, self.reason, self.limiter = pipe, svc, reason, limiter

    # ------------------------------------------------------------------ layout
    def layout(self) -> None:
        gr.Markdown("输入主题生成一组练习题，或做“每日一练”（到期复习的题 + 你练得最少的法规中的新题），逐题作答，提交后查看对错、解析和出处。"
                    "登录后，每道题的作答都记入你的学习记录：错题本、学习进度。")
        self.who = gr.Markdown(elem_id="study-who")
        with gr.Row():
            self.topic = gr.Textbox(label="练习主题", placeholder="例如：党的纪律", scale=3, elem_id="practice-topic")
            self.n = gr.Slider(4, 30, value=8, step=1, label="题数", scale=1)
            self.start = gr.Button("开始练习", variant="primary", scale=1, elem_id="practice-start")
        with gr.Row():
            self.daily = gr.Button("每日一练", elem_id="practice-daily")
            self.redo = gr.Button("重练错题", elem_id="practice-redo")
        self.state = gr.State({})
        self.progress_md = gr.Markdown(elem_id="practice-progress")
        self.stem = gr.Markdown(elem_id="practice-stem")
        self.choice = gr.Radio([], label="选择答案", visible=False, elem_id="practice-choice")
        self.multi = gr.CheckboxGroup([], label="选择所有正确答案", visible=False, elem_id="practice-multi")
        self.blank = gr.Textbox(label="填写答案", visible=False, elem_id="practice-blank")
        with gr.Row():
            self.submit = gr.Button("提交答案", visible=False, elem_id="practice-submit")
            self.nxt = gr.Button("下一题", visible=False, elem_id="practice-next")
        self.feedback = gr.Markdown(elem_id="practice-feedback")
        self.record_layout()
        self.record_outputs = [self.who, self.chart, self.weak_md, *self.weak_buttons, self.book]
        self.outputs = [self.state, self.progress_md, self.stem, self.choice, self.multi, self.blank, self.submit,
                        self.nxt, self.feedback]

    def record_layout(self) -> None:
        with gr.Accordion("我的学习记录", open=True, elem_id="study-record"):
            self.refresh = gr.Button("刷新我的记录", size="sm", elem_id="study-refresh")
            self.chart = gr.BarPlot(progress_frame([]), x="章节", y="题数", color="情况", title="学习进度（按法规和章）",
                                    color_map={"已掌握": "#c0392b", "未掌握": "#f0b7a4"}, x_label_angle=-30, height=320,
                                    elem_id="study-chart")
            self.weak_md = gr.Markdown(elem_id="study-weak")
            with gr.Row():
                self.weak_buttons = [gr.Button(visible=False, size="sm", elem_id=f"study-weak-{i}")
                                     for i in range(WEAK_SLOTS)]
            gr.Markdown("#### 错题本")
            self.book = gr.Markdown(elem_id="study-book")
            with gr.Row():
                self.export_btn = gr.Button("导出我的记录（JSON）", size="sm")
                self.export_file = gr.File(label="我的学习记录", elem_id="study-export-file")
            with gr.Row():
                self.sure = gr.Checkbox(label="确认删除我的全部学习记录", value=False)
                self.delete_btn = gr.Button("删除我的记录", variant="stop", size="sm")

    def wire(self) -> None:
        outputs, record_outputs = self.outputs, self.record_outputs
        self.start.click(self.begin, [self.topic, self.n, self.state], outputs, api_visibility="private",
                         concurrency_limit=2, concurrency_id="generation")
        self.daily.click(self.begin_daily, [self.state], outputs, api_visibility="private", concurrency_limit=2,
                         concurrency_id="generation")
        self.redo.click(self.begin_redo, [self.state], outputs, api_visibility="private")
        self.submit.click(self.check, [self.state, self.choice, self.multi, self.blank],
                          [self.state, self.submit, self.nxt, self.feedback], api_visibility="private")
        self.nxt.click(self.advance, [self.state], outputs, api_visibility="private").then(
            self.record_view, None, record_outputs, api_visibility="private")
        self.refresh.click(self.record_view, None, record_outputs, api_visibility="private")
        self.export_btn.click(self.export_mine, None, self.export_file, api_visibility="private")
        self.delete_btn.click(self.delete_mine, [self.sure], [*record_outputs, self.sure], api_visibility="private")

    # ------------------------------------------------------------------ the record
    def require_service(self) -> StudyService:
        if self.svc is None:
            raise gr.Error(f"学习记录不可用：{self.reason}")
        return self.svc

    def record_view(self, request: gr.Request = None):
        svc, name = self.svc, login_of(request)
        if svc is None:
            msg = f"⚠ 学习记录不可用：{_safe(self.reason)}"
        elif not name:
            msg = "_未登录：可以练习，但不保存学习记录。管理员配置登录用户（DANGJIAN_USERS）后，每位党员的错题本和进度会被记住。_"
        else:
            msg = f"当前用户：**{_safe(name)}**（学习记录已开启）"
        if svc is None or not name:
            return (msg, progress_frame([]), "", *[gr.update(visible=False)] * WEAK_SLOTS, book_markdown([]))
        data = progress_json(svc, name)
        rows = svc.store.progress(name)
        seen = sum(r.seen for r in rows)
        weak_lines = ["#### 你最薄弱的三条" if data["weakest"] else "_还没有答错的题，没有薄弱条款。_"]
        for w in data["weakest"]:
            weak_lines.append(f"- 《{_safe(w['regulation'])}》{_safe(w['article'])}：答 {w['attempts']} 次，错 {w['wrong']} 次")
        head = f"已练 **{seen}** 题，已掌握 **{sum(r.mastered for r in rows)}** 题，今天到期复习 **{data['due_today']}** 题。"
        buttons = [gr.update(visible=True, value=f"问一问：{w['question']}") for w in data["weakest"]]
        buttons += [gr.update(visible=False)] * (WEAK_SLOTS - len(buttons))
        return (msg + "  \n" + head, progress_frame(rows), "\n".join(weak_lines), *buttons,
                book_markdown(svc.store.wrong_book(name)))

    def export_mine(self, request: gr.Request = None):
        name = login_of(request)
        if not name:
            raise gr.Error("请先登录")
        out = Path(tempfile.mkdtemp(prefix="study-")) / "我的学习记录.json"
        out.write_text(json.dumps(self.require_service().store.export_member(name), ensure_ascii=False, indent=1),
                       encoding="utf-8")
        return str(out)

    def delete_mine(self, confirm, request: gr.Request = None):
        name = login_of(request)
        if not name:
            raise gr.Error("请先登录")
        if not confirm:
            raise gr.Error("请先勾选“确认删除我的全部学习记录”")
        n_deleted = self.require_service().store.delete_member(name)
        gr.Info(f"已删除你的 {n_deleted} 条作答记录")
        return (*self.record_view(request), False)

    # ------------------------------------------------------------------ a set, item by item
    def show(self, st):
        keys, i = st.get("keys", []), st.get("i", 0)
        if i >= len(keys):
            score = st.get("score", 0)
            wrong = st.get("wrong", [])
            items = self.require_service().store.items(wrong) if wrong else {}
            review = wrong_review_markdown([items[k] for k in wrong if k in items], st.get("responses", {}))
            return (st, f"### 练习结束：得分 {score}/{len(keys)}（{score / max(1, len(keys)):.0%}）", review,
                    gr.update(visible=False, value=None), gr.update(visible=False, value=[]),
                    gr.update(visible=False, value=""), gr.update(visible=False), gr.update(visible=False), "")
        it = self.require_service().store.items([keys[i]])[keys[i]]
        labels = [f"{k}. {v}" for k, v in it.options.items()]
        return (st, f"{st.get('mode', '练习')} · 第 {i + 1}/{len(keys)} 题 · {it.type} · 已答对 {st.get('score', 0)} 题",
                f"**{_safe(it.stem)}**",
                gr.update(visible=it.type in ("单选", "判断"), choices=labels if it.type == "单选" else ["正确", "错误"], value=None),
                gr.update(visible=it.type == "多选", choices=labels, value=[]),
                gr.update(visible=it.type == "填空", value=""),
                gr.update(visible=True), gr.update(visible=False), "")

    def own(self, st, request: gr.Request | None) -> dict:
        try:
            return practice_state_of(st, user_of(request))
        except InputRejected as e:
            raise gr.Error(str(e)) from None

    def recent_of(self, st, request) -> list[str]:
        """Keys of the items this session's user practised in earlier sets (the latest RECENT_KEYS)."""
        if not isinstance(st, dict) or st.get("owner") != user_of(request):
            return []
        return [str(k) for k in (st.get("recent") or [])][-RECENT_KEYS:]

    def begin_set(self, practice, request, recent=()):
        if not practice.items:
            raise gr.Error("；".join(practice.notes) or "知识库中没有足够的法规条文来出这个主题的题目")
        keys = [i.key for i in practice.items]
        st = {"keys": keys, "i": 0, "score": 0, "owner": user_of(request), "mode": practice.mode, "wrong": [],
              "responses": {}, "recent": ([k for k in recent if k not in keys] + keys)[-RECENT_KEYS:]}
        if practice.notes:
            gr.Info("；".join(practice.notes))
        return self.show(st)

    def begin(self, topic_text, count, st=None, request: gr.Request = None):
        topic_text = checked(check_topic, topic_text, self.pipe.settings, "练习主题")
        count = checked(check_count, count, 1, min(60, self.pipe.settings.max_quiz_items), "题数")
        admit(self.limiter, "generation", request)
        recent = self.recent_of(st, request)
        return self.begin_set(self.require_service().topic_set(topic_text, int(count), avoid=recent), request, recent)

    def begin_daily(self, st=None, request: gr.Request = None):
        admit(self.limiter, "generation", request)
        return self.begin_set(checked(self.require_service().daily_set, login_of(request)), request,
                              self.recent_of(st, request))

    def begin_redo(self, st=None, request: gr.Request = None):
        return self.begin_set(checked(self.require_service().wrong_set, login_of(request)), request,
                              self.recent_of(st, request))

    def check(self, st, single, many, text, request: gr.Request = None):
        st = self.own(st, request)
        key = st["keys"][st["i"]]
        it = self.require_service().store.items([key]).get(key)
        if it is None:
            raise gr.Error("题目已失效，请重新开始练习")
        if it.type == "单选":
            response = (single or "")[:1]
        elif it.type == "判断":
            response = single
        elif it.type == "多选":
            response = [m[:1] for m in (many or [])]
        else:
            response = text
        fb = checked(self.require_service().answer, login_of(request), key, response, st.get("mode", "练习"))
        st = {**st, "score": st.get("score", 0) + int(fb.correct),
              "wrong": st.get("wrong", []) + ([] if fb.correct else [key]),
              "responses": {**st.get("responses", {}), key: response_text(it, response)}}
        verdict = "✅ 回答正确" if fb.correct else f"❌ 回答错误，正确答案：{_safe(fb.answer)}"
        text = (f"{verdict}\n\n**解析：** {_safe(fb.explanation)}\n\n**出处：** {_safe(fb.source)}\n\n> {_safe(fb.quote)}")
        if not fb.recorded:
            text += "\n\n_未登录，本题作答未记入学习记录。_"
        return st, gr.update(visible=False), gr.update(visible=True), text

    def advance(self, st, request: gr.Request = None):
        st = self.own(st, request)
        return self.show({**st, "i": st.get("i", 0) + 1})


def build_practice_tab(pipe, svc: StudyService | None, reason: str, limiter: RateLimiter):
    """Tab 练习 (inside a ``gr.Tab``): see :class:`PracticeTab`.

    Returns:
        (weak_buttons, record_view, record_outputs): the "weakest article" buttons, which the caller
        wires to the 问答 tab (each button's label ends with the question to ask), and the handler and
        outputs that refresh the record, which the caller runs when the page loads.
    """
    tab = PracticeTab(pipe, svc, reason, limiter)
    tab.layout()
    tab.wire()
    return tab.weak_buttons, tab.record_view, tab.record_outputs


__all__ = ["PracticeTab", "build_practice_tab"]
