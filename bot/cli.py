"""Command line: ``python -m bot`` or ``dangjian``.

Commands: ``ingest [PATH]``, ``ask QUESTION [--json]``, ``retrieve``, ``stats``, ``quiz``, ``paper``,
``lecture``, ``hash-password``. Machine-readable output goes to stdout alone; logs and progress bars go to
stderr. The global options (``--data-dir``, ``--kb-dir``) build one :class:`bot.config.Settings` (over the
environment and ``.env``), which every command's :class:`bot.pipeline.Pipeline` is built from; the CLI
writes no environment variable.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    name="dangjian",
    help="党建学习助手：知识库索引、检索与有据可查的问答。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DOC_TYPE_HELP = "只检索某类文档：法规/案例/讲稿/资料"


def _emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(code)


def build_settings(data_dir: Path | None = None, kb_dir: Path | None = None):
    """The CLI's :class:`bot.config.Settings`: the environment and ``.env``, with ``--data-dir`` and
    ``--kb-dir`` taking precedence when given."""
    from bot.config import Settings

    overrides = {k: v for k, v in (("data_dir", data_dir), ("kb_dir", kb_dir)) if v}
    return Settings(**overrides)


def _settings(ctx: typer.Context):
    """This invocation's Settings: built on first use from the global options that :func:`main_options`
    kept in ``ctx.obj`` (so a command that needs none, ``hash-password``, reads no settings), then kept."""
    root = ctx.find_root()
    if not isinstance(root.obj, dict):
        root.obj = {}
    if "settings" not in root.obj:
        root.obj["settings"] = build_settings(root.obj.get("data_dir"), root.obj.get("kb_dir"))
    return root.obj["settings"]


def _pipeline(ctx: typer.Context):
    """The pipeline of this invocation's Settings (:func:`bot.pipeline.get_pipeline`); a model or index
    that cannot be opened stops the command with exit code 1."""
    from bot.store.embed import EmbedderError
    from bot.store.chroma import KnowledgeIndexError
    from bot.pipeline import get_pipeline

    try:
        return get_pipeline(_settings(ctx))
    except (EmbedderError, KnowledgeIndexError) as e:
        _fail(str(e))


@app.callback()
def main_options(
    ctx: typer.Context,
    data_dir: Annotated[Optional[Path], typer.Option("--data-dir", help="索引目录（默认 $DANGJIAN_DATA_DIR 或 ./data）")] = None,
    kb_dir: Annotated[Optional[Path], typer.Option("--kb-dir", help="知识库目录（默认 $DANGJIAN_KB_DIR 或 ./knowledge_base）")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="输出调试日志")] = False,
) -> None:
    """党建学习助手命令行。"""
    logging.basicConfig(
        stream=sys.stderr, level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    ctx.obj = {"data_dir": data_dir, "kb_dir": kb_dir}  # Settings are built when a command first needs them


@app.command()
def ingest(
    ctx: typer.Context,
    path: Annotated[Optional[Path], typer.Argument(help="要索引的文件或目录（默认：知识库目录）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出统计")] = False,
) -> None:
    """增量索引 PATH 下的文档：未变的跳过，改过的替换，已删除的移除。"""
    pipe = _pipeline(ctx)
    target = path or pipe.settings.kb_dir
    if not Path(target).exists():
        _fail(f"找不到路径 {target}")
    report = pipe.ingest(Path(target))
    if as_json:
        _emit(report.to_json())
    else:
        typer.echo(report.summary())
    if report.failed and not (report.added or report.updated or report.unchanged):
        raise typer.Exit(2)


def _read_questions(input_file: Path) -> list[tuple[int, dict]]:
    """(line number, {"id", "question", …}) of each non-blank line of a JSONL file ("-" = stdin).
    A line that is not a JSON object with a ``question`` string stops the command with its number."""
    try:
        text = sys.stdin.read() if str(input_file) == "-" else Path(input_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        _fail(f"无法读取 {input_file}：{getattr(e, 'strerror', None) or e}")
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("question"), str):
                raise ValueError("缺少 question 字段")
        except ValueError as e:
            _fail(f"{input_file} 第 {n} 行不是合法的 JSON 问题记录（{e}）")
        rows.append((n, row))
    return rows


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[Optional[str], typer.Argument(help="问题，例如：预备党员的预备期是多长时间？（或用 --input 批量）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出（answer, grounded, citations）")] = False,
    doc_type: Annotated[Optional[str], typer.Option("--doc-type", help=DOC_TYPE_HELP)] = None,
    input_file: Annotated[Optional[Path], typer.Option(
        "--input", help='JSONL 文件，每行 {"id": ..., "question": ...}；"-" 为标准输入。每个问题输出一行 JSON')] = None,
) -> None:
    """回答问题，并给出处（《标题》第X条）。--input 批量回答：每行输出 {"id", "question", "answer", "grounded", "citations"}。"""
    from bot.guard import InputRejected, check_question
    from bot.render import render_markdown

    if input_file is None:
        if question is None:
            _fail("请给出问题，或用 --input 指定问题文件")
        try:
            question = check_question(question, _settings(ctx))
        except InputRejected as e:
            _fail(str(e))
        ans = _pipeline(ctx).ask(question, doc_type=doc_type)
        if as_json:
            _emit(ans.to_json())
        else:
            typer.echo(render_markdown(ans))
        return
    rows = _read_questions(input_file)
    pipe = _pipeline(ctx)  # loaded once for the whole file
    rejected = 0
    for n, row in rows:
        try:
            ans = pipe.ask(row["question"], doc_type=doc_type)
        except InputRejected as e:  # one bad line is reported on its own line; the rest are answered
            rejected += 1
            _emit({"id": row.get("id"), "question": row["question"][:200], "error": str(e)})
            continue
        _emit({"id": row.get("id"), "question": row["question"], **ans.to_json()})
    if rejected:
        typer.echo(f"{rejected} 个问题未回答（见各行的 error 字段）", err=True)
        raise typer.Exit(1)


@app.command()
def retrieve(
    ctx: typer.Context,
    query: Annotated[Optional[str], typer.Argument(help="单个查询（或用 --input 批量）")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="每个问题返回的片段数")] = 5,
    input_file: Annotated[Optional[Path], typer.Option("--input", help='JSONL 文件，每行 {"id": ..., "question": ...}；"-" 为标准输入')] = None,
    doc_type: Annotated[Optional[str], typer.Option("--doc-type", help=DOC_TYPE_HELP)] = None,
) -> None:
    """检索：每个问题输出一行 JSON：{"id", "question", "results": [{rank, title, article, doc_type, source, text, score}]}。"""
    from bot.guard import InputRejected, check_question

    if query is None and not input_file:
        _fail("请给出查询文本或 --input 文件")
    rows: list[dict] = []
    if query is not None:
        try:
            rows.append({"id": None, "question": check_question(query, _settings(ctx))})
        except InputRejected as e:
            _fail(str(e))
    if input_file:
        rows += [row for _, row in _read_questions(input_file)]
    pipe = _pipeline(ctx)
    rejected = 0
    for row in rows:
        try:
            results = pipe.retrieve(row["question"], k=k, doc_type=doc_type)
        except InputRejected as e:  # an empty or oversized line costs nothing and stops nothing
            rejected += 1
            _emit({"id": row.get("id"), "question": row["question"][:200], "error": str(e)})
            continue
        _emit({"id": row.get("id"), "question": row["question"], "results": [r.to_json(i) for i, r in enumerate(results, 1)]})
    if rejected:
        typer.echo(f"{rejected} 个问题未检索（见各行的 error 字段）", err=True)
        raise typer.Exit(1)


@app.command()
def stats(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """索引统计：文档数、片段数（按类型）、向量模型、存储位置。"""
    s = _pipeline(ctx).stats()
    if as_json:
        _emit(s)
        return
    typer.echo(f"文档 {s['documents']} 篇，片段 {s['chunks']} 个，句向量 {s['sentences']} 条")
    for t, n in sorted(s["chunks_by_type"].items()):
        typer.echo(f"  {t}：{s['documents_by_type'].get(t, 0)} 篇，{n} 个片段")
    typer.echo(f"向量模型：{s['embedder']}\n存储：{s['location']}（collection {s['collection']}）")


def _topic(ctx: typer.Context, topic: str, what: str) -> str:
    from bot.guard import InputRejected, check_topic

    try:
        return check_topic(topic, _settings(ctx), what)
    except InputRejected as e:
        _fail(str(e))
        return ""


def _existing_stems(path: Path) -> list[str]:
    from bot.quiz import read_bank_stems

    try:
        return read_bank_stems(path)
    except ValueError as e:
        _fail(str(e))
        return []


def _check_format(fmt: str, formats: tuple[str, ...], output: Path | None) -> None:
    from bot.render import check_format

    try:
        check_format(fmt, formats, output)
    except ValueError as e:
        _fail(str(e))


@app.command()
def quiz(
    ctx: typer.Context,
    topic: Annotated[str, typer.Option("--topic", help="出题主题，如“党员的权利和义务”“发展党员”；给出 --source 时可省略")] = "",
    n: Annotated[int, typer.Option("--n", min=1, max=200, help="题目数量（四种题型平均分配）")] = 12,
    types: Annotated[str, typer.Option("--types", help="题型，逗号分隔：单选,多选,判断,填空")] = "单选,多选,判断,填空",
    difficulty: Annotated[str, typer.Option("--difficulty", help="难度：易/中/难")] = "中",
    fmt: Annotated[str, typer.Option("--format", help="json / xlsx / docx")] = "json",
    output: Annotated[Optional[Path], typer.Option("--output", help="输出文件（xlsx/docx 必填）")] = None,
    existing: Annotated[Optional[Path], typer.Option("--existing", help="已有题库（xlsx/json/txt），避免重复题干")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", help="随机种子：相同种子得到相同题目；不给则每次不同")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="只从这部法规出题，如“中国共产党纪律处分条例”")] = None,
    articles: Annotated[Optional[str], typer.Option("--articles", help="条文范围（需 --source），如“第八条-第十四条”")] = None,
    per_article: Annotated[int, typer.Option("--per-article", min=1, max=20, help="每条条文至多出几题")] = 2,
) -> None:
    """生成党章党规知识竞赛题（单选/多选/判断/填空），每题附答案、解析和出处，并经过校验。"""
    from bot.render import QUIZ_FORMATS

    _check_format(fmt, QUIZ_FORMATS, output)
    if difficulty not in ("易", "中", "难"):
        _fail("--difficulty 只能是 易、中、难")
    if not topic.strip() and not source:
        _fail("请用 --topic 给出出题主题，或用 --source（及 --articles）指定法规条文")
    topic = _topic(ctx, topic, "出题主题") if topic.strip() else (source or "")
    if n > _settings(ctx).max_quiz_items:
        _fail(f"--n 不能超过 {_settings(ctx).max_quiz_items}")
    stems = _existing_stems(existing) if existing else None
    try:
        qs = _pipeline(ctx).quiz(topic, n=n, types=[t.strip() for t in types.split(",") if t.strip()],
                              difficulty=difficulty, existing=stems, seed=seed, source=source, articles=articles,
                              per_article=per_article)
    except ValueError as e:
        _fail(str(e))
    if qs.shortfall:
        typer.echo(f"只生成了 {qs.shortfall['made']}/{qs.shortfall['asked']} 题：{qs.shortfall['why']}", err=True)
    typer.echo(f"生成 {len(qs.items)} 题（候选 {qs.candidates}，校验未通过而丢弃 {sum(qs.dropped.values())}："
               f"{dict(qs.dropped) or '无'}）", err=True)
    if not qs.items:
        _fail("知识库中没有足够的法规条文来出这个主题的题目")
    if fmt == "json" and not output:
        _emit(qs.to_json())
        return
    _pipeline(ctx).export(qs, fmt, output)
    if fmt != "json":
        typer.echo(f"已写入 {output}", err=True)


@app.command()
def paper(
    ctx: typer.Context,
    blueprint: Annotated[Path, typer.Option("--blueprint", help="组卷蓝图（YAML/JSON）：各题型数量与分值、出题范围、难度比例")],
    output: Annotated[Path, typer.Option("--output", help="试卷 docx（答案与解析另存为 “<文件名>_答案.docx”）")] = Path("试卷.docx"),
    answers: Annotated[Optional[Path], typer.Option("--answers", help="答案与解析 docx 的文件名")] = None,
    xlsx: Annotated[Optional[Path], typer.Option("--xlsx", help="另存一份题库 xlsx（考试系统导入格式）")] = None,
    existing: Annotated[Optional[Path], typer.Option("--existing", help="已有题库（xlsx/json/txt），避免重复题干")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", help="随机种子（覆盖蓝图中的 seed）")] = None,
) -> None:
    """按蓝图组卷：试卷（卷头、题号、分值、答题卡）与单独的答案解析，均为 docx。"""
    from bot.quiz import load_blueprint

    try:
        bp = load_blueprint(blueprint)
        pipe = _pipeline(ctx)
        built = pipe.paper(bp, existing=_existing_stems(existing) if existing else None, seed=seed)
    except ValueError as e:
        _fail(str(e))
    key_path = answers or output.with_name(f"{output.stem}_答案.docx")
    pipe.export(built, "paper", output, key_path=key_path, xlsx=xlsx)
    for s in built.shortfall:
        typer.echo(f"{s['type']}：要求 {s['asked']} 题，只生成 {s['made']} 题（{s['why']}）", err=True)
    typer.echo(f"已写入 {output} 和 {key_path}" + (f"、{xlsx}" if xlsx else ""), err=True)
    _emit({"paper": str(output), "answers": str(key_path), "xlsx": str(xlsx) if xlsx else None,
           "sections": [{"type": s.type, "count": len(items), "points": s.points} for s, items in built.sections],
           "shortfall": built.shortfall or None})


@app.command()
def lecture(
    ctx: typer.Context,
    topic: Annotated[str, typer.Option("--topic", help="微党课主题，如“三会一课制度”“严守党的纪律”")],
    minutes: Annotated[float, typer.Option("--minutes", min=1, max=60, help="时长（分钟）")] = 8,
    audience: Annotated[str, typer.Option("--audience", help="听众（任意文字，不超过 20 字），如：普通党员、支部党员、入党积极分子、青年党员、党务干部")] = "普通党员",
    rate: Annotated[int, typer.Option("--rate", min=100, max=400, help="语速（字/分钟）")] = 220,
    fmt: Annotated[str, typer.Option("--format", help="md / docx / pptx / json")] = "md",
    output: Annotated[Optional[Path], typer.Option("--output", help="输出文件（docx/pptx 必填；md 默认输出到屏幕）")] = None,
    force: Annotated[bool, typer.Option("--force", help="知识库对主题覆盖不足时仍然输出讲稿（否则退出码 3）")] = False,
) -> None:
    """起草微党课：提纲与时间安排、按语速计算长度的讲稿、逐字引用的条文、相关时才用的案例、讨论题和参考依据。

    退出码：0 成功；1 参数错误或知识库为空；3 知识库对主题覆盖不足（加 --force 仍输出）。"""
    from bot.render import LECTURE_FORMATS, lecture_json

    _check_format(fmt, LECTURE_FORMATS, output)
    topic = _topic(ctx, topic, "微党课主题")
    if minutes > _settings(ctx).max_lecture_minutes:
        _fail(f"--minutes 不能超过 {_settings(ctx).max_lecture_minutes:g}")
    try:
        lec = _pipeline(ctx).lecture(topic, minutes=minutes, audience=audience, rate=rate)
    except ValueError as e:
        _fail(str(e))
    typer.echo(f"讲稿 {lec.chars} 字，约 {lec.chars / lec.rate:.1f} 分钟（目标 {minutes:g} 分钟）；"
               f"主题覆盖：{lec.coverage}（{lec.coverage_score:.2f}）", err=True)
    if lec.coverage == "不足" and not force:
        _fail(f"知识库对“{topic}”覆盖不足（最相关条文的主题词覆盖率 {lec.coverage_score:.2f}），没有输出讲稿；"
              "请补充相关法规、换一个主题，或加 --force 仍然输出", code=3)
    if output:
        _pipeline(ctx).export(lec, fmt, output)
        if fmt in ("docx", "pptx"):
            typer.echo(f"已写入 {output}", err=True)
    elif fmt == "md":
        sys.stdout.write(lec.to_markdown())
    else:
        _emit(lecture_json(lec))


@app.command("hash-password")
def hash_password_cmd() -> None:
    """生成登录密码的 bcrypt 哈希（用于 DANGJIAN_USERS 配置）。密码从标准输入或提示读取。"""
    from bot.kb.admin import hash_password

    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else typer.prompt("密码", hide_input=True)
    if not password:
        _fail("密码不能为空")
    typer.echo(hash_password(password))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
