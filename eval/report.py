"""Aggregate scores and write them out: ``results.json``, ``report.md``, ``accuracy.png``.

Accuracy is reported overall and by gold ``kind``, ``persona`` and ``report``
(cross-report rows are grouped under :data:`CROSS_REPORT`); latency as p50/p95 in
milliseconds (linear interpolation between ranks); failures with their reasons.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.scoring import Score

logger = logging.getLogger(__name__)

CROSS_REPORT = "(cross-report)"
"""The ``by_report`` group of questions that need several reports."""

KIND_ORDER = (
    "table_lookup", "narrative", "definition", "computation",
    "consistency", "cross_report", "ambiguous", "unanswerable",
)  # fmt: skip
KIND_LABELS_ZH = {
    "table_lookup": "表格查询", "narrative": "文字叙述", "definition": "名词解释", "computation": "计算",
    "consistency": "一致性核对", "cross_report": "跨报告", "ambiguous": "需澄清", "unanswerable": "无法回答",
}  # fmt: skip
_CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN",
)  # fmt: skip


@dataclass(frozen=True)
class Bucket:
    """Accuracy of one group of questions."""

    name: str
    total: int
    correct: int

    @property
    def accuracy(self) -> float:
        """Share correct, 0–1 (0 for an empty group)."""
        return self.correct / self.total if self.total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "total": self.total,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
        }


@dataclass(frozen=True)
class EvalResult:
    """Everything one evaluation run measured.

    Attributes:
        gold_path: the gold file.
        scores: one :class:`~eval.scoring.Score` per gold question, in gold order.
        rows: per question: the gold row, the answer given and the score (JSON-ready).
        by_kind / by_persona / by_report: accuracy per group.
        latency_p50_ms / latency_p95_ms: answer latency percentiles, ``None`` if unknown.
    """

    gold_path: str
    scores: tuple[Score, ...]
    rows: tuple[dict[str, Any], ...] = field(repr=False)
    by_kind: Mapping[str, Bucket]
    by_persona: Mapping[str, Bucket]
    by_report: Mapping[str, Bucket]
    latency_p50_ms: float | None
    latency_p95_ms: float | None

    @property
    def total(self) -> int:
        return len(self.scores)

    @property
    def correct(self) -> int:
        return sum(score.correct for score in self.scores)

    @property
    def accuracy(self) -> float:
        """Share of questions answered correctly, 0–1."""
        return self.correct / self.total if self.total else 0.0

    @property
    def failures(self) -> tuple[Score, ...]:
        """The incorrect answers, in gold order."""
        return tuple(score for score in self.scores if not score.correct)

    @property
    def answered(self) -> int:
        """Questions given an answer (status ``answered``), right or wrong."""
        return sum(score.status == "answered" for score in self.scores)

    @property
    def answered_wrong(self) -> int:
        """Questions answered with a wrong figure or text: the failure that matters most
        (a refusal or a clarifying question is a miss, not a wrong answer)."""
        return sum(score.status == "answered" and not score.correct for score in self.scores)

    @property
    def silent(self) -> int:
        """Questions the reports don't answer (gold ``unanswerable``)."""
        return sum(score.answer_type == "unanswerable" for score in self.scores)

    @property
    def silent_refused(self) -> int:
        """Of :attr:`silent`, those refused as they should be."""
        return sum(score.answer_type == "unanswerable" and score.correct for score in self.scores)

    @property
    def citation_checked(self) -> int:
        return sum(score.citation_ok is not None for score in self.scores)

    @property
    def citation_ok(self) -> int:
        return sum(score.citation_ok is True for score in self.scores)

    @property
    def numbers_supported(self) -> int:
        return sum(score.numbers_supported for score in self.scores)

    def summary(self) -> dict[str, Any]:
        """The headline figures as a JSON-ready dict."""
        return {
            "gold": self.gold_path,
            "total": self.total,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "answered": self.answered,
            "answered_wrong": self.answered_wrong,
            "answered_wrong_rate": round(self.answered_wrong / self.total, 4) if self.total else 0.0,
            "silent": self.silent,
            "silent_refused": self.silent_refused,
            "citation_ok": self.citation_ok,
            "citation_checked": self.citation_checked,
            "numbers_supported": self.numbers_supported,
            "latency_p50_ms": self.latency_p50_ms,
            "latency_p95_ms": self.latency_p95_ms,
        }

    def to_json(self) -> dict[str, Any]:
        """Everything, per-question rows included."""
        return {
            "summary": self.summary(),
            "by_kind": [b.to_json() for b in self.by_kind.values()],
            "by_persona": [b.to_json() for b in self.by_persona.values()],
            "by_report": [b.to_json() for b in self.by_report.values()],
            "failures": [{"id": s.id, "kind": s.kind, "reason": s.reason} for s in self.failures],
            "rows": list(self.rows),
        }


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) with linear interpolation; ``None`` for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low), 1)


