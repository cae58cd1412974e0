"""Split stage: structure of regulations, fallback splitting, metadata."""

from __future__ import annotations

from bot.ingest.load import load_document
from bot.schema import Document
from bot.ingest.split import CHUNK_SIZE, split_document
from bot.text.zh import chinese_number, split_sentences
from conftest import CASES, PARTY_CONSTITUTION, STATE_CONSTITUTION



def _reg(text: str, title: str = "测试条例") -> Document:
    return Document(text=text, path="/tmp/x.md", source="x.md", title=title, doc_type="法规", sha256="0" * 64)


def test_cross_reference_inside_sentence_is_not_a_heading():
    text = "第一章 总则\n第一条 本条例依据党章第七条制定。\n按照第二条的规定执行。\n第二条 预备期满应当及时讨论。"
    chunks = split_document(_reg(text))
    assert [c.article for c in chunks] == ["第一条", "第二条"]
    assert "按照第二条的规定执行" in chunks[0].text


def test_long_article_split_at_items_with_label_repeated():
    items = "".join(f"（{n}）{'党员应当认真学习党的理论和各项规定，' * 6}。\n" for n in "一二三四五六七八")
    text = f"第三条 党员必须履行下列义务：\n{items}"
    chunks = split_document(_reg(text))
    assert len(chunks) > 1
    assert all(c.article == "第三条" and c.article_no == 3 for c in chunks)
    assert all("党员必须履行下列义务：" in c.text for c in chunks)
    assert chunks[1].text.startswith("第三条（续）")
    assert all(len(c.text) <= 700 for c in chunks)


def test_regulation_without_articles_falls_back():
    text = "关于加强党员教育的意见\n\n" + "加强党员教育管理是党的建设的基础工作。" * 60
    chunks = split_document(_reg(text))
    assert len(chunks) > 1 and all(c.article is None for c in chunks)
    assert all(len(c.text) <= CHUNK_SIZE for c in chunks)


def test_chinese_numbers():
    assert chinese_number("一百四十三") == 143
    assert chinese_number("三十四") == 34
    assert chinese_number("34") == 34
    assert chinese_number("十") == 10


def test_sentences_split_at_chinese_stops_and_lines():
    text = "第七条 预备党员的预备期为一年。党组织对预备党员应当认真教育和考察；\n（一）\n预备期满怎么办？按期转正！"
    assert split_sentences(text) == [
        "第七条 预备党员的预备期为一年。", "党组织对预备党员应当认真教育和考察；", "预备期满怎么办？", "按期转正！",
    ]  # the bare item label （一） is too short to embed on its own
    assert split_sentences("重复的句子。重复的句子。") == ["重复的句子。"]
    assert split_sentences("") == []


def test_article_pieces_join_back_into_one_article():
    from bot.text.refs import join_article_pieces

    pieces = ["第三条 支部应当做到下列各项：\n（一）按期换届。\n（二）按时交纳党费。",
              "第三条（续） 支部应当做到下列各项：\n（三）如实报告情况。"]
    assert join_article_pieces(pieces) == ("第三条 支部应当做到下列各项：\n（一）按期换届。\n（二）按时交纳党费。\n"
                                           "（三）如实报告情况。")
    # a continuation without a repeated lead keeps all its text; a single piece is returned as it is
    assert join_article_pieces(["第九条 甲乙丙丁。\n戊己。", "第九条（续） 庚辛壬癸。"]) == "第九条 甲乙丙丁。\n戊己。\n庚辛壬癸。"
    assert join_article_pieces(["第一条 只有一段。 "]) == "第一条 只有一段。"

