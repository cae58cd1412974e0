"""The study record in the app: the views the 练习 tab (:mod:`bot.ui.practice`) and the branch view
(:mod:`bot.ui.branch`) share, and the study API.

Everything personal is keyed by the login name, checked on the server in every handler: a member
reads and changes only their own record; the branch view and other members' records are for
admins. Without a login (no ``DANGJIAN_USERS``) practice works but nothing personal is stored.

API (``gradio_client``, logged in with ``auth=(name, password)``): ``/study_set``, ``/study_answer``,
``/study_wrong_book``, ``/study_progress``, ``/study_branch``, ``/study_export``, ``/study_delete``.
"""

from __future__ import annotations

import html
from datetime import date

import gradio as gr

from bot.guard import InputRejected, RateLimiter, check_count, check_topic
from bot.render import inert_markdown
from bot.study import MODES, BookEntry, StudyService, StudyStore, StudyStoreError, answer_text
from bot.ui.common import admit, checked, login_of

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


def parse_day(text: str, what: str) -> date:
    """``text`` (YYYY-MM-DD) as a date; a gr.Error naming ``what`` when it is not one."""
    try:
        return date.fromisoformat(str(text or "").strip())
    except ValueError:
        raise gr.Error(f"{what}格式不对：{text!r}（应为 2026-12-01 这样的日期）") from None


def build_study_api(pipe, svc: StudyService | None, reason: str, limiter: RateLimiter) -> None:
    """Register the study API endpoints (inside a ``gr.Blocks`` context): ``/study_set``,
    ``/study_answer`` (:func:`_practice_api`), ``/study_wrong_book``, ``/study_progress``,
    ``/study_branch``, ``/study_export``, ``/study_delete`` (:func:`_record_api`)."""
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

    _practice_api(pipe, service, member_of, limiter)
    _record_api(pipe, service, member_of, whose)


def _practice_api(pipe, service, member_of, limiter: RateLimiter) -> None:
    """``/study_set`` and ``/study_answer`` (``service()``: the study service or a gr.Error;
    ``member_of(request)``: the login name or a gr.Error)."""

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

    gr.api(study_set, api_name="study_set", concurrency_limit=2, concurrency_id="generation")
    gr.api(study_answer, api_name="study_answer")


def _record_api(pipe, service, member_of, whose) -> None:
    """``/study_wrong_book``, ``/study_progress``, ``/study_branch``, ``/study_export``, ``/study_delete``
    (``whose(member, request)``: the member whose record may be read, or a gr.Error)."""
    from bot.kb.admin import role_of

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
        lo, hi = parse_day(start, "开始日期"), parse_day(end, "结束日期")
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

    gr.api(study_wrong_book, api_name="study_wrong_book")
    gr.api(study_progress, api_name="study_progress")
    gr.api(study_branch, api_name="study_branch")
    gr.api(study_export, api_name="study_export")
    gr.api(study_delete, api_name="study_delete")


__all__ = ["book_markdown", "response_text", "wrong_review_markdown", "build_study_api",
           "open_service", "parse_day", "practice_state_of", "progress_frame", "progress_json", "short_title"]