def _group(scores: Iterable[Score], key: str, order: Sequence[str] = ()) -> dict[str, Bucket]:
    counts: dict[str, list[int]] = {}
    for score in scores:
        name = getattr(score, key) or "(none)"
        if key == "report" and "," in name:
            name = CROSS_REPORT
        total_correct = counts.setdefault(name, [0, 0])
        total_correct[0] += 1
        total_correct[1] += int(score.correct)
    names = [n for n in order if n in counts] + sorted(n for n in counts if n not in order)
    return {name: Bucket(name, counts[name][0], counts[name][1]) for name in names}


def build_result(
    gold_path: Path | str,
    golds: Sequence[Mapping[str, Any]],
    answers: Sequence[Mapping[str, Any]],
    scores: Sequence[Score],
) -> EvalResult:
    """Aggregate per-question scores (``golds``, ``answers`` and ``scores`` aligned by index)."""
    rows = tuple(
        {
            "id": score.id,
            "question": gold.get("question"),
            "gold": {
                k: gold.get(k) for k in ("answer", "unit", "answer_type", "kind", "persona", "report", "note")
            },
            "response": dict(answer),
            "score": score.to_json(),
        }
        for gold, answer, score in zip(golds, answers, scores, strict=True)
    )
    latencies = [s.latency_ms for s in scores if s.latency_ms is not None]
    return EvalResult(
        gold_path=str(gold_path),
        scores=tuple(scores),
        rows=rows,
        by_kind=_group(scores, "kind", KIND_ORDER),
        by_persona=_group(scores, "persona", ("citizen", "journalist")),
        by_report=_group(scores, "report"),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
    )


# ---------------------------------------------------------------------------- text outputs


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def format_summary(result: EvalResult, max_failures: int | None = None) -> str:
    """Console text: accuracy by kind/persona/report, latency p50/p95, failures with reasons.

    Args:
        result: the evaluation.
        max_failures: list at most this many failures (all when ``None``).
    """
    headline = (
        f"Accuracy: {result.correct}/{result.total} = {_pct(result.correct, result.total)}"
        f"   citations ok {result.citation_ok}/{result.citation_checked}"
        f"   numbers supported {result.numbers_supported}/{result.total}"
    )
    lines = [
        headline,
        f"Answered but wrong: {result.answered_wrong}/{result.total} = "
        f"{_pct(result.answered_wrong, result.total)} (of {result.answered} answered)"
        f"   refused where the reports are silent: {result.silent_refused}/{result.silent}",
    ]
    for title, buckets in (
        ("kind", result.by_kind),
        ("persona", result.by_persona),
        ("report", result.by_report),
    ):
        lines.append(f"By {title}:")
        width = max((len(name) for name in buckets), default=0)
        for bucket in buckets.values():
            share = _pct(bucket.correct, bucket.total)
            lines.append(f"  {bucket.name:<{width}}  {bucket.correct:>3}/{bucket.total:<3} {share:>6}")
    lines.append(f"Latency: p50 {_ms(result.latency_p50_ms)}, p95 {_ms(result.latency_p95_ms)}")
    failures = result.failures
    lines.append(f"Failures ({len(failures)}):")
    shown = failures if max_failures is None else failures[:max_failures]
    for score in shown:
        lines.append(f"  {score.id} [{score.kind}] {score.reason}")
    if len(shown) < len(failures):
        lines.append(f"  … and {len(failures) - len(shown)} more (see report.md)")
    return "\n".join(lines)


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _bucket_table(title: str, buckets: Mapping[str, Bucket]) -> list[str]:
    lines = [f"## By {title}", "", f"| {title} | correct | total | accuracy |", "|---|---:|---:|---:|"]
    for b in buckets.values():
        lines.append(f"| {_md_cell(b.name)} | {b.correct} | {b.total} | {_pct(b.correct, b.total)} |")
    return lines + [""]


