"""Knowledge-base administration: upload, delete, status, accounts (``admin``) and the background
ingest worker (``worker``)."""
