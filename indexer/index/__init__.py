"""Building and storing indexes: analyzers, lexical and vector indexes, the embedding cache, alignment, snapshots."""
