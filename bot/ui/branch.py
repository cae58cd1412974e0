"""The 支部学习情况 tab (admins): per member and regulation, answers and accuracy over a period, a chart
of each member's answers, and the xlsx download. The role is checked in every handler."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import gradio as gr

from bot.study import StudyService, branch_xlsx
from bot.ui.common import login_of
from bot.ui.study import parse_day, short_title


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
        lo, hi = parse_day(start_text, "开始日期"), parse_day(end_text, "结束日期")
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


__all__ = ["build_branch_tab"]
