"""bnc-search indexer: documents -> passages -> lexical and dense indexes -> search."""

from indexer.types import Citation, Document, Passage, SearchHit

__all__ = ["Citation", "Document", "Passage", "SearchHit"]