def render_markdown(result: EvalResult) -> str:
    """``report.md``: overall, by kind, by persona, by report, latency, failures."""
    lines = [
        "# Evaluation report",
        "",
        f"Gold: `{result.gold_path}`",
        "",
        "## Overall",
        "",
        "| metric | value |",
        "|---|---:|",
        f"| accuracy | {result.correct}/{result.total} = {_pct(result.correct, result.total)} |",
        f"| answered but wrong (of all questions) | {result.answered_wrong}/{result.total} = "
        f"{_pct(result.answered_wrong, result.total)} |",
        f"| refused where the reports are silent | {result.silent_refused}/{result.silent} |",
        f"| citations ok (answered, answerable questions) | {result.citation_ok}/{result.citation_checked} |",
        f"| answers with every number supported | {result.numbers_supported}/{result.total} |",
        "",
        "![accuracy by kind](accuracy.png)",
        "",
    ]
    lines += _bucket_table("kind", result.by_kind)
    lines += _bucket_table("persona", result.by_persona)
    lines += _bucket_table("report", result.by_report)
    lines += [
        "## Latency",
        "",
        "| p50 | p95 |",
        "|---:|---:|",
        f"| {_ms(result.latency_p50_ms)} | {_ms(result.latency_p95_ms)} |",
        "",
        f"## Failures ({len(result.failures)})",
        "",
        "| id | kind | persona | reason |",
        "|---|---|---|---|",
    ]
    lines += [f"| {s.id} | {s.kind} | {s.persona} | {_md_cell(s.reason)} |" for s in result.failures]
    findings = [s for s in result.scores if s.correct and s.reason]
    if findings:
        lines += [
            "",
            f"## Correct, with findings ({len(findings)})",
            "",
            "| id | kind | finding |",
            "|---|---|---|",
        ]
        lines += [f"| {s.id} | {s.kind} | {_md_cell(s.reason)} |" for s in findings]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- chart


def cjk_font() -> str | None:
    """An installed font family that renders Chinese, or ``None``."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FONTS if name in installed), None)


def plot_accuracy(result: EvalResult, path: Path) -> Path:
    """Bar chart of accuracy by kind with the overall accuracy as a line; PNG at ``path``.

    Uses the Agg canvas (no display needed). Labels are Chinese when a CJK font is
    installed, else the English kind keys.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = cjk_font()
    buckets = list(result.by_kind.values())
    if font:
        labels = [f"{KIND_LABELS_ZH.get(b.name, b.name)}\n{b.name}" for b in buckets]
    else:
        labels = [b.name for b in buckets]
    figure = Figure(figsize=(max(6.0, 1.1 * len(buckets) + 2), 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(len(buckets))
    bars = axes.bar(positions, [100 * b.accuracy for b in buckets], color="#4C72B0")
    for bar, bucket in zip(bars, buckets, strict=True):
        axes.annotate(
            f"{bucket.correct}/{bucket.total}",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    axes.axhline(
        100 * result.accuracy, color="#C44E52", linestyle="--", label=f"overall {100 * result.accuracy:.1f}%"
    )
    axes.set_xticks(list(positions))
    axes.set_xticklabels(
        labels, rotation=30, ha="right", fontsize=8, **({"fontfamily": font} if font else {})
    )
    axes.set_ylim(0, 115)
    axes.set_ylabel("accuracy (%)")
    axes.set_title(f"Accuracy by kind ({result.correct}/{result.total})")
    axes.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, format="png")
    return path


def write_outputs(result: EvalResult, out_dir: Path) -> dict[str, Path]:
    """Write ``results.json``, ``report.md`` and ``accuracy.png`` into ``out_dir`` (created).

    Returns:
        The written paths by name (``json``, ``markdown``, ``chart``).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": out_dir / "results.json",
        "markdown": out_dir / "report.md",
        "chart": out_dir / "accuracy.png",
    }
    paths["json"].write_text(
        json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    paths["markdown"].write_text(render_markdown(result), encoding="utf-8")
    plot_accuracy(result, paths["chart"])
    logger.info("evaluation written to %s", out_dir)
    return paths
