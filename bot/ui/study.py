"""The 练习 tab with the study record, the branch view (支部学习情况) and the study API.

Everything personal is keyed by the login name, checked on the server in every handler: a member
reads and changes only their own record; the branch view and other members' records are for
admins. Without a login (no ``DANGJIAN_USERS``) practice works but nothing personal is stored.

API (``gradio_client``, logged in with ``auth=(name, password)``): ``/study_set``, ``/study_answer``,
``/study_wrong_book``, ``/study_progress``, ``/study_branch``, ``/study_export``, ``/study_delete``.
"""

from __future__ import annotations

import html
import json
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import gradio as gr

from bot.guard import InputRejected, RateLimiter, check_count, check_topic
from bot.render import inert_markdown
from bot.study import MODES, BookEntry, StudyService, StudyStore, StudyStoreError, answer_text, branch_xlsx
from bot.ui.common import admit, checked, login_of, user_of

_safe = inert_markdown
WEAK_SLOTS = 3
#: how many keys of a session's earlier sets a new topic set avoids repeating
RECENT_KEYS = 200


def open_service(pipe) -> tuple[StudyService | None, str]:
    """The study service of ``pipe``'s settings, or (None, the reason) when its database cannot be
    opened; the rest of the app keeps working either way."""
    try:
        return StudyService(pipe, StudyStore.from_settings(pipe.settings)), ""
    except StudyStoreError as e:
        return None, str(e)


def short_title(title: str) -> str:
    """A regulation title short enough for a chart axis (``中国共产党纪律处分条例`` → ``纪律处分条例``)."""
    return title.removeprefix("中国共产党").removeprefix("中华人民共和国") or title


def practice_state_of(st: object, user: str) -> dict:
    """The practice state ``st`` if it belongs to ``user`` (:func:`bot.ui.common.user_of`) and has a
    current item. A set is bound to the user who started it: Gradio keys state by session id only, so
    a reused session id of another logged-in user must get nothing of its items.

    Raises:
        InputRejected: no set started, another user's set, or the set is finished (Chinese message).
    """
    if not isinstance(st, dict) or not st.get("keys"):
        raise InputRejected("请先输入主题并点击“开始练习”，或点击“每日一练”")
    if st.get("owner") != user:
        raise InputRejected("这组练习属于另一位用户，请重新开始练习")
    if not 0 <= int(st.get("i", 0)) < len(st["keys"]):
        raise InputRejected("这组练习已经结束，请重新开始练习")
    return st


def book_markdown(entries: list[BookEntry]) -> str:
    """The 错题本 as Markdown grouped by regulation and article: stem, the key, 解析 and the source text."""
    if not entries:
        return "_错题本是空的。答错的题会记在这里；在不同的两天连续答对后移出。_"
    out, last_title, last_article = [f"共 **{len(entries)}** 题。"], None, None
    for e in entries:
        it = e.item
        if it.source_title != last_title:
            out.append(f"\n#### 《{_safe(it.source_title)}》")
            last_title, last_article = it.source_title, None
        if it.source_article != last_article:
            out.append(f"\n**{_safe(it.source_article or '（未注明条款）')}**" +
                       (f" · {_safe(it.source_chapter)}" if it.source_chapter else ""))
            last_article = it.source_article
        out.append(f"- {_safe(it.stem)}  \n  答错 {e.state.wrong} 次 · 正确答案：{_safe(answer_text(it))}  \n"
                   f"  解析：{_safe(it.explanation)}  \n  <details><summary>原文</summary>"
                   f"{html.escape(it.source_quote).replace(chr(10), '<br>')}</details>")
    return "\n".join(out)


def response_text(item, response) -> str:
    """A member's response as they chose it: ``B. 一年`` (单选), ``A. …；C. …`` (多选), the text
    otherwise; "" when nothing was given."""
    if item.type in ("单选", "多选"):
        picked = [str(x).strip()[:1].upper() for x in (response if isinstance(response, list) else [response or ""])]
        return "；".join(f"{k}. {item.options.get(k, '')}" for k in sorted(set(picked)) if k)
    return str(response or "").strip()


