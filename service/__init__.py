"""bnc-search service: HTTP API, staff web page and the `bnc` command line."""
