"""Answers as quotes: the sentence that answers a question, with its citation."""
