"""The 出题 tab: topic, counts, types, difficulty, scope → a preview of every item → xlsx/docx/json
downloads; and the 组卷 form (a blueprint of :mod:`bot.quiz.paper` filled in on the page) → docx paper,
answer key and xlsx, the same files as ``dangjian paper --blueprint``.

The preview is one card per item (:func:`quiz_cards`): stem, options, the key, 解析 and 出处, all
text escaped and wrapped, so it reads at 1366 px and on a 390 px phone alike.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import gradio as gr

from bot.guard import InputRejected, RateLimiter, check_count, check_topic
from bot.pipeline import Pipeline
from bot.render import escape_html
from bot.ui.common import admit as _admit, checked as _checked

QUIZ_HEADERS = ["序号", "题型", "题干", "选项", "答案", "出处", "难度"]
#: paper form: the types in the order of the paper, with the count and points a form starts with
PAPER_DEFAULTS = {"单选": (10, 1), "多选": (5, 2), "判断": (10, 1), "填空": (5, 2)}
#: the most items one paper may ask for (all sections together)
MAX_PAPER_ITEMS = 200

#: styles of the preview cards (scoped to the preview component by Gradio's css_template)
CARDS_CSS = """
.quiz-cards{display:flex;flex-direction:column;gap:10px;max-width:100%}
.quiz-card{border:1px solid #e8cfc6;border-radius:8px;padding:10px 12px;background:#fffaf8;line-height:1.7;
  overflow-wrap:anywhere;word-break:break-word;box-sizing:border-box;max-width:100%}
