"""What a file may be: :class:`LoadError` (why a file is not turned into a document) and
:class:`LoadLimits` (the bounds a file must stay within). Shared by the loader (:mod:`bot.ingest.load`)
and the parsers (:mod:`bot.ingest.readers`, run in the parser process :mod:`bot.ingest.parse`).

Public API: :class:`LoadError`, :class:`LoadLimits`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class LoadError(Exception):
    """A file could not be turned into a document. ``str(err)`` names the file and the reason (Chinese).

    ``refused`` is True when the file's own content is the problem (corrupt, empty, too large, a zip
    bomb): such a file inside the knowledge base is moved to quarantine by the ingest, so it is
    reported once. It is False for problems beside the file (an unreadable file, a bad sidecar)."""

    def __init__(self, path: Path | str, reason: str, refused: bool = True):
        self.path = str(path)
        self.reason = reason
        self.refused = refused
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):  # raised in the parser process, re-raised here
        return (LoadError, (self.path, self.reason, self.refused))


@dataclass(frozen=True)
class LoadLimits:
    """Bounds on one file; :class:`bot.config.Settings` documents each and holds the defaults
    (``LoadLimits.default()``).

    Attributes: ``max_bytes`` (file size), ``max_chars`` (extracted text, characters),
    ``max_pdf_pages``, ``max_container_bytes`` (uncompressed XML of a .docx), ``max_container_entries``,
    ``memory_mb`` (address space of the parser process), ``timeout_s`` (parse time of one file).
    """

    max_bytes: int
    max_chars: int
    max_pdf_pages: int
    max_container_bytes: int
    max_container_entries: int
    memory_mb: int
    timeout_s: float

    @classmethod
    def default(cls) -> "LoadLimits":
        """The limits of a default :class:`bot.config.Settings` (environment variables not read)."""
        from types import SimpleNamespace

        from bot.config import Settings

        return cls.from_settings(SimpleNamespace(**{k: f.default for k, f in Settings.model_fields.items()}))

    @classmethod
    def from_settings(cls, settings) -> "LoadLimits":
        return cls(max_bytes=int(settings.max_file_mb * 2**20), max_chars=settings.max_document_chars,
                   max_pdf_pages=settings.max_pdf_pages, max_container_bytes=int(settings.max_container_mb * 2**20),
                   max_container_entries=settings.max_container_entries, memory_mb=settings.parse_memory_mb,
                   timeout_s=settings.parse_timeout_s)
