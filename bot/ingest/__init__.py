"""Ingest: load files into documents (``load``, ``parse``) and split them into chunks (``split``)."""