def wrong_review_markdown(items: list, responses: dict[str, str]) -> str:
    """The review at the end of a set: every wrong answer with its stem, the member's answer
    (``responses`` by item key, see :func:`response_text`), the right answer, 解析 and 出处."""
    if not items:
        return "#### 本组错题回顾\n\n全部答对，本组没有错题。"
    out = [f"#### 本组错题回顾（{len(items)} 题）"]
    for n, it in enumerate(items, 1):
        where = _safe(it.label()) + (f"（{_safe(it.source_chapter)}）" if it.source_chapter else "")
        out.append(f"\n**{n}. {_safe(it.stem)}**  \n"
                   f"你的答案：{_safe(responses.get(it.key) or '（未作答）')}  \n"
                   f"正确答案：**{_safe(answer_text(it))}**  \n"
                   f"解析：{_safe(it.explanation)}  \n"
                   f"出处：{where}")
    return "\n".join(out)


def progress_frame(rows) -> "pd.DataFrame":  # noqa: F821
    """Chart data: one bar per regulation chapter, stacked 已掌握 (latest answer right) / 未掌握."""
    import pandas as pd

    data = []
    for r in rows:
        label = f"{short_title(r.regulation)}·{r.chapter}" if r.chapter else short_title(r.regulation)
        data.append({"章节": label, "题数": r.mastered, "情况": "已掌握"})
        data.append({"章节": label, "题数": r.seen - r.mastered, "情况": "未掌握"})
    # both series even when empty: the browser fixes the colour legend from the first value it draws
    return pd.DataFrame(data or [{"章节": "（还没有练习）", "题数": 0, "情况": "已掌握"},
                                 {"章节": "（还没有练习）", "题数": 0, "情况": "未掌握"}])


def progress_json(svc: StudyService, member: str) -> dict:
    """Progress per regulation and chapter plus the three weakest articles (API and UI)."""
    rows = svc.store.progress(member)
    weak = svc.store.weakest(member, WEAK_SLOTS)
    return {
        "member": member,
        "chapters": [{"regulation": r.regulation, "chapter": r.chapter, "seen": r.seen, "mastered": r.mastered,
                      "attempts": r.attempts, "right": r.right, "accuracy": round(r.accuracy, 4)} for r in rows],
        "weakest": [{"regulation": w.regulation, "article": w.article, "attempts": w.attempts, "wrong": w.wrong,
                     "accuracy": round(w.accuracy, 4), "question": w.question()} for w in weak],
        "due_today": len(svc.store.due(member)),
    }


def _parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(str(text or "").strip())
    except ValueError:
        raise gr.Error(f"{what}格式不对：{text!r}（应为 2026-12-01 这样的日期）") from None


