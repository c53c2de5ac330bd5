"""The QA engine: question → :class:`qa.model.Answer` with citations; an LLM is optional.

Pipeline::

    understand (qa.understand, qa.scope) → Intent: reports in scope, task, concepts, column, operation
      ├─ unanswerable: a named year/unit no report covers → refusal naming what was searched
      ├─ ambiguous: several reports fit, nothing says which → candidates (+ each one's figure)
      ├─ cross: several reports → per-report figures, compared/ranked/summed (qa.cross)
      └─ one report:
           lookup/count   → table cell (qa.lookup) or narrative sentence (qa.narrative)
           definition/reason/passage/yes-no → qa.narrative
           compute        → operands resolved one by one, Decimal arithmetic (qa.tasks, qa.compute)
           consistency    → stated figure vs table, parts vs total, text vs text (qa.consistency)
    verify (qa.verify)          → every figure in the answer text is in a citation or the formula

With an LLM (``QAEngine(library, llm=...)``, see :mod:`qa.llm` and :mod:`qa.phrasing`), two
steps are added, and neither can bring in a figure:

- a refusal because the rules could not read the question (``Answer.understood`` False) is
  retried once with the question reworded by the LLM into canonical form; the rules answer
  the reworded question from the same cells and sentences, and only an ``answered`` result
  citing the reports the first attempt searched replaces the original refusal;
- an answered question's text is reworded for a citizen, and the rewording is kept only if
  every number in it checks out against the citations, formula and question
  (:func:`qa.verify.llm_text_problems`).

Reports, rows and text chunks are loaded once per report and cached; the embedder is never
loaded for answering (retrieval over rows uses the keyword index), so an answer takes
milliseconds.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from index.library import Library
from index.search import Searcher
from ingest.store import ReportRecord
from qa import consistency, coverage, cross, lookups, multipart, tasks, text_measures
from qa.compose import answered, refused
from qa.context import ReportContext
from qa.conversation import absolute_years
from qa.lexicon import norm
from qa.lookup import ReportTables, empty_table
from qa.model import STATUS_ANSWERED, STATUS_UNANSWERABLE, Answer
from qa.resolve import Resolver, narrative_module
from qa.scope import unit_names
from qa.understand import Intent, understand
from qa.verify import unsupported_figures

if TYPE_CHECKING:
    from qa.llm import LLM
    from qa.phrasing import AnswerPhraser, QuestionRewriter

log = logging.getLogger(__name__)


_SUM_OF_SEVERAL = re.compile(
    r"(\d+|[两二三四五六七八九十几]+)\s*(个|项|笔|家)[^，。？?]{0,24}?(?:加起来|加在一起|合计|总共|一共|总计|之和|相加)"
)
"""A sum over several items the question counts (8个绩效自评项目的预算数加起来)."""


_STATED = re.compile(r"(\d[\d,]*\.\d+|\d{3,}(?:,\d{3})*)\s*(?:亿元|万元|元|%)")


def _stating(question: str, contexts: list[ReportContext]) -> ReportContext | None:
    """The one report whose text prints every figure the question quotes (``说明称…1434.89万元``)."""
    quoted = [m.group(1).replace(",", "") for m in _STATED.finditer(question)]
    if not quoted:
        return None
    having = []
    for ctx in contexts:
        text = re.sub(r"[\s,]", "", "".join(c.text for c in ctx.chunks))
        if all(q in text for q in quoted):
            having.append(ctx)
    return having[0] if len(having) == 1 else None


class QAEngine:
    """Answers questions over the reports of a :class:`Library`.

    Args:
        library: the ingested reports (fact store, chunks, keyword index).
        llm: an optional llama-index LLM (:func:`qa.llm.make_llm`): rewords questions the rules
            cannot read and phrases answers; ``None`` = rules only.
    """

    def __init__(self, library: Library, llm: LLM | None = None) -> None:
        self.library = library
        self.llm = llm
        self.phraser: AnswerPhraser | None = None
        self.rewriter: QuestionRewriter | None = None
        if llm is not None:
            from qa.phrasing import AnswerPhraser, QuestionRewriter

            self.phraser = AnswerPhraser(llm)
            self.rewriter = QuestionRewriter(llm)
        self.searcher = Searcher(library)
        self.resolver = Resolver(self.searcher)
        self._records: list[ReportRecord] | None = None
        self._contexts: dict[str, ReportContext] = {}

    # ---- data -------------------------------------------------------------------------

    def records(self) -> list[ReportRecord]:
        if self._records is None:
            self._records = self.library.facts.reports()
        return self._records

    def context(self, report_id: str) -> ReportContext:
        """The report's context (built once)."""
        ctx = self._contexts.get(report_id)
        if ctx is None:
            store = self.library.facts
            record = next(r for r in self.records() if r.report.report_id == report_id)
            tables = ReportTables.build(store.facts(report_id), store.tables(report_id))
            chunks = tuple(c for c in self.library.chunks.of_report(report_id) if c.kind == "text")
            ctx = ReportContext(
                record, tables, chunks, tuple(store.checks(report_id)), tuple(store.text_facts(report_id))
            )
            self._contexts[report_id] = ctx
        return ctx

    def warm(self) -> None:
        """Load every report's context (and the keyword index) ahead of the first question."""
        for record in self.records():
            self.resolver.sentences(self.context(record.report.report_id))
        narrative = narrative_module()
        if narrative is not None:  # reading a question loads its word segmenter (jieba)
            narrative.as_query("公务接待费是多少")
            if self._contexts:
                narrative.find_figures("公务接待费是多少", next(iter(self._contexts.values())).chunks[:1])
        if self._contexts:
            self.library.keyword.search("公务接待费", 1, None)

    # ---- asking ---------------------------------------------------------------------------

    def ask(self, question: str, id: str | None = None) -> Answer:
        """Answer one question.

        Args:
            question: as typed by a citizen or journalist.
            id: copied into the answer (batch runs).

        Returns:
            The answer (status ``answered``/``unanswerable``/``ambiguous``) with citations and,
            for computations, the formula; ``elapsed_ms`` is the time taken. With an LLM, a
            question the rules could not read may be answered through its rewording, and an
            answered question's text may be the LLM's checked rewording (see the module doc).
        """
        started = time.perf_counter()
        typed = question.strip()
        question = absolute_years(typed, self.records())  # 去年 of a unit's latest report
        answer = self._attempt(question)
        if answer.status == STATUS_UNANSWERABLE:  # refused as a whole: maybe answered part by part
            answer = multipart.answer_parts(question, self._attempt) or answer
        if self.rewriter is not None and answer.status == STATUS_UNANSWERABLE and not answer.understood:
            answer = self._reworded(question, answer)
        answer = self._guard(answer)
        if self.phraser is not None:
            answer = self.phraser.phrase(answer)
        elapsed = (time.perf_counter() - started) * 1000
        if question != typed:
            answer = replace(answer, question=typed, asked_as=question)
        return replace(answer, elapsed_ms=elapsed, id=id)

    def _attempt(self, question: str) -> Answer:
        """The rules' answer, or a refusal saying the question could not be processed."""
        try:
            return self._answer(question)
        except Exception:  # one bad question must not stop a batch; the refusal says so
            log.exception("failed to answer %r", question)
            return Answer(question, STATUS_UNANSWERABLE, "处理这个问题时出错，无法给出有依据的答案。")

    def _reworded(self, question: str, refusal: Answer) -> Answer:
        """Ask the rules again with the LLM's canonical rewording; the original refusal if that fails.

        The second answer counts only if it is ``answered``, cites only reports the first attempt
        searched, and has no figure without a source when checked against the ORIGINAL question
        (a number only the rewording printed supports nothing).
        """
        assert self.rewriter is not None
        rewritten = self.rewriter.rewrite(question, self.records())
        if not rewritten:
            return refusal
        second = self._attempt(rewritten)
        if second.status != STATUS_ANSWERED:
            log.info("reworded question %r not answered either (%s)", rewritten, second.status)
            return refusal
        allowed = set(refusal.searched)
        if allowed and any(c.file not in allowed for c in second.citations):
            log.warning("reworded question %r cites reports the question did not name; refused", rewritten)
            return refusal
        for text in (f"按“{rewritten}”理解：{second.answer}", second.answer):
            candidate = replace(second, question=question, answer=text)
            if not unsupported_figures(candidate):
                return candidate
        log.warning("answer to reworded question %r has figures without a source; refused", rewritten)
        return refusal

    def _guard(self, answer: Answer) -> Answer:
        """Refuse an answer whose text prints a figure that no citation or formula holds."""
        if answer.status != STATUS_ANSWERED and answer.status != "ambiguous":
            return answer
        missing = unsupported_figures(answer)
        if not missing:
            return answer
        log.warning("answer to %r has figures without a source %s; refused", answer.question, missing)
        return Answer(
            answer.question,
            STATUS_UNANSWERABLE,
            "无法给出有依据的答案：候选答案中的数字（" + "、".join(missing) + "）在引用的报告内容中找不到。",
            citations=answer.citations,
        )

    def _answer(self, question: str) -> Answer:
        records = self.records()
        if not records:
            return Answer(
                question, STATUS_UNANSWERABLE, "还没有导入任何报告，无法回答。请先运行 budgetqa ingest。"
            )
        intent = understand(question, records)
        log.debug("%s → %s/%s %s", question, intent.task, intent.operation, intent.report_ids)
        if intent.task == "unanswerable":
            return self._no_report(intent, records)
        contexts = [self.context(rid) for rid in intent.report_ids]
        if intent.task == "ambiguous":
            stating = _stating(question, contexts)
            if stating is None:
                return cross.ambiguous_answer(intent, contexts, self.resolver)
            # the figures the question quotes are printed in one of the reports only: that one
            intent = understand(question, [stating.record])
            contexts = [stating]
        if intent.task == "cross":
            return cross.cross_answer(intent, contexts, self.resolver)
        if intent.task == "definition":
            for ctx in contexts:
                answer = self._definition(ctx, intent, plain=len(contexts) == 1)
                if answer is not None:
                    return answer
            return refused(question, "报告的名词解释中没有找到这个词。", contexts)
        ctx = contexts[0]
        if intent.asks and len(contexts) == 1:
            stated = text_measures.measure_answer(question, ctx, ctx.text_facts, intent.asks)
            if stated is not None:
                return self._covered(intent, ctx, stated, items=False)
            if intent.year_before:
                year = intent.years[0]
                return refused(question, f"没有{ctx.unit}{year}年度的报告；{ctx.title()}的说明中也没有找到"
                               f"与这个问题对应的{year}年（上年）数字。", [ctx])  # fmt: skip
        handler = {
            "lookup": lambda c, i: lookups.lookup_answer(c, i, self.resolver),
            "count": lambda c, i: lookups.lookup_answer(c, i, self.resolver),
            "reason": self._reason,
            "passage": self._passage,
            "yesno": self._yes_no,
            "compute": lambda c, i: tasks.compute_answer(i, c, self.resolver),
            "consistency": lambda c, i: consistency.consistency_answer(i, c, self.resolver),
        }[intent.task]
        answer = handler(ctx, intent)
        if (
            answer is not None
            and intent.task in ("lookup", "count", "compute")
            and answer.status == STATUS_ANSWERED
        ):
            answer = self._covered(intent, ctx, answer, items=intent.task != "compute")
            if answer.status != STATUS_ANSWERED and intent.task == "lookup":
                # the figure found was about something else: a narrative figure whose own words
                # name the item (住房改革支出（款）提租补贴（项）1,107.60万元) may still answer
                stated = text_measures.measure_answer(question, ctx, ctx.text_facts, "current")
                if stated is not None:
                    second = self._covered(intent, ctx, stated)
                    answer = second if second.status == STATUS_ANSWERED else answer
        figure_task = intent.task in ("lookup", "count", "compute")
        if answer is not None and figure_task and answer.status == STATUS_ANSWERED and not answer.formula:
            several = _SUM_OF_SEVERAL.search(intent.text)
            if several:  # 8个项目的预算数加起来: one figure is not the sum of several
                log.info("sum of %s items answered with one figure; refused", several.group(1))
                text = (
                    f"问题要把多项（{several.group(1)}{several.group(2)}）的数字相加，报告中没有找到能逐项相加的全部数字"
                    f"（只找到一个），无法回答。"
                )
                return replace(refused(question, text, [ctx]), citations=answer.citations)
        if answer is None:
            # nothing the rules know of (a concept, a code, a quoted name) → the question was not read
            understood = bool(intent.concepts or intent.codes or intent.quoted)
            return refused(
                question, "报告中没有找到这个问题要的内容（未披露），无法回答。", [ctx], understood
            )
        return answer

    def _covered(self, intent: Intent, ctx: ReportContext, answer: Answer, items: bool = True) -> Answer:
        """The answer, or a refusal when its evidence is about something else (:mod:`qa.coverage`):
        a figure of another kind than asked (an amount for a count or a rate), an item of the
        question its evidence does not name (``items``), or a figure the question states itself."""
        missing = []
        if not coverage.unit_fits(intent.expect, answer.unit) or coverage.rate_for_amount(
            intent.expect, answer
        ):
            missing = [coverage.EXPECTED_WORDS.get(intent.expect or "", f"{intent.expect}数")]
        elif items:
            missing = coverage.uncovered(intent.question, answer.citations, unit_names(ctx.record))
        if not missing and coverage.restates_question(intent.question, answer):
            missing = ["问题自己给出的数字以外的内容"]
        if not missing:
            return answer
        log.info("answer to %r does not cover %s; refused", intent.question, missing)
        where = answer.citations[0] if answer.citations else None
        nearby = f"最接近的内容是：{where.table or where.row}“{where.quote}”。" if where else ""
        text = f"报告中没有找到所问的“{'、'.join(missing)}”的数字（未披露），无法回答。{nearby}"
        return replace(refused(intent.question, text, [ctx]), citations=answer.citations)

    def _no_report(self, intent: Intent, records: list[ReportRecord]) -> Answer:
        if intent.unknown_unit:
            text = f"没有{intent.unknown_unit}的报告，这个问题在已收录的报告中找不到答案。"
            return refused(intent.question, text, [self.context(r.report.report_id) for r in records])
        if intent.missing_year is not None:
            units = intent.units
            have = [r for r in records if not units or r.report.unit_name in units]
            names = "、".join(units) if units else "任何单位"
            text = f"没有{names}{intent.missing_year}年度的报告，这个问题在已收录的报告中找不到答案。"
            return refused(intent.question, text, [self.context(r.report.report_id) for r in have])
        return refused(intent.question, "没有与问题所指单位对应的报告，无法回答。",
                       [self.context(r.report.report_id) for r in records], understood=False)  # fmt: skip

    # ---- single-report tasks -------------------------------------------------------------

    def _definition(self, ctx: ReportContext, intent: Intent, plain: bool = True) -> Answer | None:
        narrative = narrative_module()
        match = narrative.find_definition(intent.reading, ctx.chunks) if narrative else None
        if match is None:
            passage = self._plain_passage(ctx, intent) if plain else None
            quote = passage.citations[0].quote if passage is not None and passage.citations else ""
            if passage is not None and intent.quoted and not any(q in norm(quote) for q in intent.quoted):
                return None  # the term asked is not in the nearest sentence: no definition found
            return passage
        citation = ctx.cite_text(match.sentence.chunk, match.sentence.text)
        text = f"{match.definition_text}（{ctx.title()}，名词解释“{match.term}”）"
        return answered(intent.question, text, [citation])

    def _reason(self, ctx: ReportContext, intent: Intent) -> Answer | None:
        narrative = narrative_module()
        match = narrative.find_reason(intent.reading, ctx.chunks) if narrative else None
        if match is None:
            return self._plain_passage(ctx, intent)
        citation = ctx.cite_text(match.sentence.chunk, match.sentence.text)
        more = [ctx.cite_text(s.chunk, s.text) for s in match.more]
        text = f"报告给出的原因：{match.reason}（{ctx.title()}）。原文：“{citation.quote}”"
        return answered(intent.question, text, [citation, *more])

    def _passage(self, ctx: ReportContext, intent: Intent) -> Answer | None:
        narrative = narrative_module()
        sentences = narrative.find_passage(intent.reading, ctx.chunks) if narrative else []
        if not sentences:
            return self._plain_passage(ctx, intent)
        citations = [ctx.cite_text(s.chunk, s.text) for s in sentences[:6]]
        body = "".join(c.quote for c in citations)
        return answered(intent.question, f"{body}（{ctx.title()}）", citations)

    def _plain_passage(self, ctx: ReportContext, intent: Intent) -> Answer | None:
        best = self.resolver.best_sentence(ctx, intent.question)
        if best is None:
            return None
        chunk, sentence = best
        citation = ctx.cite_text(chunk, sentence)
        if coverage.uncovered(intent.question, [citation], unit_names(ctx.record)):
            return None  # the nearest sentence is about something else: no answer, not a guess
        return answered(
            intent.question, f"报告中最相关的说明：“{citation.quote}”（{ctx.title()}）", [citation]
        )

    def _yes_no(self, ctx: ReportContext, intent: Intent) -> Answer | None:
        for word, kind in lookups.FUND_WORDS:
            if word in intent.text or intent.table_hint == kind:
                return self._fund_yes_no(ctx, intent, kind)
        narrative = narrative_module()
        match = narrative.answer_yes_no(intent.reading, ctx.chunks) if narrative else None
        if match is not None:
            citation = ctx.cite_text(match.sentence.chunk, match.sentence.text, (match.number_text,))
            figure = f"（{match.number_text}{match.unit}）" if match.number_text else ""
            text = f"{match.answer}。{ctx.title()}说明{figure}：“{citation.quote}”"
            return answered(intent.question, text, [citation], match.value, match.unit or None)
        found = self.resolver.resolve(ctx, intent)
        if found is None:
            return None
        op = found.operand
        verdict = "是" if op.value > 0 else "否"
        text = f"{verdict}。{ctx.title()}中{op.label or '该项'}为{op.shown()}{op.unit}。"
        return answered(intent.question, text, [op.citation] if op.citation else [], op.value, op.unit)

    def _fund_yes_no(self, ctx: ReportContext, intent: Intent, kind: str) -> Answer | None:
        tables = ctx.tables.of_kind(kind)
        if not tables:
            return None
        empty = empty_table(kind, ctx.tables)
        if empty is not None:
            quote = lookups.empty_note(empty) or empty.note or "表中没有数据"
            return answered(intent.question, f"否。{ctx.title()}的{ctx.table_name(empty)}为空表：“{quote}”",
                            [ctx.cite_table(empty, quote)])  # fmt: skip
        rows = ctx.tables.by_seq.get(tables[0].seq, [])
        facts = [f for r in rows for f in r.facts if f.value != 0]
        fact = facts[0]
        citation = ctx.cite_fact(fact)
        return answered(intent.question, f"是。{ctx.table_name(tables[0])}中{fact.row_label or fact.column}为"
                        f"{citation.quote}{fact.unit}。", [citation], fact.value, fact.unit)  # fmt: skip
