"""Load stage on real corpus files and on bad inputs the tests write themselves."""

from __future__ import annotations

import re

import pytest

from bot.ingest.load import LoadError, doc_type_for, iter_files, load_document
from conftest import CASES, PARTY_CONSTITUTION, SEEDS, STATE_CONSTITUTION, require_corpus


def test_party_constitution_title_version_type(corpus):
    doc = load_document(PARTY_CONSTITUTION, corpus)
    assert doc.title == "中国共产党章程"
    assert doc.version == "2017年10月24日通过"
    assert doc.doc_type == "法规"
    assert doc.source == "corpus/regulations/中国共产党章程_2017十九大修改.md"
    assert "\u3000" not in doc.text


def test_constitution_version_is_latest_amendment(corpus):
    doc = load_document(STATE_CONSTITUTION, corpus)
    assert doc.title == "中华人民共和国宪法"
    assert doc.version.startswith("2018年3月11日")


def test_case_boilerplate_removed(corpus):
    doc = load_document(CASES / "18期如何处理下落不明的党员？.md", corpus)
    assert doc.doc_type == "案例"
    assert doc.title == "18期如何处理下落不明的党员？"
    assert doc.version == "2017-03-26"
    assert "](" not in doc.text and "点击查看更多" not in doc.text and "**" not in doc.text
    assert "下落不明时间超过六个月" in doc.text


def test_illustration_credit_lines_removed(corpus, tmp_path):
    # the image is dropped with the Markdown; its credit line alone became a chunk, retrieved and cited
    doc = load_document(CASES / "收受无具体请托事项的过节费，是否属于受贿.md", corpus)
    assert "韩芷仪" not in doc.text and "绘图" not in doc.text
    assert "张某" in doc.text
    f = tmp_path / "note.md"
    f.write_text("# 说明\n\n他从小就擅长绘图\n\n江苏省金湖县纪委监委王尧绘图\n\n党员要学习党章。", encoding="utf-8")
    text = load_document(f, tmp_path).text
    assert "他从小就擅长绘图" in text and "王尧" not in text


def test_pdf_line_wraps_repaired(corpus):
    """The seed paper breaks '按职工工资总额' / '1%预算' across lines; the loader joins them."""
    raw = (SEEDS / "000_0a887f4a2e2d2c32.txt").read_text(encoding="utf-8")
    assert "按职工工资总额\n" in raw
    doc = load_document(SEEDS / "000_0a887f4a2e2d2c32.txt", corpus)
    assert "按职工工资总额1%预算党建经费" in doc.text
    # headings stay on their own lines
    assert re.search(r"^一、基层党建思想政治工作的重要性$", doc.text, re.M)


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


def test_whole_corpus_loads_without_errors():
    require_corpus()
    from conftest import CORPUS

    errors = []
    n = 0
    for p in iter_files(CORPUS):
        try:
            load_document(p, CORPUS)
            n += 1
        except LoadError as e:
            errors.append(str(e))
    assert n >= 840 and not errors
