"""Dropped documents in the report: audit samples per reason, and what language ID said about its drops.

Contract: each reason is ``<div class="audit-reason" data-reason>``, each sample ``<tr
class="audit-sample" data-id>`` (plus ``data-language`` and ``data-language-score`` when the sample
carries a language-ID result). The language-ID drops table is ``#langid-drops-table``, its rows
``data-language`` with ``data-dropped``; the score histogram is ``#chart-langid-scores``.
"""

from __future__ import annotations

import os
import re
import statistics
from collections import Counter
from typing import Any, Mapping

from thresher.tools.report.charts import Bar, format_number, vertical_bar_chart
from thresher.tools.report.markup import cell, data_attrs, e, note, table
from thresher.tools.report.run_files import RunFiles, audit_language

LANGID_STAGE = "langid"
#: Bands of the language-ID score histogram.
SCORE_BANDS = 10


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def langid_threshold(config: Mapping[str, Any], language: str | None) -> float | None:
    """The score a document in ``language`` needed (``langid.thresholds`` over ``langid.threshold``)."""
    section = config.get("langid") if isinstance(config.get("langid"), dict) else {}
    per_language = section.get("thresholds") or {}
    if language is not None and language in per_language:
        return per_language[language]
    return section.get("threshold")


def _item(name: str, value: Any) -> str:
    shown = format_number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    return f"<code>{e(name)}</code> = {e(shown)}"


