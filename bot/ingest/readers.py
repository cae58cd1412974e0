"""Readers: file bytes → raw text. Text files are decoded here (:func:`decode_bytes`); .docx/.pdf/.html
files are parsed in a separate, memory- and time-capped process (:func:`parse_isolated`, which runs
:func:`parse_file` in :mod:`bot.ingest.parse`); a .docx container is checked before (:func:`check_container`).

Public API: :func:`decode_bytes`, :func:`too_long`, :func:`check_container`, :func:`parse_file`,
:func:`parse_isolated`.
"""

from __future__ import annotations

from pathlib import Path

from bot.ingest.limits import LoadError, LoadLimits


def decode_bytes(data: bytes, path: Path) -> str:
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


def too_long(path: Path, limits: LoadLimits, what: str = "文字") -> LoadError:
    """The error of a file whose text (``what``) is over ``limits.max_chars`` characters."""
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
                raise too_long(path, limits)
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

    markup = decode_bytes(data, path)
    if len(markup) > limits.max_chars * 10:  # markup is rarely ten times its text
        raise too_long(path, limits, "内容")
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