def build_study_api(pipe, svc: StudyService | None, reason: str, limiter: RateLimiter) -> None:
    """Register the study API endpoints (inside a ``gr.Blocks`` context)."""
    from bot.kb.admin import role_of

    def service() -> StudyService:
        if svc is None:
            raise gr.Error(f"学习记录不可用：{reason}")
        return svc

    def member_of(request: gr.Request | None) -> str:
        name = login_of(request)
        if not name:
            raise gr.Error("请先登录：学习记录按登录用户保存（管理员配置 DANGJIAN_USERS 后即可登录）")
        return name

    def whose(member: str, request: gr.Request | None) -> str:
        """The member whose record is read: oneself, or anyone for an admin."""
        me = member_of(request)
        member = (member or "").strip() or me
        if member != me and role_of(pipe.settings, me) != "admin":
            raise gr.Error("只能查看自己的学习记录")
        return member

    def study_set(mode: str, topic: str = "", n: int = 10, request: gr.Request = None) -> dict:
        """A practice set without answers: mode 练习 (with topic), 每日一练 or 重练错题."""
        s = service()
        count = int(checked(check_count, n, 1, min(60, pipe.settings.max_quiz_items), "题数"))
        admit(limiter, "generation", request)
        if mode == "练习":
            return s.topic_set(checked(check_topic, topic, pipe.settings, "练习主题"), count).public()
        if mode == "每日一练":
            return checked(s.daily_set, member_of(request), count).public()
        if mode == "重练错题":
            return checked(s.wrong_set, member_of(request), count).public()
        raise gr.Error(f"未知的练习方式：{mode}（可选：{'、'.join(MODES)}）")

    def study_answer(key: str, response: str | list[str], mode: str = "练习", request: gr.Request = None) -> dict:
        """Grade one answer; it is recorded for the logged-in member."""
        admit(limiter, "ask", request)
        return checked(service().answer, login_of(request), key, response, mode).to_json()

    def study_wrong_book(member: str = "", request: gr.Request = None) -> dict:
        """The 错题本 of oneself (admins: of ``member``)."""
        who = whose(member, request)
        return {"member": who, "items": [{
            "key": e.item.key, "type": e.item.type, "stem": e.item.stem, "options": e.item.options,
            "regulation": e.item.source_title, "chapter": e.item.source_chapter, "article": e.item.source_article,
            "explanation": e.item.explanation, "quote": e.item.source_quote, "wrong": e.state.wrong,
            "box": e.state.box, "due": e.state.due.isoformat()} for e in service().store.wrong_book(who)]}

    def study_progress(member: str = "", request: gr.Request = None) -> dict:
        """Progress per regulation and chapter, and the three weakest articles."""
        return progress_json(service(), whose(member, request))

    def study_branch(start: str, end: str, request: gr.Request = None) -> dict:
        """Admins: per member and regulation, answers and accuracy from ``start`` to ``end`` (YYYY-MM-DD)."""
        me = member_of(request)
        if role_of(pipe.settings, me) != "admin":
            raise gr.Error("只有管理员可以查看支部学习情况")
        lo, hi = _parse_day(start, "开始日期"), _parse_day(end, "结束日期")
        members = [u for u in pipe.settings.users if role_of(pipe.settings, u) == "member"]
        rows = service().store.branch(lo, hi, members)
        return {"start": lo.isoformat(), "end": hi.isoformat(), "rows": [
            {"member": r.member, "regulation": r.regulation, "attempts": r.attempts, "right": r.right,
             "accuracy": round(r.accuracy, 4), "items": r.items, "days": r.days} for r in rows]}

    def study_export(request: gr.Request = None) -> dict:
        """Everything stored about the logged-in member."""
        return service().store.export_member(member_of(request))

    def study_delete(confirm: bool = False, request: gr.Request = None) -> dict:
        """Delete the logged-in member's answers (``confirm`` must be true)."""
        me = member_of(request)
        if not confirm:
            raise gr.Error("请确认删除（勾选“确认删除我的全部学习记录”）")
        return {"member": me, "deleted": service().store.delete_member(me)}

    gr.api(study_set, api_name="study_set", concurrency_limit=2, concurrency_id="generation")
    gr.api(study_answer, api_name="study_answer")
    gr.api(study_wrong_book, api_name="study_wrong_book")
    gr.api(study_progress, api_name="study_progress")
    gr.api(study_branch, api_name="study_branch")
    gr.api(study_export, api_name="study_export")
    gr.api(study_delete, api_name="study_delete")


