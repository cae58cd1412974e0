"""Personal study: a study record per logged-in member (SQLAlchemy + Alembic), the 错题本, the daily
set with a Leitner review schedule, progress by regulation and chapter, and the branch view.

Public API: :class:`StudyStore` (the record), :class:`StudyService` (sets and answers),
:func:`branch_xlsx`, :func:`database_url`.
"""

from bot.study.export import BRANCH_COLUMNS, branch_xlsx
from bot.study.practice import MODES, Feedback, PracticeSet, StudyService, answer_text, check_response
from bot.study.records import BookEntry, BranchRow, ItemRecord, ProgressRow, WeakArticle, content_key
from bot.study.store import StudyStore, StudyStoreError, database_url, migrate

__all__ = ["BRANCH_COLUMNS", "BookEntry", "BranchRow", "Feedback", "ItemRecord", "MODES", "PracticeSet",
           "ProgressRow", "StudyService", "StudyStore", "StudyStoreError", "WeakArticle", "answer_text",
           "branch_xlsx", "check_response", "content_key", "database_url", "migrate"]
