"""Load stage on real corpus files and on bad inputs the tests write themselves."""

from __future__ import annotations

import re

import pytest

from bot.ingest.load import LoadError, doc_type_for, iter_files, load_document
from conftest import CASES, PARTY_CONSTITUTION, SEEDS, STATE_CONSTITUTION, require_corpus



def test_doc_type_from_top_folder(tmp_path):
    for folder, expected in [("regulations", "法规"), ("法规", "法规"), ("cases", "案例"), ("讲稿", "讲稿"), ("misc", "资料")]:
        f = tmp_path / folder / "sub" / "a.txt"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("内容", encoding="utf-8")
        assert doc_type_for(f, tmp_path) == expected
    # ingesting the type folder itself still knows its type
    assert doc_type_for(tmp_path / "regulations" / "sub" / "a.txt", tmp_path / "regulations") == "法规"


def test_gbk_and_gb18030_text(tmp_path):
    text = "第一条 为了加强党的建设，制定本条例。\n第二条 党员应当按期交纳党费。"
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    (tmp_path / "gb18030.txt").write_bytes((text + "𠀀").encode("gb18030"))
    assert "按期交纳党费" in load_document(tmp_path / "gbk.txt").text
    assert "按期交纳党费" in load_document(tmp_path / "gb18030.txt").text


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.txt", b"", "文件为空"),
        ("blank.txt", b" \n\t\n   \n", "文件为空"),
        ("binary.txt", bytes(range(256)) * 20, "不是文本文件"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj <<>> garbage", "PDF"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "Word"),
        ("data.xyz", b"hello", "不支持的文件类型"),
    ],
)
def test_bad_files_named_errors(tmp_path, name, content, reason):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(LoadError) as err:
        load_document(f)
    assert name in str(err.value)
    assert reason in err.value.reason


def test_size_limit(tmp_path):
    f = tmp_path / "big.txt"
    f.write_text("党" * 2000, encoding="utf-8")
    with pytest.raises(LoadError, match="文件过大"):
        load_document(f, max_bytes=1000)


def test_docx_and_html(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("支部工作细则", level=1)
    d.add_paragraph("第一条 党支部每月相对固定一天开展主题党日。")
    d.save(tmp_path / "rules.docx")
    doc = load_document(tmp_path / "rules.docx")
    assert doc.title == "支部工作细则"
    assert "主题党日" in doc.text

    (tmp_path / "page.html").write_text(
        "<html><head><title>三会一课</title><script>alert(1)</script></head>"
        "<body><nav>首页</nav><h1>三会一课</h1><p>支部党员大会一般每季度召开一次。</p></body></html>",
        encoding="utf-8",
    )
    doc = load_document(tmp_path / "page.html")
    assert doc.title == "三会一课"
    assert "每季度召开一次" in doc.text and "alert" not in doc.text


def test_iter_files_skips_readme_and_hidden(tmp_path):
    (tmp_path / "README.md").write_text("说明", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a.md").write_text("a", encoding="utf-8")
    (tmp_path / "b.csv").write_text("b", encoding="utf-8")
    assert [p.name for p in iter_files(tmp_path)] == ["a.md"]


def test_iter_files_yields_a_linked_file_once(tmp_path):
    (tmp_path / "regulations").mkdir()
    (tmp_path / "regulations" / "条例.md").write_text("第一条 党小组每月至少开展一次活动。", encoding="utf-8")
    (tmp_path / "收藏").mkdir()
    (tmp_path / "收藏" / "条例.md").symlink_to(tmp_path / "regulations" / "条例.md")
    (tmp_path / "收藏" / "另一份.md").write_text("第一条 党小组每月至少开展一次活动。", encoding="utf-8")
    # the link is skipped; a copy with the same text is a document of its own
    assert [p.relative_to(tmp_path).as_posix() for p in iter_files(tmp_path)] == ["regulations/条例.md", "收藏/另一份.md"]