def build_practice_tab(pipe, svc: StudyService | None, reason: str, limiter: RateLimiter):
    """Tab 练习: topic sets, 每日一练 and 重练错题, one item at a time with right/wrong, 解析 and 出处;
    a review of the wrong answers at the end; the member's record (progress chart, weakest three
    articles, 错题本, export and delete).

    Returns:
        (weak_buttons, record_view, record_outputs): the "weakest article" buttons, which the caller
        wires to the 问答 tab (each button's label ends with the question to ask), and the handler and
        outputs that refresh the record, which the caller runs when the page loads.
    """
    gr.Markdown("输入主题生成一组练习题，或做“每日一练”（到期复习的题 + 你练得最少的法规中的新题），逐题作答，提交后查看对错、解析和出处。"
                "登录后，每道题的作答都记入你的学习记录：错题本、学习进度。")
    who = gr.Markdown(elem_id="study-who")
    with gr.Row():
        topic = gr.Textbox(label="练习主题", placeholder="例如：党的纪律", scale=3, elem_id="practice-topic")
        n = gr.Slider(4, 30, value=8, step=1, label="题数", scale=1)
        start = gr.Button("开始练习", variant="primary", scale=1, elem_id="practice-start")
    with gr.Row():
        daily = gr.Button("每日一练", elem_id="practice-daily")
        redo = gr.Button("重练错题", elem_id="practice-redo")
    state = gr.State({})
    progress_md = gr.Markdown(elem_id="practice-progress")
    stem = gr.Markdown(elem_id="practice-stem")
    choice = gr.Radio([], label="选择答案", visible=False, elem_id="practice-choice")
    multi = gr.CheckboxGroup([], label="选择所有正确答案", visible=False, elem_id="practice-multi")
    blank = gr.Textbox(label="填写答案", visible=False, elem_id="practice-blank")
    with gr.Row():
        submit = gr.Button("提交答案", visible=False, elem_id="practice-submit")
        nxt = gr.Button("下一题", visible=False, elem_id="practice-next")
    feedback = gr.Markdown(elem_id="practice-feedback")

    with gr.Accordion("我的学习记录", open=True, elem_id="study-record"):
        refresh = gr.Button("刷新我的记录", size="sm", elem_id="study-refresh")
        chart = gr.BarPlot(progress_frame([]), x="章节", y="题数", color="情况", title="学习进度（按法规和章）",
                           color_map={"已掌握": "#c0392b", "未掌握": "#f0b7a4"}, x_label_angle=-30, height=320,
                           elem_id="study-chart")
        weak_md = gr.Markdown(elem_id="study-weak")
        with gr.Row():
            weak_buttons = [gr.Button(visible=False, size="sm", elem_id=f"study-weak-{i}") for i in range(WEAK_SLOTS)]
        gr.Markdown("#### 错题本")
        book = gr.Markdown(elem_id="study-book")
        with gr.Row():
            export_btn = gr.Button("导出我的记录（JSON）", size="sm")
            export_file = gr.File(label="我的学习记录", elem_id="study-export-file")
        with gr.Row():
            sure = gr.Checkbox(label="确认删除我的全部学习记录", value=False)
            delete_btn = gr.Button("删除我的记录", variant="stop", size="sm")

    def require_service() -> StudyService:
        if svc is None:
            raise gr.Error(f"学习记录不可用：{reason}")
        return svc

    def record_view(request: gr.Request = None):
        name = login_of(request)
        if svc is None:
            msg = f"⚠ 学习记录不可用：{_safe(reason)}"
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

    record_outputs = [who, chart, weak_md, *weak_buttons, book]

    def show(st):
        keys, i = st.get("keys", []), st.get("i", 0)
        if i >= len(keys):
            score = st.get("score", 0)
            wrong = st.get("wrong", [])
            items = require_service().store.items(wrong) if wrong else {}
            review = wrong_review_markdown([items[k] for k in wrong if k in items], st.get("responses", {}))
            return (st, f"### 练习结束：得分 {score}/{len(keys)}（{score / max(1, len(keys)):.0%}）", review,
                    gr.update(visible=False, value=None), gr.update(visible=False, value=[]),
                    gr.update(visible=False, value=""), gr.update(visible=False), gr.update(visible=False), "")
        it = require_service().store.items([keys[i]])[keys[i]]
        labels = [f"{k}. {v}" for k, v in it.options.items()]
        return (st, f"{st.get('mode', '练习')} · 第 {i + 1}/{len(keys)} 题 · {it.type} · 已答对 {st.get('score', 0)} 题",
                f"**{_safe(it.stem)}**",
                gr.update(visible=it.type in ("单选", "判断"), choices=labels if it.type == "单选" else ["正确", "错误"], value=None),
                gr.update(visible=it.type == "多选", choices=labels, value=[]),
                gr.update(visible=it.type == "填空", value=""),
                gr.update(visible=True), gr.update(visible=False), "")

    outputs = [state, progress_md, stem, choice, multi, blank, submit, nxt, feedback]

    def own(st, request: gr.Request | None) -> dict:
        try:
            return practice_state_of(st, user_of(request))
        except InputRejected as e:
            raise gr.Error(str(e)) from None

    def recent_of(st, request) -> list[str]:
        """Keys of the items this session's user practised in earlier sets (the latest RECENT_KEYS)."""
        if not isinstance(st, dict) or st.get("owner") != user_of(request):
            return []
        return [str(k) for k in (st.get("recent") or [])][-RECENT_KEYS:]

    def begin_set(practice, request, recent=()):
        if not practice.items:
            raise gr.Error("；".join(practice.notes) or "知识库中没有足够的法规条文来出这个主题的题目")
        keys = [i.key for i in practice.items]
        st = {"keys": keys, "i": 0, "score": 0, "owner": user_of(request), "mode": practice.mode, "wrong": [],
              "responses": {}, "recent": ([k for k in recent if k not in keys] + keys)[-RECENT_KEYS:]}
        if practice.notes:
            gr.Info("；".join(practice.notes))
        return show(st)

    def begin(topic_text, count, st=None, request: gr.Request = None):
        topic_text = checked(check_topic, topic_text, pipe.settings, "练习主题")
        count = checked(check_count, count, 1, min(60, pipe.settings.max_quiz_items), "题数")
        admit(limiter, "generation", request)
        recent = recent_of(st, request)
        return begin_set(require_service().topic_set(topic_text, int(count), avoid=recent), request, recent)

    def begin_daily(st=None, request: gr.Request = None):
        admit(limiter, "generation", request)
        return begin_set(checked(require_service().daily_set, login_of(request)), request, recent_of(st, request))

    def begin_redo(st=None, request: gr.Request = None):
        return begin_set(checked(require_service().wrong_set, login_of(request)), request, recent_of(st, request))

    def check(st, single, many, text, request: gr.Request = None):
        st = own(st, request)
        key = st["keys"][st["i"]]
        it = require_service().store.items([key]).get(key)
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
        fb = checked(require_service().answer, login_of(request), key, response, st.get("mode", "练习"))
        st = {**st, "score": st.get("score", 0) + int(fb.correct),
              "wrong": st.get("wrong", []) + ([] if fb.correct else [key]),
              "responses": {**st.get("responses", {}), key: response_text(it, response)}}
        verdict = "✅ 回答正确" if fb.correct else f"❌ 回答错误，正确答案：{_safe(fb.answer)}"
        text = (f"{verdict}\n\n**解析：** {_safe(fb.explanation)}\n\n**出处：** {_safe(fb.source)}\n\n> {_safe(fb.quote)}")
        if not fb.recorded:
            text += "\n\n_未登录，本题作答未记入学习记录。_"
        return st, gr.update(visible=False), gr.update(visible=True), text

    def advance(st, request: gr.Request = None):
        st = own(st, request)
        return show({**st, "i": st.get("i", 0) + 1})

    def export_mine(request: gr.Request = None):
        name = login_of(request)
        if not name:
            raise gr.Error("请先登录")
        out = Path(tempfile.mkdtemp(prefix="study-")) / "我的学习记录.json"
        out.write_text(json.dumps(require_service().store.export_member(name), ensure_ascii=False, indent=1),
                       encoding="utf-8")
        return str(out)

    def delete_mine(confirm, request: gr.Request = None):
        name = login_of(request)
        if not name:
            raise gr.Error("请先登录")
        if not confirm:
            raise gr.Error("请先勾选“确认删除我的全部学习记录”")
        n_deleted = require_service().store.delete_member(name)
        gr.Info(f"已删除你的 {n_deleted} 条作答记录")
        return (*record_view(request), False)

    start.click(begin, [topic, n, state], outputs, api_visibility="private", concurrency_limit=2, concurrency_id="generation")
    daily.click(begin_daily, [state], outputs, api_visibility="private", concurrency_limit=2, concurrency_id="generation")
    redo.click(begin_redo, [state], outputs, api_visibility="private")
    submit.click(check, [state, choice, multi, blank], [state, submit, nxt, feedback], api_visibility="private")
    nxt.click(advance, [state], outputs, api_visibility="private").then(
        record_view, None, record_outputs, api_visibility="private")
    refresh.click(record_view, None, record_outputs, api_visibility="private")
    export_btn.click(export_mine, None, export_file, api_visibility="private")
    delete_btn.click(delete_mine, [sure], [*record_outputs, sure], api_visibility="private")
    return weak_buttons, record_view, record_outputs