def _language_headline(sample: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    language, score = audit_language(sample)
    if language is None and score is None:
        return '<span class="signal-missing">no language-ID result recorded in audit.json</span>'
    threshold = langid_threshold(config, language)
    needed = f" (needed {format_number(threshold)})" if threshold is not None else ""
    shown = "–" if score is None else f"{score:.4f}"
    return f"language <code>{e(language or '–')}</code>, score {e(shown)}{e(needed)}"


def _signals_cell(sample: Mapping[str, Any], reason: str, config: Mapping[str, Any]) -> str:
    """The signal the reason is named after up front (language and score for language ID); all in a fold-out."""
    signals = sample.get("signals") or {}
    reason_name = reason.rsplit("/", 1)[-1]
    if reason.startswith(f"{LANGID_STAGE}/"):
        headline, summary_class = _language_headline(sample, config), "signal-reason"
        if not signals:
            return f'<td class="signals"><span class="{summary_class}">{headline}</span></td>'
    elif not signals:
        return '<td class="signals">none measured</td>'
    else:
        # "dup_line_frac" names its signal exactly; "not_enough_stop_words" contains "stop_words".
        named = [_item(k, v) for k, v in signals.items() if k.rsplit(".", 1)[-1] in reason_name]
        headline = "; ".join(named) if named else f"{len(signals)} signal{'s' if len(signals) != 1 else ''}"
        summary_class = "signal-reason" if named else "signal-count"
    every = "".join(f"<span>{_item(k, v)}</span>" for k, v in signals.items())
    return (f'<td class="signals"><details><summary class="{summary_class}">{headline}</summary>'
            f'<div class="signal-list">{every}</div></details></td>')


def _audit_row(sample: Mapping[str, Any], reason: str, config: Mapping[str, Any]) -> str:
    snippet = sample.get("snippet") or ""
    language, score = audit_language(sample)
    attrs: dict[str, Any] = {"id": sample.get("id", "")}
    if language is not None:
        attrs["language"] = language
    if score is not None:
        attrs["language-score"] = score
    return (
        f'<tr class="audit-sample"{data_attrs(attrs)}>'
        f'<td class="where"><div class="url">{e(sample.get("url", ""))}</div>'
        f'<div class="note">id <code>{e(sample.get("id", ""))}</code><br>'
        f'{e(os.path.basename(str(sample.get("source", ""))))} @ {e(sample.get("offset", ""))}</div></td>'
        + _signals_cell(sample, reason, config)
        + (f'<td><pre class="snippet">{e(snippet)}</pre></td>' if snippet else '<td class="note">(no text)</td>')
        + "</tr>"
    )


def audit(run: RunFiles) -> str:
    if run.audit is None:
        return note("No audit.json in this run (output.audit_samples_per_reason: 0).")
    # Funnel order first, then any reason the funnel does not list.
    order = [f"{s['stage']}/{r}" for s in run.stats["stages"] for r in s.get("dropped", {})]
    reasons = [r for r in order if r in run.audit] + sorted(r for r in run.audit if r not in order)
    if not reasons:
        return note("audit.json holds no samples.")
    parts = [note("Up to output.audit_samples_per_reason dropped documents per reason: where each came from, "
                  "the signal its reason is named after (language and score for language ID; open it for every "
                  "measured signal) and the start of its text. Pages dropped before extraction have no text.")]
    for reason in reasons:
        samples = run.audit[reason] or []
        rows = "".join(_audit_row(s, reason, run.config) for s in samples)
        parts.append(
            f'<div class="audit-reason" id="audit-{e(_slug(reason))}" data-reason="{e(reason)}">'
            f"<h3>{e(reason)} ({format_number(len(samples))} sample{'s' if len(samples) != 1 else ''})</h3>"
            f'<table class="audit-table"><thead><tr><th>page</th><th>signals</th><th>text snippet</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>"
        )
    return "".join(parts)


def _score_bands(scores: list[float]) -> list[Bar]:
    counts = [0] * SCORE_BANDS
    for score in scores:
        counts[min(SCORE_BANDS - 1, max(0, int(score * SCORE_BANDS)))] += 1
    width = 1 / SCORE_BANDS
    return [Bar(label=f"{i * width:.1f}–{(i + 1) * width:.1f}", value=n, data={"low": round(i * width, 3)})
            for i, n in enumerate(counts)]


def langid_drops(run: RunFiles) -> str:
    """Documents dropped by language ID, per predicted language, with their scores."""
    head = '<h3 id="langid-drops">Dropped by language ID</h3>'
    dropped = sum(n for s in run.stats.get("stages", []) if s.get("stage") == LANGID_STAGE
                  for n in (s.get("dropped") or {}).values())
    if not dropped:
        return head + note("Language ID dropped no document.")
    records = run.drops.langid if run.drops is not None else []
    complete = run.drops is not None and run.drops.stage_source == "dropped"
    source = ("Every one, from the phase-A results' dropped documents." if complete else
              f"Only audit.json's samples ({format_number(len(records))} of {format_number(dropped)}): not every "
              "phase-A result lists its dropped documents (the run predates that).")
    known = [(reason, lang, score) for reason, lang, score in records if lang is not None or score is not None]
    if not known:
        return head + note(f"{format_number(dropped)} documents. {source} Their samples carry no language-ID "
                           "result: this run recorded one only with output.keep_signals.")
    by_language: dict[str, tuple[list[float], Counter]] = {}
    for reason, lang, score in known:
        scores, reasons = by_language.setdefault(lang or "–", ([], Counter()))
        if score is not None:
            scores.append(score)
        reasons[reason.rsplit("/", 1)[-1]] += 1
    rows = []
    for lang, (scores, reasons) in sorted(by_language.items(), key=lambda kv: (-sum(kv[1][1].values()), kv[0])):
        count = sum(reasons.values())
        threshold = langid_threshold(run.config, lang)
        spread = ([cell(min(scores), True), cell(round(statistics.median(scores), 4), True), cell(max(scores), True)]
                  if scores else [cell("–")] * 3)
        why = "; ".join(f"{r} ×{format_number(n)}" for r, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
        rows.append(f'<tr{data_attrs({"language": lang})}><td>{e(lang)}</td>'
                    + cell(count, True, language=lang, dropped=count) + "".join(spread)
                    + cell(threshold if threshold is not None else "–", threshold is not None)
                    + f"<td>{e(why)}</td></tr>")
    scores = [s for _, _, s in known if s is not None]
    chart = vertical_bar_chart(_score_bands(scores), chart_id="chart-langid-scores",
                               title="Language-ID score of the dropped documents",
                               x_label="top language's score", y_label="documents dropped") if scores else ""
    return (head + note(f"{format_number(dropped)} documents; predicted language and its score. {source}")
            + chart + table("langid-drops-table", ["predicted language", "dropped", "min score", "median score",
                                                   "max score", "score needed", "reasons"], rows, numeric_to=6))
