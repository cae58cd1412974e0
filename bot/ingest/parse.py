"""The parser process of :func:`bot.ingest.readers.parse_isolated`: ``python -m bot.ingest.parse``.

Reads one JSON line ``{"suffix", "path", "limits"}`` and then the file's bytes (for HTML) from stdin,
caps its own address space at ``limits["memory_mb"]`` (RLIMIT_AS) before importing any parser, and
writes one JSON object to stdout: ``{"text": ...}`` or ``{"error": "<Chinese reason>"}``. A file that
needs more memory ends in MemoryError here (reported), or kills this process alone.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path


def main() -> int:
    head, _, data = sys.stdin.buffer.read().partition(b"\n")
    request = json.loads(head.decode("utf-8"))
    limit = int(request["limits"]["memory_mb"]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from bot.ingest.limits import LoadError, LoadLimits
    from bot.ingest.readers import parse_file

    limits = LoadLimits(**request["limits"])
    try:
        reply = {"text": parse_file(request["suffix"], Path(request["path"]), data, limits)}
    except LoadError as e:
        reply = {"error": e.reason}
    except MemoryError:
        reply = {"error": f"文件解析所需内存超过上限（{limits.memory_mb} MB），不予索引"}
    sys.stdout.write(json.dumps(reply, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
