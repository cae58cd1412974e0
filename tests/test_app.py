"""The real Gradio app over HTTP (subprocess), queried with gradio_client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from conftest import REPO


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(built):
    _, settings, _ = built
    port = _free_port()
    env = {**os.environ, "DANGJIAN_DATA_DIR": str(settings.data_dir), "DANGJIAN_PORT": str(port),
           "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail("app exited: " + proc.stdout.read())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("app did not start within 120 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_api_ask_cites_article_four(app_url):
    from gradio_client import Client

    result = Client(app_url, verbose=False).predict("党员有哪些权利？", api_name="/ask")
    assert "第四条" in result and "依据" in result and "[1]" in result


def test_api_ask_out_of_scope(app_url):
    from gradio_client import Client

    result = Client(app_url, verbose=False).predict("今天北京天气怎么样？", api_name="/ask")
    assert "知识库中未找到依据" in result and "依据**" not in result


def test_page_is_chinese(app_url):
    import urllib.request

    html = urllib.request.urlopen(app_url, timeout=10).read().decode("utf-8")
    assert "党建学习助手" in html