def build_branch_tab(pipe, svc: StudyService | None, reason: str) -> None:
    """Tab 支部学习情况 (admins): per member and regulation, answers and accuracy over a period, a
    chart of each member's accuracy, and the xlsx download. The role is checked in every handler."""
    from bot.kb.admin import role_of

    gr.Markdown("按党员和法规统计一段时间内的练习题数和正确率；没有练习的党员也列出来。可下载 Excel。")
    def today() -> date:
        """Today in the members' time zone (the days answers are counted in), at page load."""
        return datetime.now(ZoneInfo(pipe.settings.study_timezone)).date()

    with gr.Row():
        start = gr.Textbox(value=lambda: (today() - timedelta(days=30)).isoformat(), label="开始日期", scale=1,
                           elem_id="branch-start")
        end = gr.Textbox(value=lambda: today().isoformat(), label="结束日期", scale=1, elem_id="branch-end")
        go = gr.Button("查询", variant="primary", scale=1, elem_id="branch-go")
    summary = gr.Markdown(elem_id="branch-summary")
    chart = gr.BarPlot(None, x="党员", y="答题数", color="法规", title="各党员答题数（按法规）", height=300,
                       elem_id="branch-chart")
    table = gr.Dataframe(headers=["党员", "法规", "答题数", "答对数", "正确率", "练习题目数", "练习天数"],
                         interactive=False, wrap=True, elem_id="branch-table")
    xlsx = gr.File(label="下载 Excel", elem_id="branch-xlsx")

    def run(start_text, end_text, request: gr.Request = None):
        import pandas as pd

        me = login_of(request)
        if role_of(pipe.settings, me) != "admin" or (pipe.settings.users and not me):
            raise gr.Error("只有管理员可以查看支部学习情况")
        if svc is None:
            raise gr.Error(f"学习记录不可用：{reason}")
        lo, hi = _parse_day(start_text, "开始日期"), _parse_day(end_text, "结束日期")
        if hi < lo:
            raise gr.Error("结束日期早于开始日期")
        members = [u for u in pipe.settings.users if role_of(pipe.settings, u) == "member"]
        rows = svc.store.branch(lo, hi, members)
        out = Path(tempfile.mkdtemp(prefix="branch-")) / f"支部学习情况_{lo}_{hi}.xlsx"
        branch_xlsx(rows, out, lo, hi)
        active = {r.member for r in rows if r.attempts}
        everyone = {r.member for r in rows}
        frame = pd.DataFrame([{"党员": r.member, "答题数": r.attempts, "法规": short_title(r.regulation)}
                              for r in rows if r.attempts] or [{"党员": "（无）", "答题数": 0, "法规": ""}])
        text = (f"{lo} 至 {hi}：{len(active)}/{len(everyone)} 人参加练习，共答题 {sum(r.attempts for r in rows)} 次，"
                f"正确率 {sum(r.right for r in rows) / max(1, sum(r.attempts for r in rows)):.0%}。")
        table_rows = [[r.member, r.regulation or "（未练习）", r.attempts, r.right, f"{r.accuracy:.0%}", r.items, r.days]
                      for r in rows]
        return text, frame, table_rows, str(out)

    go.click(run, [start, end], [summary, chart, table, xlsx], api_visibility="private")


__all__ = ["book_markdown", "response_text", "wrong_review_markdown", "build_branch_tab", "build_practice_tab", "build_study_api",
           "open_service", "practice_state_of", "progress_frame", "progress_json", "short_title"]
