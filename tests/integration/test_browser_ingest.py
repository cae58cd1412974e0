"""In a real browser (Playwright + Debian chromium, as tests/integration/test_browser.py): the progress banner
while the app indexes its knowledge base at start-up, an answer carrying the indexing note, the job
in the 知识库 tab, and the banner gone when indexing is done. Screenshots: ``test-output/browser/``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CASES, launch_app
from test_browser import CHROMIUM, LAUNCH_ARGS, SHOTS

RULE = """# 党费工作细则

第一条 党员每月按时交纳党费。

第二条 党费由党支部统一收缴，每季度公布一次收缴情况。

第三条 党费收缴情况应当接受党员监督。
"""

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="没有安装 chromium（.ci/run 会用 apt-get 安装）")


def test_progress_banner_while_indexing(corpus, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    kb = tmp_path / "kb"
    (kb / "regulations").mkdir(parents=True)
    (kb / "cases").mkdir()
    (kb / "regulations" / "党费工作细则.md").write_text(RULE, encoding="utf-8")
    for case in sorted(CASES.glob("*.md"), key=lambda p: (p.stat().st_size, p.name))[:2]:
        shutil.copy(case, kb / "cases")
    env = {"DANGJIAN_DATA_DIR": str(tmp_path / "data"), "DANGJIAN_KB_DIR": str(kb), "DANGJIAN_INGEST_ON_START": "1",
           "DANGJIAN_INGEST_THROTTLE_S": "6", "DANGJIAN_STATUS_REFRESH_S": "1"}
    with launch_app(env) as url, sync_playwright() as p:
        expect.set_options(timeout=120_000)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(120_000)
        page.goto(url)
        banner = page.locator("#kb-banner")
        expect(banner).to_contain_text("知识库正在后台索引")
        # the regulation goes first; once it is in, the banner says so while the cases are still indexed
        expect(banner).to_contain_text("1 篇法规已全部可检索")
        expect(banner).to_contain_text("/3 篇")
        expect(banner).to_contain_text("预计还需")
        page.screenshot(path=str(SHOTS / "indexing-progress.png"), full_page=True)
        box = page.locator("#chat-box textarea")
        box.fill("党费多久公布一次收缴情况？")
        box.press("Enter")
        expect(page.get_by_text("每季度公布一次").first).to_be_visible()
        expect(page.get_by_text("索引仍在进行").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "answer-while-indexing.png"), full_page=True)
        # done: the banner goes away by itself (no reload), the 知识库 tab lists the finished job
        expect(banner).not_to_contain_text("正在后台索引")
        expect(banner).not_to_contain_text("知识库是空的")
        page.get_by_role("tab", name="知识库（管理员）").click()
        expect(page.locator("#kb-jobs")).to_contain_text("启动时索引")
        expect(page.locator("#kb-jobs")).to_contain_text("已完成：新增 3 篇")
        expect(page.locator("#kb-table").get_by_text("党费工作细则").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "indexing-done.png"), full_page=True)
        browser.close()
