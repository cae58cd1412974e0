"""Micro-lecture drafts (``draft``)."""
