"""The span relevance rule, on synthetic passages and on the real commission labels and corpus."""

from __future__ import annotations

from eval.datasets.commission import read_questions
from eval.datasets.types import SpanLabel
from eval.overlap import covers_half, locate, overlap, relevant_passages
from indexer.ingest.header_block import header_end
from indexer.ingest.splitter import split_document
from indexer.types import Document, Passage

BODY = "Alpha beta gamma.\n\nDelta epsilon zeta eta theta.\n\nIota kappa."


def passage(start: int, end: int, doc_id: str = "d", body: str = BODY) -> Passage:
    return Passage(f"{doc_id}:{start}", doc_id, "en", "", 1, start, end, body[start:end])


def test_locate_exact_match_only() -> None:
    assert locate(BODY, "epsilon zeta") == (BODY.index("epsilon"), BODY.index("epsilon") + len("epsilon zeta"))
    assert locate(BODY, "Epsilon zeta") is None
    assert locate(BODY, "") is None


def test_overlap_counts_shared_characters() -> None:
    assert overlap((0, 10), (5, 20)) == 5
    assert overlap((0, 10), (10, 20)) == 0
    assert overlap((3, 4), (0, 100)) == 1


def test_half_of_the_span_is_enough_and_less_is_not() -> None:
    span = (10, 20)  # 10 characters
    assert covers_half(passage(0, 15), span)  # exactly 5 of 10
    assert not covers_half(passage(0, 14), span)  # 4 of 10
    assert covers_half(passage(12, 40), span)  # 8 of 10
    odd = (10, 21)  # 11 characters: 6 needed
    assert covers_half(passage(15, 30), odd)
    assert not covers_half(passage(16, 30), odd)


def test_relevant_passages_only_in_labeled_documents() -> None:
    docs = {"d": Document("d", "en", "t", BODY), "e": Document("e", "en", "t", BODY)}
    quote = "epsilon zeta eta"
    start = BODY.index(quote)
    ps = [passage(0, start + 3), passage(start + 3, len(BODY)), passage(0, len(BODY), doc_id="e")]
    rel = relevant_passages(ps, docs, [SpanLabel("d", quote)])
    assert rel == {ps[1].passage_id}  # 13 of 16 characters; the first has 3; "e" is not labeled
    assert relevant_passages(ps, docs, [SpanLabel("d", "not in the body")]) == set()


def test_a_quote_split_across_two_passages_marks_the_one_with_more() -> None:
    docs = {"d": Document("d", "en", "t", BODY)}
    quote = "gamma.\n\nDelta epsilon"
    start = BODY.index(quote)
    cut = BODY.index("Delta")
    ps = [passage(0, cut - 2), passage(cut, len(BODY))]
    assert relevant_passages(ps, docs, [SpanLabel("d", quote)]) == {ps[1].passage_id}
    assert start < cut


def test_every_commission_quote_is_found_and_marks_a_passage(corpus_docs: list[Document]) -> None:
    docs = {d.doc_id: d for d in corpus_docs}
    passages = [p for d in corpus_docs for p in split_document(d)]
    for row in read_questions():
        for label in row["labels"]:
            assert locate(docs[label["doc_id"]].body, label["quote"]) is not None, row["id"]
        if row["section"] == "Header":
            # the header block is metadata, no passage: its date and place answer from the document's fields
            for label in row["labels"]:
                doc = docs[label["doc_id"]]
                span = locate(doc.body, label["quote"])
                assert span is not None and span[1] <= header_end(doc.body, doc.lang), row["id"]
                assert not relevant_passages(passages, docs, [SpanLabel(label["doc_id"], label["quote"])])
                assert doc.date == "2002-11-26" and doc.meta["place"], row["id"]
            continue
        if row["answerable"]:
            for lang in ("en", "es"):
                labels = [SpanLabel(lab["doc_id"], lab["quote"]) for lab in row["labels"]]
                rel = relevant_passages([p for p in passages if p.lang == lang], docs, labels)
                assert rel, f"{row['id']}: no relevant {lang} passage"
                quotes = [lab["quote"] for lab in row["labels"] if docs[lab["doc_id"]].lang == lang]
                assert any(row["answers"][lang] in q for q in quotes), row["id"]
