"""Formats of this language; see agepartners/formats/__init__.py."""
