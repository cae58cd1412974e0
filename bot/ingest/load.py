"""Load stage: read a file (.txt .md .docx .pdf .html), detect its encoding, clean its text and
read its metadata (title, document type, version).

Public API:
    * :func:`load_document` — one file → :class:`~bot.schema.Document`, raises :class:`LoadError`.
    * :func:`iter_files` — the supported files below a folder, in a stable order.
    * :func:`doc_type_for` — document type from the folder a file lies in.
    * :func:`document_key` / :func:`key_path` — the key a file is indexed by (relative to the
      knowledge-base root, so a moved or copied knowledge base keeps its index) and back.
    * :class:`LoadLimits` — the bounds a file must stay within (size, text, pages, zip expansion,
      parser memory and time); .docx/.pdf/.html files are parsed in a separate process under them
      (:func:`parse_isolated`, :mod:`bot.ingest.parse`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.schema import Document

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm")

#: Folder names (lower-cased) → document type. The top folder below the knowledge base decides.
FOLDER_TYPES = {
    "regulations": "法规", "regulation": "法规", "法规": "法规", "党内法规": "法规", "条例": "法规",
    "cases": "案例", "case": "案例", "案例": "案例", "典型案例": "案例",
    "lectures": "讲稿", "lecture": "讲稿", "讲稿": "讲稿", "党课": "讲稿", "微党课": "讲稿",
}
DEFAULT_DOC_TYPE = "资料"

#: File names that document a folder rather than hold knowledge; never indexed.
SKIPPED_NAMES = {"readme.md", "readme.txt", "manifest.md", "license", "license.md"}


class LoadError(Exception):
    """A file could not be turned into a document. ``str(err)`` names the file and the reason (Chinese).

    ``refused`` is True when the file's own content is the problem (corrupt, empty, too large, a zip
    bomb): such a file inside the knowledge base is moved to quarantine by the ingest, so it is
    reported once. It is False for problems beside the file (an unreadable file, a bad sidecar)."""

    def __init__(self, path: Path | str, reason: str, refused: bool = True):
        self.path = str(path)
        self.reason = reason
        self.refused = refused
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):  # raised in the parser process, re-raised here
        return (LoadError, (self.path, self.reason, self.refused))


@dataclass(frozen=True)
class LoadLimits:
    """Bounds on one file; :class:`bot.config.Settings` documents each and holds the defaults
    (``LoadLimits.default()``).

    Attributes: ``max_bytes`` (file size), ``max_chars`` (extracted text, characters),
    ``max_pdf_pages``, ``max_container_bytes`` (uncompressed XML of a .docx), ``max_container_entries``,
    ``memory_mb`` (address space of the parser process), ``timeout_s`` (parse time of one file).
    """

    max_bytes: int
    max_chars: int
    max_pdf_pages: int
    max_container_bytes: int
    max_container_entries: int
    memory_mb: int
    timeout_s: float

    @classmethod
    def default(cls) -> "LoadLimits":
        """The limits of a default :class:`bot.config.Settings` (environment variables not read)."""
        from types import SimpleNamespace

        from bot.config import Settings

        return cls.from_settings(SimpleNamespace(**{k: f.default for k, f in Settings.model_fields.items()}))

    @classmethod
    def from_settings(cls, settings) -> "LoadLimits":
        return cls(max_bytes=int(settings.max_file_mb * 2**20), max_chars=settings.max_document_chars,
                   max_pdf_pages=settings.max_pdf_pages, max_container_bytes=int(settings.max_container_mb * 2**20),
                   max_container_entries=settings.max_container_entries, memory_mb=settings.parse_memory_mb,
                   timeout_s=settings.parse_timeout_s)


def document_key(path: Path | str, kb_dir: Path | str) -> str:
    """The key a file is indexed by: its path relative to the knowledge-base root ``kb_dir``, with
    ``/`` separators (``regulations/党章.md``), when the file lies below it; else its absolute path.
    Keys relative to the root make an index portable: a knowledge base moved or copied together with
    its data directory is found unchanged. Symbolic links are not resolved (the link's place counts)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(kb_dir)).as_posix()
    except ValueError:
        return str(absolute)


def key_path(key: str, kb_dir: Path | str) -> Path:
    """The file a :func:`document_key` stands for (absolute)."""
    p = Path(key)
    return p if p.is_absolute() else Path(os.path.abspath(kb_dir)) / p


def inside(path: Path | str, folder: Path | str) -> bool:
    """Whether ``path``, with symbolic links resolved, lies inside ``folder`` (also resolved)."""
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real != root and real.startswith(root.rstrip(os.sep) + os.sep)


# --------------------------------------------------------------------------------------
# files and types
# --------------------------------------------------------------------------------------


def iter_files(root: Path) -> Iterator[Path]:
    """Yield supported files below ``root`` (or ``root`` itself if it is a file), sorted.

    Hidden files/folders, sidecar files and README/MANIFEST files are skipped, and so is a second
    path to the same file (a symbolic link to a file already yielded): it would be indexed twice.
    """
    root = Path(root)
    if root.is_file():
        yield root
        return
    seen: set[str] = set()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if not p.is_file() or p.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        if p.name.lower() in SKIPPED_NAMES:
            continue
        real = os.path.realpath(p)
        if real in seen:
            continue
        seen.add(real)
        yield p


def doc_type_for(path: Path, root: Path) -> str:
    """Document type (法规/案例/讲稿/资料) from the folders between ``root`` and ``path``.

    The root's own name counts too, so ingesting ``corpus/regulations`` directly still gives 法规.
    The first folder, from the top, whose name is known decides.
    """
    path, root = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    folders = [root.name] if root.is_dir() else []
    try:
        folders += list(path.parent.relative_to(root if root.is_dir() else root.parent).parts)
    except ValueError:
        folders += list(path.parent.parts)
    for name in folders:
        t = FOLDER_TYPES.get(name.lower())
        if t:
            return t
    return DEFAULT_DOC_TYPE


# --------------------------------------------------------------------------------------
# readers
# --------------------------------------------------------------------------------------


def _decode(data: bytes, path: Path) -> str:
    """Bytes → str: UTF-8 (with or without BOM) first, else charset-normalizer's best guess
    (GBK/GB18030 and other legacy encodings). Refuses binary data."""
    if b"\x00" in data[:8192]:
        raise LoadError(path, "不是文本文件（含二进制内容），请检查文件格式")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # GB18030 is a superset of GBK/GB2312; try it first when it decodes cleanly and looks Chinese.
    try:
        text = data.decode("gb18030")
        if _cjk_share(text) > 0.2:
            return text
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise LoadError(path, "无法识别文件编码（不是 UTF-8/GBK/GB18030 文本）")
    text = str(best)
    if _control_share(text) > 0.05:
        raise LoadError(path, "不是文本文件（解码后含大量控制字符）")
    return text


def _cjk_share(text: str) -> float:
    sample = text[:5000]
    if not sample:
        return 0.0
    return sum(1 for c in sample if "\u4e00" <= c <= "\u9fff") / len(sample)


def _control_share(text: str) -> float:
    sample = text[:5000]
    if not sample:
        return 0.0
    bad = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    return bad / len(sample)


def _too_long(path: Path, limits: LoadLimits, what: str = "文字") -> LoadError:
    return LoadError(path, f"文件{what}过多（超过 {limits.max_chars:,} 字的上限），不予索引；请拆分后再上传")


def _read_pdf(path: Path, limits: LoadLimits) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    pages: list[str] = []
    chars = 0
    try:
        reader = PdfReader(str(path))
        if len(reader.pages) > limits.max_pdf_pages:
            raise LoadError(path, f"PDF 页数过多（{len(reader.pages)} 页，上限 {limits.max_pdf_pages} 页）")
        for page in reader.pages:  # stop as soon as the text is over the limit
            pages.append(page.extract_text() or "")
            chars += len(pages[-1])
            if chars > limits.max_chars:
                raise _too_long(path, limits)
    except LoadError:
        raise
    except MemoryError as e:
        raise LoadError(path, f"PDF 解析所需内存超过上限（{limits.memory_mb} MB）") from e
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise LoadError(path, f"PDF 文件损坏或无法解析（{type(e).__name__}: {e}）") from e
    except Exception as e:  # pypdf raises many internal errors on damaged files
        raise LoadError(path, f"PDF 文件损坏或无法解析（{type(e).__name__}）") from e
    text = "\n".join(pages)
    if not text.strip():
        raise LoadError(path, "PDF 中没有可提取的文字（可能是扫描件，需要先做 OCR）")
    return text


def check_container(path: Path, limits: LoadLimits) -> None:
    """Refuse a zip container (.docx) whose entries are too many or whose XML parts expand beyond
    ``limits.max_container_bytes``, reading only its central directory (no decompression): a 176 KB
    zip bomb whose document.xml expands to 120 MB is refused in milliseconds.

    Raises:
        LoadError: not a zip file, too many entries, or too large uncompressed.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            entries = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise LoadError(path, f"Word 文件损坏或不是 .docx 格式（{type(e).__name__}）") from e
    if len(entries) > limits.max_container_entries:
        raise LoadError(path, f"Word 文件内部条目过多（{len(entries)} 个，上限 {limits.max_container_entries} 个），"
                              "疑似恶意文件，不予索引")
    xml = sum(e.file_size for e in entries if e.filename.lower().endswith((".xml", ".rels")))
    if xml > limits.max_container_bytes:
        raise LoadError(path, f"Word 文件解压后过大（正文 XML {xml / 2**20:.0f} MB，上限 "
                              f"{limits.max_container_bytes / 2**20:.0f} MB），疑似压缩炸弹，不予索引")


def _read_docx(path: Path, limits: LoadLimits) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:  # check_container has already read its zip directory (load_document)
        d = docx.Document(str(path))
    except MemoryError as e:
        raise LoadError(path, f"Word 文件解析所需内存超过上限（{limits.memory_mb} MB）") from e
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise LoadError(path, f"Word 文件损坏或不是 .docx 格式（{type(e).__name__}）") from e
    lines = []
    for para in d.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        text = para.text.strip()
        if not text:
            continue
        if style.lower().startswith(("heading", "title")) or style.startswith("标题"):
            lines.append("# " + text)
        else:
            lines.append(text)
    for table in d.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                lines.append(" | ".join(cells))
    return "\n\n".join(lines)


def _read_html(data: bytes, path: Path, limits: LoadLimits) -> str:
    from bs4 import BeautifulSoup

    markup = _decode(data, path)
    if len(markup) > limits.max_chars * 10:  # markup is rarely ten times its text
        raise _too_long(path, limits, "内容")
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "iframe"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    for h in soup.find_all(["h1", "h2", "h3", "h4"]):
        h.replace_with(f"\n# {h.get_text(' ', strip=True)}\n")
    body = soup.get_text("\n")
    return (f"# {title}\n\n" if title and title not in body[:500] else "") + body


def parse_file(suffix: str, path: Path, data: bytes, limits: LoadLimits) -> str:
    """Raw text of a .pdf/.docx/.html file; runs in the parser process (:mod:`bot.ingest.parse`).

    Raises:
        LoadError: the file is refused or broken."""
    if suffix == ".pdf":
        return _read_pdf(path, limits)
    if suffix == ".docx":
        return _read_docx(path, limits)
    return _read_html(data, path, limits)


def parse_isolated(suffix: str, path: Path, data: bytes, limits: LoadLimits) -> str:
    """Parse a binary or markup file in a separate process, ``python -m bot.ingest.parse``, whose address space
    is capped at ``limits.memory_mb`` and which is killed after ``limits.timeout_s`` seconds: a file that
    needs more memory or time fails alone instead of taking the app down. One short-lived process per
    file (about 0.3 s to start, small next to embedding); a fresh interpreter, so it works from any
    caller (the app, the CLI, a notebook) and shares no threads or locks with it.

    Raises:
        LoadError: the file is refused or broken, needs too much memory, or takes too long.
    """
    import json
    import subprocess
    import sys

    request = json.dumps({"suffix": suffix, "path": str(path), "limits": limits.__dict__}).encode("utf-8")
    try:
        done = subprocess.run([sys.executable, "-m", "bot.ingest.parse"], input=request + b"\n" + data,
                              capture_output=True, timeout=limits.timeout_s)
    except subprocess.TimeoutExpired:
        raise LoadError(path, f"文件解析超时（超过 {limits.timeout_s:g} 秒），疑似异常文件，不予索引") from None
    try:
        reply = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        reply = {}
    if "text" in reply:
        return reply["text"]
    if "error" in reply:
        raise LoadError(path, reply["error"])
    raise LoadError(path, f"文件解析进程异常退出（退出码 {done.returncode}），可能所需内存超过 {limits.memory_mb} MB，不予索引")


# --------------------------------------------------------------------------------------
# cleaning
# --------------------------------------------------------------------------------------

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^)(]|\([^)]*\))*\)")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
#: markup left in a document's text (an HTML file's entities decode to it, a Markdown file may hold it):
#: script/style blocks with their content, then any other start, end or declaration tag
_MARKUP_BLOCK = re.compile(r"<(script|style|iframe|object|embed|svg|math|template)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_MARKUP_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?>|<![a-zA-Z][^<>]*>")
_BREADCRUMB = re.compile(r"^\s*(当前位置|您的位置|你的位置|首页\s*[>＞»])")
_BOILERPLATE = re.compile(r"^\s*[\\>]*\s*(>>)?\s*(点击查看更多|点击进入|了解本书更多|返回顶部|打印本页|关闭窗口|分享到)")
_SEPARATOR = re.compile(r"^\s*([_\-*=]\s*){3,}$")
#: the credit line of an illustration whose image is gone: a line without sentence punctuation ending in
#: 绘图/漫画/插图, naming an organ (江西省永修县纪委监委 刘仁竣 绘图, …纪工委绘图) or just a name (薛红伟 漫画)
_IMAGE_CREDIT = re.compile(
    r"^(?:[^。，；！？,;!?]{0,24}(?:纪委|监委|纪工委|纪检组|报社|日报)[^。，；！？,;!?]{0,16}"
    r"|[\u4e00-\u9fff]{2,4}\s+)(?:绘图|漫画|插图)$"
)
_SOURCE_LINE = re.compile(r"^\s*_?来源[：:].*?(_?发布时间[：:]\s*([0-9]{4}-[0-9]{2}-[0-9]{2})[^_]*_?)?\s*$")
_TERMINAL = "。！？；：…”’」』）)】.!?;:"


def clean_text(text: str, *, repair_wraps: bool) -> str:
    """Normalise whitespace and drop web/Markdown boilerplate.

    * full-width spaces (U+3000) and NBSP become ordinary spaces; line ends are normalised;
    * Markdown images, link targets, HTML comments, bold markers, ``___`` rules, site
      breadcrumbs, "点击查看更多" lines and the credit lines of removed illustrations
      (某某县纪委监委 张三 绘图) are removed (link text is kept);
    * HTML markup is removed (``<script>…</script>`` and ``<style>`` blocks whole, other tags such
      as ``<img src=x onerror=…>`` alone): document text is knowledge, never markup that a client
      rendering an answer could run;
    * with ``repair_wraps`` (PDF-extracted text), hard line wraps inside sentences are joined.

    Returns the cleaned text (may be empty).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\ufeff", "")
    text = _HTML_COMMENT.sub("", text)
    text = _MARKUP_TAG.sub("", _MARKUP_BLOCK.sub("", text))
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = text.replace("**", "").replace("\\>", ">")
    lines = []
    for line in text.split("\n"):
        s = line.strip()
        if _BREADCRUMB.match(s) or _BOILERPLATE.match(s) or _SEPARATOR.match(s) or _IMAGE_CREDIT.match(s):
            continue
        if _SOURCE_LINE.match(s):
            continue
        if re.fullmatch(r"#+", s):
            continue
        lines.append(re.sub(r"[ \t]{2,}", " ", s))
    if repair_wraps:
        lines = _join_wrapped(lines)
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


_STRUCTURAL = re.compile(
    r"^(#|第[一二三四五六七八九十百零〇两\d]+[编章节条]|[（(][一二三四五六七八九十\d]+[)）]|"
    r"[一二三四五六七八九十]+、|\d+[.、．]\s*\S|[【\[]|摘\s*要|关键词|参考文献|Abstract|Keywords)"
)


def _join_wrapped(lines: list[str]) -> list[str]:
    """Join lines that a PDF extractor broke mid-sentence.

    A line is a wrapped fragment when it is long (≥ 70% of the document's typical full line,
    the 90th percentile of line lengths), does not end a sentence, and the next non-empty line
    does not start a structural element (heading, numbered item). Blank lines between such
    fragments are artefacts and dropped. Example: "按职工工资总额" + "1%预算" → one line.
    """
    lengths = sorted(len(s) for s in lines if s)
    if len(lengths) < 5:
        return lines
    full = lengths[int(len(lengths) * 0.9) - 1]
    threshold = max(20, int(full * 0.7))
    out: list[str] = []
    buf = ""
    pending_join = False
    for s in lines:
        if not s:
            if buf and not pending_join:
                out.append(buf)
                buf = ""
                out.append("")
            continue
        if buf and pending_join and not _STRUCTURAL.match(s):
            sep = " " if (buf[-1].isascii() and s[0].isascii()) or (buf[-1] in ",，" and s[0].isascii()) else ""
            buf = buf + sep + s
        else:
            if buf:
                out.append(buf)
            buf = s
        pending_join = len(s) >= threshold and s[-1] not in _TERMINAL
    if buf:
        out.append(buf)
    return out


# --------------------------------------------------------------------------------------
# metadata
# --------------------------------------------------------------------------------------

_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_VERSION = re.compile(_DATE + r"[^\n。]{0,40}?(通过|修正|修订|修改|施行|发布|印发)")
_ISO_DATE = re.compile(r"发布时间[：:]\s*(\d{4}-\d{2}-\d{2})")


def extract_version(raw: str) -> str:
    """Version/date from the title block (first 2,000 characters).

    Returns the latest dated adoption/amendment mention, e.g. ``2017年10月24日通过`` or
    ``2018年3月11日通过`` for a constitution listing several amendments; a web article's
    ``发布时间：2017-03-26`` gives ``2017-03-26``; "" when none is found.
    """
    head = raw[:2000]
    found = []
    for m in _VERSION.finditer(head):
        y, mo, d, verb = m.groups()
        found.append(((int(y), int(mo), int(d)), f"{y}年{int(mo)}月{int(d)}日{verb}"))
    if found:
        return max(found)[1]
    m = _ISO_DATE.search(head)
    return m.group(1) if m else ""


def _unquoted_title(title: str) -> str:
    """A title without book-title marks around it: "《中国共产党党员教育管理工作条例》" is cited as
    《中国共产党党员教育管理工作条例》, not 《《…》》 (marks inside the title stay)."""
    m = re.fullmatch(r"《([^《》]+)》", title)
    return m.group(1).strip() if m else title


def extract_title(text: str, path: Path) -> str:
    """Title: the first Markdown heading, else a short first line that reads like a title,
    else the file name (without extension, ``_`` → space, issue prefixes kept)."""
    for line in text.split("\n")[:30]:
        m = re.match(r"^#{1,3}\s*(.+?)\s*#*$", line.strip())
        if m and m.group(1).strip():
            return _unquoted_title(m.group(1).strip())
    stem = path.stem
    if re.fullmatch(r"[\d_\-a-f]+", stem):  # hashed file names: look for a title-like first line
        for line in [ln.strip() for ln in text.split("\n") if ln.strip()][:3]:
            if 4 <= len(line) <= 80 and line[-1] not in "。；，,.;" and not line.startswith(("[", "【")):
                return line
    return stem.replace("_", " ").strip()


# --------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------


def sidecar_path(path: Path) -> Path:
    """``<file>.meta.yaml`` beside a document."""
    return Path(path).with_name(Path(path).name + ".meta.yaml")


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes plus its sidecar's (a changed sidecar re-indexes the document)."""
    h = hashlib.sha256(Path(path).read_bytes())
    side = sidecar_path(path)
    if side.is_file():
        h.update(b"\0sidecar\0" + side.read_bytes())
    return h.hexdigest()


def read_sidecar(path: Path) -> dict:
    """Fields of ``<file>.meta.yaml`` (title, status, effective_date, version, doc_type); {} if none.

    Raises:
        LoadError: the sidecar is not valid YAML or names an unknown status.
    """
    import yaml

    from bot.schema import STATUSES

    side = sidecar_path(path)
    if not side.is_file():
        return {}
    try:
        data = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise LoadError(side, f"元数据文件不是合法的 YAML（{e}）") from e
    if not isinstance(data, dict):
        raise LoadError(side, "元数据文件应为键值对（title/status/effective_date/version）")
    if data.get("status") and data["status"] not in STATUSES:
        raise LoadError(side, f"状态只能是 {'、'.join(STATUSES)}，实际为 {data['status']!r}")
    return data


def effective_date(version: str) -> str:
    """ISO date from a version string ("2017年10月24日通过" → "2017-10-24"), or ""."""
    m = re.search(_DATE, version or "")
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = re.search(r"\d{4}-\d{2}-\d{2}", version or "")
    return m.group(0) if m else ""


def load_document(path: Path, root: Path | None = None, *, max_bytes: int | None = None,
                  key: str | None = None, limits: LoadLimits | None = None) -> Document:
    """Load one file into a :class:`Document`.

    Args:
        path: the file.
        root: the folder being ingested (decides ``source`` and ``doc_type``); default: the file's folder.
        max_bytes: refuse files larger than this many bytes (overrides ``limits.max_bytes``).
        key: the document's key in the index (:func:`document_key`); default: the absolute path.
        limits: bounds on size, text length, pages and container expansion, and on the memory and time
            of the parser process that reads .docx/.pdf/.html files (:func:`parse_isolated`).

    Raises:
        LoadError: unsupported type, too large, too long, empty, undecodable or corrupt file, or a
            container that would expand too far; the message (Chinese) names the file and the problem.
            Nothing of a refused file is embedded.
    """
    path = Path(path)
    root = Path(root) if root is not None else path.parent
    limits = limits or LoadLimits.default()
    if max_bytes is not None:
        limits = LoadLimits(**{**limits.__dict__, "max_bytes": max_bytes})
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(path, f"不支持的文件类型 {suffix or '(无扩展名)'}；支持 {' '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise LoadError(path, f"文件过大（{size / 2**20:.1f} MB，上限 {limits.max_bytes / 2**20:.0f} MB）")
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(path, f"无法读取文件（{e.strerror or e}）", refused=False) from e
    if not data.strip():
        raise LoadError(path, "文件为空")

    if suffix in (".pdf", ".docx", ".html", ".htm"):
        if suffix == ".docx":
            check_container(path, limits)  # before the parser process: a bomb costs no parsing at all
        markup = data if suffix in (".html", ".htm") else b""  # the parser reads .pdf/.docx from the path
        raw, repair = parse_isolated(suffix, path, markup, limits), suffix == ".pdf"
    else:
        if len(data) > limits.max_chars * 4:  # no encoding takes more than 4 bytes a character
            raise _too_long(path, limits)
        raw = _decode(data, path)
        repair = suffix == ".txt"

    text = clean_text(raw, repair_wraps=repair)
    if len(re.sub(r"\s", "", text)) < 2:
        raise LoadError(path, "文件没有可用的文字内容（空白或只有格式标记）")
    if len(text) > limits.max_chars:
        raise _too_long(path, limits)

    try:
        meta = read_sidecar(path)
    except LoadError as e:
        raise LoadError(e.path, e.reason, refused=False) from e
    resolved = Path(os.path.abspath(path))
    root_resolved = Path(os.path.abspath(root))
    try:
        rel = resolved.relative_to(root_resolved if root_resolved.is_dir() else root_resolved.parent)
        source = str(Path(root_resolved.name) / rel) if root_resolved.is_dir() else str(rel)
    except ValueError:
        source = path.name
    version = str(meta.get("version") or extract_version(raw))
    return Document(
        text=text,
        path=key or str(resolved),
        source=source,
        title=str(meta.get("title") or extract_title(text, path)),
        doc_type=str(meta.get("doc_type") or doc_type_for(path, root)),
        version=version,
        sha256=content_hash(path),
        status=str(meta.get("status") or ""),
        effective=str(meta.get("effective_date") or effective_date(version)),
        status_source="sidecar" if meta.get("status") else "auto",
    )
