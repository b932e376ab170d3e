"""Near misses and cross-language phrases: the question's qualifiers (years, numbers, months, names, an amount
of money) and whether a text says them, EN and ES; the phrase of a cross-language quote carried over from the
asker-language twin; and sentence features that do not change with the process's string hash seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from indexer.answers.answer import Answerer
from indexer.answers.answer_type import Phrase
from indexer.answers.constraints import asked_constraints, money_miss, question_constraints, unmet
from indexer.answers.projection import project
from indexer.retrieval.search import Searcher, SearchFilters
from indexer.translate import Translation
from indexer.types import Document

BCC_EN = (
    "The U.S. delegation reported the completion of the Border Crossing Card (BCC) Replacement Program on "
    "September 30, 2002."
)
BCC_ES = (
    "La delegación estadounidense informó de la conclusión del Programa de Sustitución de la Tarjeta de Cruce "
    "Fronterizo (BCC) el 30 de septiembre de 2002."
)


def test_a_translated_questions_glossary_forms_are_one_name_said_by_any_form() -> None:
    # the search appends every form of every glossary entry it found to the translator's text
    forms = ("Binational Commission", "BNC")
    text = "In which year created the ? " + " ".join(forms)
    c = asked_constraints(text, Translation("es", "en", text, 0.9, forms))
    assert c.names == frozenset() and c.name_count == 1
    assert unmet(c, "The Binational Commission was established in 1981.") == (0, 0)  # one form is enough
    assert unmet(c, "The BNC was envisioned as a simple, flexible tool.") == (0, 0)
    assert unmet(c, "Its 16 working groups were arranged under seven groups.") == (0, 1)
    # a question that names nothing gets no names from the glossary's forms for a common word ("smugglers")
    smugglers = ("Fuerza de Tarea contra el Tráfico y la Trata de Extranjeros", "polleros", "coyotes")
    text = "Qué campaña las delegaciones apalabran lanzadoras para nómadas endangered por ? " + " ".join(smugglers)
    c = asked_constraints(text, Translation("en", "es", text, 0.8, smugglers))
    assert c.names == frozenset() and c.name_count == 1
    assert unmet(c, "Ambas delegaciones acordaron lanzar una campaña de prevención contra los polleros.") == (0, 0)
    # the translator's own text keeps its qualifiers; a question as asked (no translation) reads as before
    text = "Qué reunión estuvo aguantada en noviembre 2003? Comisión Binacional CBN BNC"
    dated = asked_constraints(text, Translation("en", "es", text, 0.9, ("Comisión Binacional", "CBN", "BNC")))
    assert dated.years == {"2003"} and dated.months == {11} and dated.name_count == 1
    asked = "Which Binational Commission meeting was held in November 2003?"
    assert asked_constraints(asked, Translation("en", "es", text, 0.9, ("BNC",))) == question_constraints(asked)
    assert asked_constraints(asked) == question_constraints(asked)


def test_qualifiers_of_a_question_in_english_and_spanish() -> None:
    c = question_constraints("How many Border Crossing Cards were issued in fiscal year 2001?")
    assert c.years == {"2001"} and not c.numbers and not c.money
    assert c.names == {"borde", "cross", "cards"}  # "How" starts the question: not a name
    es = question_constraints("¿Cuál era la cuota de la visa en el año fiscal 2002?")
    assert es.years == {"2002"} and es.money and not es.names  # "¿Cuál" is the question word
    assert question_constraints("What was agreed in June 2001 about F-3 visas?").months == {6}
    assert question_constraints("What was agreed in June 2001 about F-3 visas?").numbers == {"3"}
    assert question_constraints("¿Qué significa SENTRI?").names == {"sentr"}
    assert question_constraints("Who is Manning's father?").names == {"manni"}  # the possessive is not the name
    assert question_constraints("How much does SENTRI cost?").money
    assert question_constraints("¿Siguen comprometidos ambos países?").count == 0


def test_what_a_text_does_not_say() -> None:
    fiscal = question_constraints("How many Border Crossing Cards were issued in fiscal year 2001?")
    issued = "To date nearly 6 million laser biometric travel documents (Border Crossing Cards) have been issued."
    assert unmet(fiscal, issued) == (1, 0)  # 2001 is nowhere; the names are there
    assert unmet(fiscal, issued + " In 2001, 2 million.") == (0, 0)
    assert unmet(fiscal, BCC_EN) == (1, 1)  # names match by their first five letters: "Card" is not "Cards"
    # a month in the other language, a name with its accent and inside a hyphenated word
    june = question_constraints("What did Mexico adopt in June 2001 for the Arizona desert?")
    assert unmet(june, "En junio de 2001, México adoptó un plan para el desierto de Arizona-Sonora.") == (0, 0)
    assert unmet(june, "In 2001 Mexico adopted a plan for the desert.") == (1, 1)
    # either text may say it (the sentence or its twin)
    assert unmet(question_constraints("When did Texas sign?"), "No.", "Texas signed.") == (0, 0)
    fee = question_constraints("¿Cuánto cuesta ahora la visa láser?")
    assert money_miss(fee, "Explicó las razones del aumento de la cuota.")
    assert not money_miss(fee, "La cuota es de 13 dólares.") and not money_miss(fee, "It costs $13.")
    assert not money_miss(question_constraints("How many cards?"), "No amount here.")


def test_a_phrase_found_in_the_twin_is_carried_over_to_the_quote() -> None:
    carried = project(Phrase(90, 108, "September 30, 2002"), BCC_ES, "date")
    assert carried is not None and BCC_ES[carried.start : carried.end] == "30 de septiembre de 2002"
    name = project(Phrase(0, 7, "Manning"), "El padre de Manning, Archie, jugó en Ole Miss.", "person")
    assert name is not None and name.text == "Manning"
    assert project(Phrase(0, 2, "US"), "Viajó a USA en 1990.", "place") is None  # whole words only
    assert project(Phrase(0, 5, "three"), "Había tres equipos.", "number") is None  # nothing carries over


def test_a_cross_language_answer_marks_the_phrase_in_the_quoted_language(
    searcher: Searcher, docs_by_id: dict[str, Document]
) -> None:
    answerer = Answerer(searcher)
    for question, lang, doc_lang, phrase in (
        ("When was the Border Crossing Card replacement program completed?", "en", "es", "30 de septiembre de 2002"),
        (
            "¿Cuándo concluyó el programa de sustitución de la tarjeta de cruce fronterizo?",
            "es",
            "en",
            "September 30, 2002",
        ),
    ):
        answer = answerer.ask(question, lang=lang, filters=SearchFilters(doc_lang=doc_lang))
        assert answer.quote is not None and answer.quote.passage.lang == doc_lang and answer.phrase is not None
        start, end = answer.phrase
        assert answer.quote.char_start <= start < end <= answer.quote.char_end
        assert docs_by_id[answer.quote.passage.doc_id].body[start:end] == phrase


_FEATURES_SCRIPT = """
import json
from indexer.answers.features import Raw, finish, tokens
question = "How many Border Crossing Cards were issued to Mexican border-crossers in fiscal year 2001?"
from indexer.index.analysis import analyze
terms = set(analyze(question, "en"))
texts = [
    "The U.S. delegation reported the completion of the Border Crossing Card Replacement Program.",
    "To date nearly 6 million laser biometric travel documents have been issued to Mexican border-crossers.",
    "Also, the U.S. delegation explained the reasons for the visa process fee increase.",
]
base = dict(cos=0.5, overlap=0.5, bigrams=0.0, type_match=0.0, type_miss=1.0, position=0.0, first=0.0,
            anaphor=0.0, length=4.0, passage_rank_inv=1.0, passage_score=1.0, passage_cos=0.5, twin_cos=0.5,
            figure_miss=1.0, name_miss=0.0, passage_figure_miss=1.0, passage_name_miss=0.0, has_constraints=1.0,
            money_miss=0.0)
raw = [Raw(None, None, None, i, dict(base), tokens(t, "en"), terms, 0, len(texts)) for i, t in enumerate(texts)]
print(json.dumps([[float(v).hex() for v in row] for row in finish(raw)]))
"""


def test_sentence_features_do_not_depend_on_the_string_hash_seed() -> None:
    # set iteration order changes with PYTHONHASHSEED; a plain float sum over a set then differed in its last
    # bit between processes, which reordered tied ranks and moved the trained threshold (.9229 vs .9315)
    outputs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _FEATURES_SCRIPT], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
