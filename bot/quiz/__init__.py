"""Quiz: item generation (``generator``), the quality gate (``check``) and papers (``paper``)."""
