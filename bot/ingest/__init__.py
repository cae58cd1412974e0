"""Ingest: load files into documents (``load``; cleaning in ``clean``, parsers in ``parse``), split
them into chunks (``split``), and write them into the store: the flow (``ingestor``: manifest diff,
quarantine, keyword-index refresh), one document's vectors (``writer``: reuse, sentence and pooled
vectors), the run's report and live counters (``report``), version status (``versions``)."""
