"""Searching a snapshot: query language, glossary, retrieval stages, fusion, citations, highlights."""
