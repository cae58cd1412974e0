"""End-to-end in a real browser: Playwright drives Debian's chromium (no browser download).

Logs in as admin, uploads a document (with hostile HTML in it) in the 知识库 tab, asks about it and
sees the citation, checks nothing from the document executed, generates a quiz and downloads the
xlsx. Screenshots go to ``test-output/browser/`` in the repository.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bot.kb import admin as kb
from conftest import REPO, launch_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = REPO / "test-output" / "browser"
DOC = """# 党费工作细则

第一条 党员每月按时交纳党费。<script>window.__pwned = 1</script>

第二条 党费由党支部统一收缴，每季度公布一次收缴情况。<img src=x onerror="window.__pwned = 2">

第三条 党费收缴情况[点此查看](javascript:window.__pwned=3)应当接受党员监督。
"""

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="没有安装 chromium（.ci/run 会用 apt-get 安装）")


def download(page, link: str, target: Path) -> Path:
    """Click the first ``link`` on ``page`` and save the file it downloads as ``target``."""
    with page.expect_download() as info:
        page.locator(link).first.click()
    info.value.save_as(target)
    return target


@pytest.fixture()
def app_with_login(built, tmp_path):
    _, settings, _ = built
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    users = {"admin": {"password_hash": kb.hash_password("admin-pw"), "role": "admin"}}
    env = {"DANGJIAN_DATA_DIR": str(data), "DANGJIAN_KB_DIR": str(tmp_path / "kb"), "DANGJIAN_USERS": json.dumps(users)}
    with launch_app(env) as url:
        yield url


def test_admin_uploads_asks_and_exports(app_with_login, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    doc = tmp_path / "党费工作细则.md"
    doc.write_text(DOC, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(60_000)
        expect.set_options(timeout=60_000)  # assertions wait as long as actions (slow CI machines)
        page.goto(app_with_login)
        page.locator("input[type=text]").first.fill("admin")
        page.locator("input[type=password]").first.fill("admin-pw")
        page.get_by_role("button", name="Login").click()
        expect(page.get_by_text("党建学习助手").first).to_be_visible()

        # knowledge base: upload
        page.get_by_role("tab", name="知识库（管理员）").click()
        page.locator("#kb-upload input[type=file]").set_input_files(str(doc))
        expect(page.locator("#kb-upload").get_by_text("党费工作细则.md").first).to_be_visible()  # upload reached the server
        page.locator("#kb-upload-btn").click()
        expect(page.locator("#kb-status").get_by_text("新增 1 篇")).to_be_visible()
        expect(page.locator("#kb-table").get_by_text("党费工作细则").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "knowledge-base.png"), full_page=True)

        # chat: the new document is cited
        page.get_by_role("tab", name="问答").click()
        box = page.locator("#chat-box textarea")
        box.fill("党费多久公布一次收缴情况？")
        box.press("Enter")
        expect(page.locator("#sources").get_by_text("《党费工作细则》第二条")).to_be_visible()
        expect(page.get_by_text("每季度公布一次").first).to_be_visible()
        # the citation is a card: the quoted sentence highlighted inside the article
        expect(page.locator("#cite-1-1 mark").first).to_contain_text("每季度公布一次")
        expect(page.locator("#cite-1-1 summary")).to_contain_text("现行有效")
        expect(page.locator("#cite-1-1 summary")).to_contain_text("版本未注明")  # the upload names no edition
        expect(page.locator("#cite-1-1 .cite-file")).to_have_text("文件：党费工作细则.md")  # admins see the file
        box.fill("党费收缴情况应当接受谁的监督？")
        box.press("Enter")
        expect(page.locator("#sources").get_by_text("《党费工作细则》第三条")).to_be_visible()
        # the first answer's card stays reachable: its [1] opens it inside the folded earlier group
        expect(page.locator("#cite-1-1")).not_to_be_visible()
        page.locator('#chat-box').scroll_into_view_if_needed()
        page.locator('a.cite-link[href="#cite-1-1"]').first.click()
        expect(page.locator("#cite-1-1 mark").first).to_be_visible()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SHOTS / "chat-with-citations.png"), full_page=True)
        assert page.evaluate("typeof window.__pwned") == "undefined"  # nothing from the document ran
        assert page.locator("#sources script").count() == 0 and page.locator("#sources img").count() == 0

        # quiz: generate and download the xlsx
        page.get_by_role("tab", name="出题").click()
        page.locator("#quiz-topic textarea").fill("党费的收缴和公布")
        page.locator("#quiz-go").click()
        expect(page.locator("#quiz-status").get_by_text("已生成")).to_be_visible()
        made = int(re.search(r"已生成\s*(\d+)\s*题", page.locator("#quiz-status").inner_text()).group(1))
        page.screenshot(path=str(SHOTS / "quiz.png"), full_page=True)
        target = download(page, "#quiz-xlsx a", tmp_path / "题库.xlsx")
        browser.close()

    from openpyxl import load_workbook

    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    # the three-article document gives few items (at most two per article, and since issue #19's fourth reading
    # no true 判断 without a false one beside it or without a test point): the file holds what was shown
    assert rows[0][:2] == ("题型", "题干") and made >= 1 and len(rows) == made + 1
    assert all("党费" in str(r[1]) for r in rows[1:])


LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


def login(page, url: str, user: str, password: str) -> None:
    from playwright.sync_api import expect

    page.set_default_timeout(60_000)
    page.goto(url)
    page.locator("input[type=text]").first.fill(user)
    page.locator("input[type=password]").first.fill(password)
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_text("党建学习助手").first).to_be_visible()


@pytest.fixture(scope="module")
def regulations_app(regulations_built, tmp_path_factory):
    """The app over the ten regulations (a copy of the session index) with an admin and two members:
    zhang practises (test_member_practises_and_admin_sees_branch), li only reads."""
    data = tmp_path_factory.mktemp("browser-data") / "data"
    shutil.copytree(regulations_built.settings.data_dir, data)
    users = {"admin": {"password_hash": kb.hash_password("admin-pw"), "role": "admin"},
             "zhang": {"password_hash": kb.hash_password("member-pw"), "role": "member"},
             "li": {"password_hash": kb.hash_password("member-pw"), "role": "member"}}
    env = {"DANGJIAN_DATA_DIR": str(data), "DANGJIAN_KB_DIR": str(regulations_built.settings.kb_dir),
           "DANGJIAN_USERS": json.dumps(users)}
    with launch_app(env) as url:
        yield url


def inside_width(page, selector: str, width: int) -> int:
    """How many elements match ``selector``, after asserting each is visible and lies within
    [0, ``width``] horizontally (its bounding box in the viewport)."""
    boxes = [page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())]
    assert boxes, f"nothing matches {selector}"
    for box in boxes:
        assert box and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (selector, box)
    return len(boxes)


def test_member_reads_citations_quiz_and_paper(regulations_app, tmp_path):
    """A member (li) opens a citation card from [n] (highlighted sentence, 《标题》第X条, version and
    status, no file name); generates a quiz whose options and answers lie inside the viewport at
    1366 px and at 390 px (a phone); builds a small paper through the 组卷 form and downloads it;
    drafts a 微党课 whose 参考依据 entries are list items, one each."""
    import docx
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        expect.set_options(timeout=60_000)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        login(page, regulations_app, "li", "member-pw")

        # citations: [1] opens its card, the quoted sentence is marked; a member sees no file name
        box = page.locator("#chat-box textarea")
        box.fill("预备党员的预备期是多长时间？")
        box.press("Enter")
        expect(page.locator("#sources .cite-card").first).to_be_visible()
        page.locator("#cite-1-1").evaluate("d => d.open = false")  # closed, so the click below must open it
        page.locator('a.cite-link[href="#cite-1-1"]').first.click()
        card = page.locator("#cite-1-1")
        expect(card.locator("mark").first).to_be_visible()
        expect(card.locator("mark").first).to_contain_text("预备期为一年")
        summary = card.locator("summary").inner_text()
        assert re.search(r"《中国共产党章程》第七条", summary), summary
        assert re.search(r"现行有效|已修订", summary), summary
        assert re.search(r"\d{4}", summary), summary  # the version (year of the edition)
        assert page.locator("#sources .cite-file").count() == 0 and "文件：" not in page.locator("#sources").inner_text()
        page.wait_for_timeout(800)
        page.screenshot(path=str(SHOTS / "citation-card.png"), full_page=True)

        # quiz preview: every card's options and answer inside the viewport, on a desktop and a phone
        page.get_by_role("tab", name="出题").click()
        page.locator("#quiz-topic textarea").fill("预备党员")
        for kind in ("判断", "填空"):  # choice items only: each has options to see
            page.get_by_label(kind, exact=True).uncheck()
        page.locator("#quiz-go").click()
        expect(page.locator("#quiz-status").get_by_text("已生成")).to_be_visible()
        made = int(re.search(r"已生成\s*(\d+)\s*题", page.locator("#quiz-status").inner_text()).group(1))
        assert made >= 4
        for width, height in ((1366, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(500)
            assert inside_width(page, "#quiz-preview .quiz-card", width) == made
            assert inside_width(page, "#quiz-preview .quiz-opts li", width) >= 3 * made
            assert inside_width(page, "#quiz-preview .quiz-answer", width) == made
            assert inside_width(page, "#quiz-preview .quiz-src", width) == made
            page.locator("#quiz-preview").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / f"quiz-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})

        # 组卷: a bad count is refused in Chinese, then a small paper is built and downloaded
        page.locator("#paper-form").get_by_text("组卷").first.click()
        counts = {"单选": "3", "多选": "0", "判断": "2", "填空": "0"}
        page.locator("#paper-count-单选 input").fill("-1")
        page.locator("#paper-cover textarea").fill("中国共产党纪律处分条例 第八条-第十四条")
        page.locator("#paper-go").click()
        expect(page.get_by_text("单选题数应在 0 到").first).to_be_visible()
        page.get_by_test_id("toast-close").first.click()
        for kind, count in counts.items():
            page.locator(f"#paper-count-{kind} input").fill(count)
        page.locator("#paper-points-判断 input").fill("2")
        page.locator("#paper-title textarea").fill("支部纪律知识测试")
        page.locator("#paper-go").click()
        expect(page.locator("#paper-status").get_by_text("已组卷")).to_be_visible()
        page.locator("#paper-form").screenshot(path=str(SHOTS / "paper-form.png"))
        paper = download(page, "#paper-docx a", tmp_path / "试卷.docx")
        key = download(page, "#paper-key a", tmp_path / "答案.docx")

        # 微党课: the sections are headings and each 参考依据 entry is its own list item
        page.get_by_role("tab", name="微党课").click()
        page.locator("#lecture-topic textarea").fill("严守党的纪律")
        page.locator("#lecture-go").click()
        preview = page.locator("#lecture-preview")
        expect(preview.locator("h2", has_text="参考依据")).to_be_visible()
        sections = preview.locator("h2").all_inner_texts()
        assert sections[0] == "时间安排" and any(t.startswith("一、开场导入") for t in sections), sections
        refs = preview.locator("xpath=.//h2[contains(., '参考依据')]/following-sibling::ul[1]/li").all_inner_texts()
        assert refs and all(re.fullmatch(r"\[\d+\] 《[^》]+》第\S+条（法规）|\[\d+\] 《[^》]+》\S*（案例）", r) for r in refs), refs
        assert [int(re.match(r"\[(\d+)\]", r).group(1)) for r in refs] == list(range(1, len(refs) + 1))
        preview.locator("h2", has_text="讨论题").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "lecture.png"))
        browser.close()

    text = [para.text for para in docx.Document(paper).paragraphs]
    numbered = [t for t in text if re.match(r"^\d+\. ", t)]
    assert text[0] == "支部纪律知识测试" and len(numbered) == 5 and "满分 7 分，考试时间 60 分钟" in text
    assert [t.endswith("（2 分）") for t in numbered] == [False, False, False, True, True]
    assert sum(1 for t in (para.text for para in docx.Document(key).paragraphs) if re.match(r"^\d+\. 答案：", t)) == 5


def test_member_practises_and_admin_sees_branch(regulations_app, tmp_path):
    """A member does 每日一练 (ten items, answering with the first option), ends with the review of the
    wrong answers (their answer, the right one, 解析, 出处), and sees the 错题本 and the progress chart;
    the admin sees the branch view and downloads it as xlsx."""
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    url = regulations_app
    with sync_playwright() as p:
        expect.set_options(timeout=60_000)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        login(page, url, "zhang", "member-pw")
        page.get_by_role("tab", name="练习").click()
        expect(page.locator("#study-who").get_by_text("zhang")).to_be_visible()
        page.locator("#practice-daily").click()
        wrong = 0
        for n in range(1, 11):
            expect(page.locator("#practice-progress").get_by_text(f"第 {n}/10 题")).to_be_visible()
            if page.locator("#practice-choice").is_visible():
                page.locator("#practice-choice label").first.click()
            elif page.locator("#practice-multi").is_visible():
                page.locator("#practice-multi label").first.click()
            else:
                page.locator("#practice-blank textarea").fill("不知道")
            page.locator("#practice-submit").click()
            verdict = page.locator("#practice-feedback").get_by_text("回答")
            expect(verdict.first).to_be_visible()
            wrong += "错误" in verdict.first.inner_text()
            if n == 1:
                page.screenshot(path=str(SHOTS / "practice-feedback.png"), full_page=True)
            page.locator("#practice-next").click()
        expect(page.locator("#practice-progress").get_by_text("练习结束")).to_be_visible()
        assert wrong > 0, "填空 answered 不知道 and choices answered with the first option: some must be wrong"
        review = page.locator("#practice-stem")
        expect(review.get_by_text("本组错题回顾")).to_be_visible()
        text = review.inner_text()
        assert f"本组错题回顾（{wrong} 题）" in text, text
        for part in ("你的答案：", "正确答案：", "解析：", "出处：《"):
            assert text.count(part) == wrong, (part, text)
        review.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "practice-review.png"), full_page=True)
        # the record: 错题本 entries and a drawn chart
        expect(page.locator("#study-book").get_by_text("第").first).to_be_visible()
        expect(page.locator("#study-chart canvas, #study-chart svg").first).to_be_visible()
        expect(page.locator("#study-who")).to_contain_text("已练 10 题")
        page.locator("#study-record").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "practice-record.png"), full_page=True)

        admin = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True).new_page()
        login(admin, url, "admin", "admin-pw")
        admin.get_by_role("tab", name="支部学习情况（管理员）").click()
        admin.locator("#branch-go").click()
        expect(admin.locator("#branch-summary").get_by_text("1/2 人参加练习")).to_be_visible()
        expect(admin.locator("#branch-table")).to_contain_text("zhang")
        admin.screenshot(path=str(SHOTS / "branch.png"), full_page=True)
        target = download(admin, "#branch-xlsx a", tmp_path / "支部学习情况.xlsx")
        browser.close()

    from openpyxl import load_workbook

    cells = [c for row in load_workbook(target).active.iter_rows(values_only=True) for c in row]
    assert "zhang" in cells


def test_empty_knowledge_base_says_so(tmp_path):
    """With nothing indexed the first screen says the knowledge base is empty and how to fill it."""
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    (tmp_path / "kb").mkdir()
    env = {"DANGJIAN_DATA_DIR": str(tmp_path / "data"), "DANGJIAN_KB_DIR": str(tmp_path / "kb")}
    with launch_app(env) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(url)
        banner = page.locator("#kb-banner")
        expect(banner).to_contain_text("知识库是空的", timeout=60_000)
        expect(banner).to_contain_text(f"dangjian ingest {tmp_path / 'kb'}")
        page.screenshot(path=str(SHOTS / "empty-knowledge-base.png"), full_page=True)
        browser.close()
