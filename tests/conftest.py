"""Shared fixtures: a real Chroma index on disk, built once per session from a subset of the
development corpus in ../shared/corpus (copied into a temporary knowledge base)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
QUIZBANKS = SHARED / "eval" / "quizbanks"
PARTY_CONSTITUTION = CORPUS / "regulations" / "中国共产党章程_2017十九大修改.md"
STATE_CONSTITUTION = CORPUS / "regulations" / "中华人民共和国宪法_2018修正.md"
CASES = CORPUS / "cases" / "ccdi_yewutantao"
SEEDS = CORPUS / "seeds"

#: Case files used by the subset (chosen by title; the rest of the library is left out for speed).
CASE_TITLES = [
    "18期如何处理下落不明的党员？",
    "15期中央纪委审理室：党纪处分决定作出后，如何宣布和执行？",
    "14期为您解答_纪检监察机关如何认定和处理实名、匿名举报？",
    "“利用职务上便利”中的“隶属关系、制约关系”解析",
    "9年前挪用公款30万元，是否已过追诉时效？",
    "“两面人”违纪行为辨析",
]
SEED_FILES = ["000_0a887f4a2e2d2c32.txt", "003_de155e735d954f35.txt"]


def require_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus 不存在（{CORPUS}）：需要开发语料的测试被跳过")


@pytest.fixture(scope="session")
def corpus() -> Path:
    require_corpus()
    return CORPUS


@pytest.fixture(scope="session")
def subset_kb(tmp_path_factory, corpus) -> Path:
    """A knowledge base with the two constitutions, six case files and two seed papers."""
    kb = tmp_path_factory.mktemp("kb")
    (kb / "regulations").mkdir()
    (kb / "cases").mkdir()
    (kb / "papers").mkdir()
    shutil.copy(PARTY_CONSTITUTION, kb / "regulations")
    shutil.copy(STATE_CONSTITUTION, kb / "regulations")
    for title in CASE_TITLES:
        shutil.copy(CASES / f"{title}.md", kb / "cases")
    for name in SEED_FILES:
        shutil.copy(SEEDS / name, kb / "papers")
    return kb


@pytest.fixture(scope="session")
def settings_factory(tmp_path_factory):
    from bot.config import Settings

    def make(**kw):
        kw.setdefault("data_dir", tmp_path_factory.mktemp("data"))
        return Settings(**kw)

    return make


@pytest.fixture(scope="session")
def built(subset_kb, tmp_path_factory):
    """(pipeline, settings, first ingest report) over the subset knowledge base."""
    from bot.config import Settings
    from bot.pipeline import Pipeline

    data = tmp_path_factory.mktemp("index")
    settings = Settings(data_dir=data, kb_dir=subset_kb)
    pipe = Pipeline(settings)
    report = pipe.ingest(subset_kb, show_progress=False)
    return pipe, settings, report


@pytest.fixture(scope="session")
def pipeline(built):
    return built[0]


@pytest.fixture(scope="session")
def regulations_kb(tmp_path_factory, corpus) -> Path:
    """A knowledge base with all ten regulations of the corpus and the subset's six case files."""
    kb = tmp_path_factory.mktemp("kb-regulations")
    shutil.copytree(CORPUS / "regulations", kb / "regulations")
    (kb / "cases").mkdir()
    for title in CASE_TITLES:
        shutil.copy(CASES / f"{title}.md", kb / "cases")
    return kb


@pytest.fixture(scope="session")
def regulations_built(regulations_kb, tmp_path_factory):
    """A :class:`bot.pipeline.Pipeline` over :func:`regulations_kb`, indexed once per session."""
    from bot.config import Settings
    from bot.pipeline import Pipeline

    data = tmp_path_factory.mktemp("index-regulations")
    # DANGJIAN_TEST_INDEX_CACHE (opt-in, for local runs): keep this index there and start from a copy of
    # it next time; the ingest below still runs and re-indexes whatever differs. CI never sets it.
    cache = os.environ.get("DANGJIAN_TEST_INDEX_CACHE")
    cached = Path(cache) / "regulations" if cache else None
    if cached and cached.is_dir():
        shutil.copytree(cached, data, dirs_exist_ok=True)
    settings = Settings(data_dir=data, kb_dir=regulations_kb)
    pipe = Pipeline(settings)
    pipe.ingest(regulations_kb, show_progress=False)
    if cached and not cached.is_dir():
        shutil.copytree(data, cached)
    return pipe


def run_cli(*args: str, env: dict | None = None, input: str | None = None, timeout: int = 300):
    """Run ``python -m bot ARGS`` as a subprocess; returns CompletedProcess (text mode)."""
    import subprocess

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO, env=full_env, input=input, capture_output=True, text=True, timeout=timeout,
    )


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def launch_app(env: dict, timeout: float = 120, with_process: bool = False):
    """Start ``python app.py`` on a free loopback port with ``env``; yield its URL (with
    ``with_process``: the URL and the ``subprocess.Popen``); stop it. The app does not index its
    knowledge base at start-up (nor fall back to ../shared/corpus) unless ``env`` sets
    ``DANGJIAN_INGEST_ON_START=1``: most tests serve an index built by a fixture."""
    import socket
    import subprocess
    import time

    port = free_port()
    full = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "DANGJIAN_PORT": str(port),
            "DANGJIAN_INGEST_ON_START": "0", "DANGJIAN_KB_FALLBACK_DIR": "", **env}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + timeout
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail("app exited: " + proc.stdout.read())
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.time() > deadline:
                    pytest.fail(f"app did not start within {timeout} s")
                time.sleep(0.5)
        url = f"http://127.0.0.1:{port}/"
        yield (url, proc) if with_process else url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _postgres_base_url() -> str | None:
    """The PostgreSQL URL of a role that may create databases (``.ci/run`` starts the server and sets
    DANGJIAN_TEST_DATABASE_URL); None when there is none outside CI. In CI its absence fails the test."""
    url = os.environ.get("DANGJIAN_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI 中必须有 PostgreSQL：.ci/run 用 .ci/postgres.sh 启动它并设置 DANGJIAN_TEST_DATABASE_URL")
        pytest.skip("没有 PostgreSQL（运行 `bash .ci/postgres.sh` 并把它输出的地址设为 DANGJIAN_TEST_DATABASE_URL）")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def study_db_url(request, tmp_path):
    """A fresh, empty study-record database: a SQLite file, or a new database on the PostgreSQL server
    (created for the test and dropped after it). The same tests run on both."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'study.sqlite3'}"
        return
    import uuid

    from sqlalchemy import create_engine, text

    base = _postgres_base_url()
    name = f"study_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# ---- helpers of the hardening tests (unit and integration) ----

def rss_mb(pid: str | int = "self") -> float:
    """Resident memory of process ``pid`` in MiB, from /proc (0.0 where /proc has no VmRSS line)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def zip_bomb(path: Path, paragraphs: int = 20_000_000) -> Path:
    """A .docx-shaped zip whose word/document.xml holds ``paragraphs`` empty paragraphs (120 MB of XML
    that deflates to about 120 KB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b"<w:p/>" * 100_000
            for _ in range(paragraphs // 100_000):
                f.write(block)
    return path