.quiz-head{font-size:13px;color:#7a4b3a;margin-bottom:4px}
.quiz-head b{color:#c0392b;font-size:15px;margin-right:4px}
.quiz-stem{font-weight:600;margin-bottom:6px}
.quiz-opts{list-style:none;margin:0 0 6px 0;padding:0}
.quiz-opts li{margin:2px 0;padding:2px 6px;border-radius:4px}
.quiz-opts li.quiz-key{background:#e6f4ea;color:#1e6b34;font-weight:600}
.quiz-answer{color:#1e6b34;font-weight:600}
.quiz-expl,.quiz-src{font-size:14px;color:#444}
.quiz-src{color:#666}
"""


def quiz_rows(items) -> list[list]:
    """Table rows ``[序号, 题型, 题干, 选项, 答案, 出处, 难度]`` (:data:`QUIZ_HEADERS`) for generated items."""
    from bot.quiz import answer_text

    return [[n, it.type, it.stem, "\n".join(f"{k}. {v}" for k, v in it.options.items()), answer_text(it),
             f"《{it.source.title}》{it.source.article or ''}", it.difficulty] for n, it in enumerate(items, 1)]


def _key_letters(item) -> set[str]:
    return set(item.answer) if item.type in ("单选", "多选") and isinstance(item.answer, str) else set()


def quiz_cards(items) -> str:
    """Every item as a card (HTML, every text escaped): 序号 · 题型 · 难度, the stem, the options
    (the right ones marked ✓), 答案, 解析 and 出处 (《标题》第X条). The shortfall of a set is said in
    the status line above the cards."""
    from bot.quiz import answer_text

    cards = []
    for n, it in enumerate(items, 1):
        keys = _key_letters(it)
        opts = "".join(
            f'<li class="quiz-opt{" quiz-key" if k in keys else ""}">{escape_html(k)}. {escape_html(v)}'
            f'{" ✓" if k in keys else ""}</li>' for k, v in it.options.items())
        opts = f'<ul class="quiz-opts">{opts}</ul>' if opts else ""
        answer = answer_text(it)
        if keys:
            answer = "；".join(f"{k}. {it.options.get(k, '')}" for k in it.answer)
        source = f"《{it.source.title}》{it.source.article or ''}"
        cards.append(
            f'<div class="quiz-card" data-n="{n}"><div class="quiz-head"><b>{n}</b>{escape_html(it.type)}题 · 难度 '
            f'{escape_html(it.difficulty)}</div><div class="quiz-stem">{escape_html(it.stem)}</div>{opts}'
            f'<div class="quiz-answer">答案：{escape_html(answer)}</div>'
            f'<div class="quiz-expl">解析：{escape_html(it.explanation)}</div>'
            f'<div class="quiz-src">出处：{escape_html(source)}</div></div>')
    return f'<div class="quiz-cards">{"".join(cards)}</div>'


# ---------------------------------------------------------------------------- 组卷 form
def seed_of(value) -> int | None:
    """The 随机种子 box: None when left empty (a different set each time), else its integer.

    Raises:
        InputRejected: not an integer (Chinese message).
    """
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    try:
        return int(float(text)) if float(text).is_integer() else int(text)
    except ValueError:
        raise InputRejected(f"随机种子必须是整数（收到“{text[:20]}”），留空则每次出不同的题") from None


def _short_title(title: str) -> str:
    return title.removeprefix("中国共产党").removeprefix("中华人民共和国") or title


def parse_cover(text: str, titles: list[str], chapters=None) -> list[dict]:
    """The 出题范围 box of the paper form, one entry per line, as blueprint ``cover`` entries.

    A line is a topic (``发展党员``), a regulation (``中国共产党纪律处分条例`` or ``纪律处分条例``: a
    title of ``titles`` with or without its 中国共产党/中华人民共和国 prefix, 《》 optional), a regulation with an article range (``中国共产党纪律处分条例 第八条-第十四条``)
    or with chapters (``中国共产党章程 第二章``; ``chapters(title, "第二章")`` returns that chapter's
    article numbers).

    Raises:
        InputRejected: no line, or a chapter that the regulation does not have (Chinese message).
    """
    out: list[dict] = []
    for raw in (text or "").splitlines():
        line = raw.strip().strip("，,;；")
        if not line:
            continue
        m = re.match(r"^(?P<name>.+?)[\s：:｜|]+(?P<range>第?[0-9一二三四五六七八九十百零〇两]+[条章].*)$", line)
        name, spec = (m.group("name").strip(), m.group("range").strip()) if m else (line, "")
        bare = name.strip("《》")
        # a regulation when the line names one: its full title, or the title without 中国共产党/中华人民
        # 共和国 (纪律处分条例); a topic that a title merely contains (发展党员) stays a topic
        known = next((t for t in titles if bare and (bare == t or bare == _short_title(t) or t in bare)), None)
        if spec and "章" in spec:
            if known is None:
                raise InputRejected(f"“{line}”：按章出题需要写出法规名称（已收录：{'、'.join(titles) or '无'}）")
            numbers: list[int] = []
            for chapter in re.findall(r"第[0-9一二三四五六七八九十百零〇两]+章", spec):
                got = chapters(known, chapter) if chapters else []
                if not got:
                    raise InputRejected(f"《{known}》中没有找到“{chapter}”的条文")
                numbers += got
            if not numbers:
                raise InputRejected(f"无法识别章节“{spec}”（例：第二章）")
            out.append({"source": known, "articles": ",".join(str(x) for x in sorted(set(numbers)))})
        elif spec:
            out.append({"source": known or bare, "articles": spec})
        elif known:
            out.append({"source": known})
        else:
            out.append({"topic": line})
    if not out:
        raise InputRejected("请填写出题范围：每行一个主题或法规，例如“发展党员”或“中国共产党纪律处分条例 第八条-第十四条”")
    return out


def paper_blueprint(title: str, minutes, counts: dict[str, object], points: dict[str, object], cover: list[dict],
                    mix: dict[str, object], seed=None, per_article=2):
    """A :class:`bot.quiz.paper.Blueprint` from the form's values, every mistake said in Chinese.

    Args:
        counts, points: per type (单选/多选/判断/填空): how many items (0 = leave the type out) and the
            points of each item.
        cover: entries from :func:`parse_cover`.
        mix: percentages per difficulty 易/中/难 (all 0 = no mix).

    Raises:
        InputRejected: a count or points out of range, no type chosen, too many items, a bad mix.
    """
    from bot.quiz import Blueprint

    sections = []
    for t in PAPER_DEFAULTS:
        c = check_count(counts.get(t) or 0, 0, MAX_PAPER_ITEMS, f"{t}题数")
        if c != int(c):
            raise InputRejected(f"{t}题数必须是整数（收到 {c:g}）")
        if c == 0:
            continue
        p = check_count(points.get(t), 0.5, 100, f"{t}每题分值")
        sections.append({"type": t, "count": int(c), "points": p})
    if not sections:
        raise InputRejected("请至少给一种题型填写题数")
    total = sum(s["count"] for s in sections)
    if total > MAX_PAPER_ITEMS:
        raise InputRejected(f"整套试卷题目太多（{total} 题，上限 {MAX_PAPER_ITEMS} 题）")
    weights = {d: check_count(mix.get(d) or 0, 0, 100, f"难度比例（{d}）") for d in ("易", "中", "难")}
    if any(weights.values()) and sum(weights.values()) <= 0:
        raise InputRejected("难度比例之和必须大于 0")
    title = (title or "").strip() or "党章党规知识竞赛试卷"
    if len(title) > 60:
        raise InputRejected(f"试卷标题太长（{len(title)} 字，上限 60 字）")
    mins = None
    if minutes not in (None, "", 0):
        mins = int(check_count(minutes, 1, 600, "考试时间（分钟）"))
    return Blueprint(title=title, minutes=mins, seed=seed_of(seed),
                     per_article=int(check_count(per_article, 1, 20, "每条至多出题数")), sections=sections,
                     cover=cover, difficulty={d: w for d, w in weights.items() if w > 0})


def chapter_articles(pipe: Pipeline):
    """``lookup(title, "第二章") -> [article numbers]``: the articles of a regulation whose heading
    path holds that chapter (read from the indexed regulation passages)."""
    from bot.quiz import QuizGenerator

    chunks = QuizGenerator(pipe).regulation_chunks()

    def lookup(title: str, chapter: str) -> list[int]:
        return sorted({c.article_no for c in chunks if c.title == title and c.article_no
                       and re.search(rf"(^|\s){re.escape(chapter)}(\s|$)", c.heading or "")})

    return lookup


def paper_summary(paper) -> str:
    """What the paper holds, as Markdown: per section count × points, the total, each shortfall."""
    from bot.quiz import SECTION_NAMES

    lines = [f"已组卷 **{paper.blueprint.title}**："]
    total = 0.0
    for sec, items in paper.sections:
        total += len(items) * sec.points
        lines.append(f"- {SECTION_NAMES[sec.type]}：{len(items)} 题 × {sec.points:g} 分 = {len(items) * sec.points:g} 分")
    lines.append(f"\n共 **{sum(len(i) for _, i in paper.sections)}** 题，满分 **{total:g}** 分。")
    for s in paper.shortfall:
        lines.append(f"\n**{s['type']}题量不足**：要求 {s['asked']} 题，只生成 {s['made']} 题。{s['why']}")
    return "\n".join(lines)


def bank_stems(path) -> list[str] | None:
    """Stems of the uploaded existing bank (:func:`bot.quiz.export.read_bank_stems`), None when there is none;
    an unreadable bank is a gr.Error with its Chinese message."""
    if not path:
        return None
    from bot.quiz import read_bank_stems

    try:
        return read_bank_stems(Path(path))
    except ValueError as e:
        raise gr.Error(str(e)) from None


def _quiz_form() -> SimpleNamespace:
    """The 出题 form's components, created in page order: inputs, the button, status, preview, downloads."""
    gr.Markdown("根据党章党规原文自动出题。每道题都附答案、解析和出处，并经过原文校验（答案必须有原文依据，干扰项不能也是正确说法）。")
    f = SimpleNamespace()
    with gr.Row():
        # min_width: on a phone (~390 px) the fields of a row stack instead of squeezing their labels
        f.topic = gr.Textbox(label="出题主题", placeholder="例如：党员的权利和义务、党的纪律、预备党员", scale=3,
                             min_width=240, elem_id="quiz-topic")
        f.n = gr.Slider(4, 60, value=12, step=1, label="题目数量", scale=2, min_width=240)
    with gr.Row():
        f.types = gr.CheckboxGroup(["单选", "多选", "判断", "填空"], value=["单选", "多选", "判断", "填空"], label="题型")
        f.difficulty = gr.Radio(["易", "中", "难"], value="中", label="难度")
        f.existing = gr.File(label="已有题库（可选，xlsx/json/txt，用于去重）", file_types=[".xlsx", ".json", ".txt"])
    with gr.Row():
        f.source = gr.Textbox(label="只从这部法规出题（可选）", placeholder="例如：中国共产党纪律处分条例", scale=3,
                              min_width=240, elem_id="quiz-source")
        f.articles = gr.Textbox(label="条文范围（可选，需填法规）", placeholder="例如：第八条-第十四条", scale=2,
                                min_width=240, elem_id="quiz-articles")
        # a Textbox, not a Number: an empty Number shows and sends 0, which would fix the set
        f.seed = gr.Textbox(label="随机种子（可选，相同种子得到相同题目）", placeholder="留空则每次不同", scale=1,
                            min_width=240, elem_id="quiz-seed")
    f.go = gr.Button("生成题目", variant="primary", elem_id="quiz-go")
    f.status = gr.Markdown(elem_id="quiz-status")
    f.preview = gr.HTML(label="题目预览", css_template=CARDS_CSS, elem_id="quiz-preview", js_on_load=None)
    with gr.Row():
        f.xlsx = gr.File(label="下载 Excel（考试系统导入格式）", elem_id="quiz-xlsx")
        f.docx_file = gr.File(label="下载 Word 试卷（含答案解析）")
        f.json_file = gr.File(label="下载 JSON", elem_id="quiz-json")
    return f


def _quiz_handler(pipe: Pipeline, limiter: RateLimiter):
    """The 出题 button's handler: checked inputs → :func:`bot.quiz.generate_quiz` → (status, cards,
    xlsx, docx, json paths)."""
    import json
    import tempfile

    from bot.quiz import export_docx, export_xlsx, generate_quiz

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
        seed_number = _checked(seed_of, seed_value)
        _admit(limiter, "generation", request)
        stems = bank_stems(existing_file)
        progress(0.2, desc="检索相关条文并生成候选题…")
        try:
            qs = generate_quiz(pipe, topic_text, n=int(count), types=list(type_list), difficulty=diff, existing=stems,
                               seed=seed_number, source=source_text,
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
            # "**" right after "：" or before a CJK letter would not close (CommonMark flanking rules)
            msg += f"\n\n**题量不足**：要求 {qs.shortfall['asked']} 题，只生成 {qs.shortfall['made']} 题。{qs.shortfall['why']}"
        return (msg, quiz_cards(qs.items), str(out / "题库.xlsx"), str(out / "试卷.docx"),
                str(out / "题库.json"))

    return run


def _paper_form() -> SimpleNamespace:
    """The 组卷 form's components (inside an accordion), created in page order."""
    f = SimpleNamespace()
    with gr.Accordion("组卷：按蓝图生成整套试卷（题型、分值、范围、难度比例）", open=False, elem_id="paper-form"):
        gr.Markdown("填写各题型的题数和每题分值（题数为 0 的题型不出），出题范围每行一个：主题（如“发展党员”）、"
                    "法规（如“中国共产党纪律处分条例”）、法规加条文范围（如“中国共产党纪律处分条例 第八条-第十四条”）"
                    "或法规加章（如“中国共产党章程 第二章”）。生成 Word 试卷（卷头、题号、分值、答题卡）、"
                    "单独的答案与解析，以及考试系统导入用的 Excel，与命令 `dangjian paper --blueprint` 相同。")
        with gr.Row():
            f.title = gr.Textbox(label="试卷标题", value="党章党规知识竞赛试卷", scale=3, elem_id="paper-title")
            f.minutes = gr.Number(label="考试时间（分钟，可空）", value=60, precision=0, scale=1, elem_id="paper-minutes")
        # no minimum/maximum on these Numbers: Gradio's own bound check answers in English;
        # paper_blueprint checks every bound and says what is wrong in Chinese
        f.counts, f.points = {}, {}
        with gr.Row():
            for t, (c, pts) in PAPER_DEFAULTS.items():
                with gr.Column(min_width=140):
                    f.counts[t] = gr.Number(label=f"{t}题数", value=c, precision=0,
                                            elem_id=f"paper-count-{t}")
                    f.points[t] = gr.Number(label=f"{t}每题分值", value=pts, elem_id=f"paper-points-{t}")
        f.cover = gr.Textbox(label="出题范围（每行一个）", lines=3, elem_id="paper-cover",
                             placeholder="发展党员\n中国共产党纪律处分条例 第八条-第十四条\n中国共产党章程 第二章")
        with gr.Row():
            f.easy = gr.Number(label="难度比例：易（%）", value=30, elem_id="paper-easy")
            f.mid = gr.Number(label="中（%）", value=50, elem_id="paper-mid")
            f.hard = gr.Number(label="难（%）", value=20, elem_id="paper-hard")
            f.seed = gr.Textbox(label="随机种子（可选）", placeholder="留空则每次不同", elem_id="paper-seed")
        f.go = gr.Button("生成试卷", variant="primary", elem_id="paper-go")
        f.status = gr.Markdown(elem_id="paper-status")
        with gr.Row():
            f.docx = gr.File(label="下载试卷（Word）", elem_id="paper-docx")
            f.key = gr.File(label="下载答案与解析（Word）", elem_id="paper-key")
            f.xlsx = gr.File(label="下载题库（Excel）", elem_id="paper-xlsx")
    return f


def _paper_handler(pipe: Pipeline, limiter: RateLimiter):
    """The 生成试卷 button's handler: the form → :func:`paper_blueprint` → :func:`bot.quiz.build_paper`
    → (summary, paper, answer key and xlsx paths)."""
    import tempfile

    from bot.quiz import export_xlsx

    def make_paper(title, minutes, c1, c2, c3, c4, s1, s2, s3, s4, cover_text, easy, mid, hard, seed_value,
                   existing_file=None, progress=gr.Progress(), request: gr.Request = None):
        from bot.quiz import build_paper, export_paper

        kinds = list(PAPER_DEFAULTS)
        try:
            cover = parse_cover(cover_text, pipe.regulation_titles(), chapter_articles(pipe))
            bp = paper_blueprint(title, minutes, dict(zip(kinds, (c1, c2, c3, c4))), dict(zip(kinds, (s1, s2, s3, s4))),
                                 cover, {"易": easy, "中": mid, "难": hard}, seed=seed_value)
        except InputRejected as e:
            raise gr.Error(str(e)) from None
        _admit(limiter, "generation", request)
        stems = bank_stems(existing_file)
        progress(0.2, desc="按蓝图出题…")
        try:
            paper = build_paper(pipe, bp, existing=stems)
        except ValueError as e:
            raise gr.Error(str(e)) from None
        if not any(items for _, items in paper.sections):
            raise gr.Error("出题范围内没有能通过质量检查的题目，请扩大范围或换一个主题")
        progress(0.8, desc="导出试卷…")
        out = Path(tempfile.mkdtemp(prefix="paper-"))
        paper_path, key_path, xlsx_path = out / "试卷.docx", out / "试卷_答案.docx", out / "题库.xlsx"
        export_paper(paper, paper_path, key_path)
        export_xlsx([i for _, items in paper.sections for i in items], xlsx_path)
        return paper_summary(paper), str(paper_path), str(key_path), str(xlsx_path)

    return make_paper


def build_quiz_tab(pipe: Pipeline, limiter: RateLimiter) -> None:
    """Tab 出题: topic, counts, types, difficulty → preview cards → xlsx/docx/json downloads; below,
    the 组卷 form → docx paper, answer key and xlsx."""
    q = _quiz_form()
    q.go.click(_quiz_handler(pipe, limiter), [q.topic, q.n, q.types, q.difficulty, q.existing, q.source, q.articles, q.seed],
               [q.status, q.preview, q.xlsx, q.docx_file, q.json_file],
               api_name="quiz", concurrency_limit=2, concurrency_id="generation")
    p = _paper_form()
    p.go.click(_paper_handler(pipe, limiter), [p.title, p.minutes, *p.counts.values(), *p.points.values(), p.cover, p.easy,
                                               p.mid, p.hard, p.seed, q.existing], [p.status, p.docx, p.key, p.xlsx],
               api_name="paper", concurrency_limit=2, concurrency_id="generation")


__all__ = ["CARDS_CSS", "bank_stems", "MAX_PAPER_ITEMS", "PAPER_DEFAULTS", "QUIZ_HEADERS", "build_quiz_tab", "chapter_articles",
           "paper_blueprint", "paper_summary", "parse_cover", "seed_of", "quiz_cards", "quiz_rows"]
