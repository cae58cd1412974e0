"""A real HTTP server speaking the OpenAI chat-completions protocol on a loopback port, whose
replies the test scripts. Streaming (SSE) and non-streaming; failure modes for the tests."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client hanging up mid-stream is expected here
        pass


class FakeOpenAI:
    """``script(reply)`` queues replies; each request pops one (the last one repeats).

    A reply is a dict: ``{"content": str}``; ``{"status": 500}``; ``{"sleep": s, "content": …}``;
    ``{"malformed": True}`` (garbage in the stream); ``{"die_after": n, "content": …}`` (close the
    connection after n stream chunks). ``requests`` records the JSON bodies received.
    """

    def __init__(self):
        self.replies: deque = deque()
        self.requests: list[dict] = []
        self.server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def script(self, *replies: dict) -> None:
        self.replies.clear()
        self.replies.extend(replies)
        self.requests.clear()

    def _next(self) -> dict:
        if len(self.replies) > 1:
            return self.replies.popleft()
        return self.replies[0] if self.replies else {"content": "知识库中未找到依据"}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append(body)
                reply = fake._next()
                if reply.get("sleep"):
                    time.sleep(reply["sleep"])
                if reply.get("status"):
                    data = json.dumps({"error": {"message": "boom", "type": "server_error"}}).encode()
                    self.send_response(reply["status"])
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                content = reply.get("content", "")
                if body.get("stream"):
                    self._stream(content, reply)
                else:
                    data = json.dumps({
                        "id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()), "model": body.get("model"),
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }, ensure_ascii=False).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def _stream(self, content: str, reply: dict):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                pieces = [content[i:i + 4] for i in range(0, len(content), 4)] or [""]
                for n, piece in enumerate(pieces):
                    if reply.get("die_after") is not None and n >= reply["die_after"]:
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        self.close_connection = True
                        return
                    if reply.get("malformed") and n == 1:
                        self.wfile.write(b"data: {this is not json\n\n")
                        self.wfile.flush()
                        continue
                    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "m",
                             "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                end = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "m",
                       "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()
                self.close_connection = True

        return Handler
