"""``write_report``: one self-contained HTML page that shows what a run did.

Everything on the page comes from the run's files (stats.json, manifest.json, audit.json,
the shards, ``_work/duplicates``, the phase-A results: see :mod:`thresher.tools.report.run_files`);
nothing is fetched: styles are inline, charts are inline
SVG, there is no script, and a Content-Security-Policy forbids loading anything. Every value
from the data is escaped, because URLs and snippets are hostile web content.

Element ids and ``data-*`` attributes are a contract for tests and tools: charts are
``<svg class="chart" id="chart-...">``; funnel cells carry ``data-stage`` plus ``data-in``,
``data-kept`` or ``data-dropped`` with the exact stats.json integers; timing cells carry
``data-stage`` plus ``data-busy-seconds`` or ``data-cpu-seconds``, phase cells ``data-phase`` plus
``data-wall-seconds``, with stats.json's numbers; the CPU share cell carries ``data-cpu-share``
(a number, or empty when none is shown) and ``data-share-note`` when it is not a plain share.
The sections in their own modules document theirs: :mod:`~thresher.tools.report.banner`,
:mod:`~thresher.tools.report.kept_sections`, :mod:`~thresher.tools.report.pair_section`,
:mod:`~thresher.tools.report.audit_section`.
"""

from __future__ import annotations

import json
import os
import statistics
from typing import Any, Iterable, Mapping, Sequence

from thresher.io import storage
from thresher.run.layout import RunLayout
from thresher.tools.report.charts import (
    Bar,
    format_number,
    histogram_bins,
    histogram_chart,
    horizontal_bar_chart,
    vertical_bar_chart,
)
from thresher.tools.report.audit_section import audit, langid_drops
from thresher.tools.report.banner import warnings_banner
from thresher.tools.report.kept_sections import domains, kept_examples
from thresher.tools.report.language_section import filters_by_language
from thresher.tools.report.markup import cell, data_attrs, e, note, section, table
from thresher.tools.report.measures import (
    MIN_SHARE_BUSY_SECONDS,
    SEVERAL_THREADS,
    cpu_share,
    dropped_total,
    percent,
    token_funnel,
)
from thresher.tools.report.pair_section import duplicate_pairs
from thresher.tools.report.run_files import RunFiles, read_run


# Nothing may load: not even an image or font a hostile snippet might smuggle in.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #222; margin: 0 auto; padding: 0 24px 48px; max-width: 1040px; background: #fff; }
h1 { font-size: 26px; margin: 24px 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 2px solid #3b6ea8; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; }
nav a { margin-right: 12px; color: #3b6ea8; }
.subtitle, .note { color: #555; }
.note { font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 10px; text-align: left; vertical-align: top; }
th { background: #f3f5f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.summary { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.summary div { border: 1px solid #d5dce6; border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.summary dt { color: #555; font-size: 12px; }
.summary dd { margin: 0; font-size: 20px; font-weight: 600; }
.ok { color: #1d7a35; } .broken { color: #b3261e; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0 4px; }
svg.chart .label, svg.chart .tick, svg.chart .legend { font-size: 12px; }
svg.chart .value { font-size: 11px; }
svg.chart .missing { fill: #888; font-style: italic; }
svg.chart .axis-label { font-weight: 600; }
.charts-row { display: flex; flex-wrap: wrap; gap: 16px; }
table.audit-table { width: 100%; table-layout: fixed; }
table.audit-table td.where { width: 30%; }
table.audit-table td.signals { width: 25%; font-size: 12px; }
table.audit-table th:nth-child(1) { width: 30%; } table.audit-table th:nth-child(2) { width: 25%; }
.url { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-all; }
pre.snippet { white-space: pre-wrap; word-break: break-word; background: #f7f7f7; padding: 4px 6px;
              max-height: 7.5em; overflow: auto; font-size: 12px; margin: 0; }
.signal-reason { font-weight: 700; color: #b3261e; cursor: pointer; }
.signal-list span { display: block; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.warnings { border: 2px solid #b3261e; background: #fdecea; border-radius: 6px; padding: 4px 16px; margin: 16px 0; }
.warnings p.warning { color: #5f1410; margin: 8px 0; }
.examples { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
article.example, .pair { border: 1px solid #d5dce6; border-radius: 6px; padding: 8px 10px; min-width: 0; }
pre.example-text, pre.pair-text { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans",
              sans-serif; white-space: pre-wrap; word-break: break-word; background: #f7f7f7;
              padding: 4px 6px; max-height: 15em; overflow: auto; margin: 4px 0 0; }
.pair { margin: 12px 0; }
.pair-head { margin: 0 0 6px; }
.pair-sides { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.pair-sides .side { min-width: 0; }
.pair-sides h4 { margin: 0; font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; }
.side.kept h4 { color: #1d7a35; } .side.removed h4 { color: #b3261e; }
mark.diff { background: #ffe08a; }
td.reasons { font-size: 12px; }
td.domain { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; min-width: 14em;
            max-width: 30em; word-break: break-all; }
.share-note { color: #8a5300; }
@media (max-width: 700px) {
  body { padding: 0 12px 32px; }
  /* Wide tables scroll inside their own box instead of pushing the page sideways. */
  table:not(.audit-table) { display: block; overflow-x: auto; max-width: 100%; }
  .pair-sides { grid-template-columns: 1fr; }
  table.audit-table td.where, table.audit-table td.signals { width: auto; }
}
"""

SECTIONS = (
    ("summary", "Summary"),
    ("input", "Input records"),
    ("funnel-documents", "Documents per stage"),
    ("funnel-tokens", "Tokens per stage (estimated)"),
    ("drops", "Drops by reason"),
    ("per-language", "Filters per language"),
    ("languages", "Languages"),
    ("kept-examples", "Kept documents"),
    ("domains", "Domains"),
    ("lengths", "Document lengths"),
    ("dedup", "Duplicates"),
    ("audit", "Audit samples"),
    ("timings", "Timings"),
    ("config", "Configuration"),
)


def _summary(run: RunFiles) -> str:
    stats, manifest = run.stats, run.manifest
    ident = stats.get("identity", {})
    holds = bool(ident.get("holds"))
    items = [
        ("records_read", "WARC/input records read", format_number(stats["records_read"])),
        ("forwarded", "HTML pages forwarded", format_number(stats.get("read", {}).get("forwarded", 0))),
        ("kept_documents", "documents kept", format_number(stats["kept_documents"])),
        ("tokens", "tokens", format_number(stats["tokens"])),
        ("shards", "shards", format_number(len(manifest["shards"]))),
    ]
    if "wall_seconds" in stats:
        items.append(("wall_seconds", "wall time (s)", format_number(stats["wall_seconds"])))
    cards = "".join(
        f'<div><dt>{e(label)}</dt><dd data-summary="{e(key)}">{e(value)}</dd></div>' for key, label, value in items
    )
    identity = (
        f'<p id="identity" data-holds="{str(holds).lower()}" class="{"ok" if holds else "broken"}">'
        f"Accounting identity: read {e(format_number(ident.get('records_read', 0)))} = kept "
        f"{e(format_number(ident.get('kept', 0)))} + dropped {e(format_number(ident.get('dropped', 0)))} + "
        f"skipped {e(format_number(ident.get('skipped', 0)))} + errors {e(format_number(ident.get('errors', 0)))}: "
        f"{'holds' if holds else 'BROKEN: records were lost or double-counted'}</p>"
    )
    return f'<dl class="summary">{cards}</dl>{identity}'


def _input_records(stats: Mapping[str, Any]) -> str:
    read = stats.get("read", {})
    rows = [f'<tr><td>records read</td>{cell(stats["records_read"], True, total="records_read")}</tr>']
    for kind in ("skipped", "errors"):
        for reason, n in read.get(kind, {}).items():
            rows.append(f"<tr><td>{e(kind)}: {e(reason)}</td>{cell(n, True, **{kind: reason})}</tr>")
    forwarded = cell(read.get("forwarded", 0), True, total="forwarded")
    rows.append(f"<tr><td>HTML pages forwarded to the stages</td>{forwarded}</tr>")
    return note("Records that never became a page (requests, metadata, redirects, non-HTML) are skipped "
                "before the first stage.") + table("input-table", ["record", "count"], rows)


def _funnel_documents(stats: Mapping[str, Any]) -> str:
    stages = stats["stages"]
    if not stages:
        return note("stats.json lists no stages.")
    start = stages[0]["in"]
    bars = [Bar(label="input (HTML pages)", value=start, caption=f"{format_number(start)} (100%)",
                data={"stage": "input"})]
    rows = []
    for stage in stages:
        name, kept = stage["stage"], stage["kept"]
        bars.append(Bar(label=name, value=kept, caption=f"{format_number(kept)} ({percent(kept, start)})",
                        data={"stage": name}))
        dropped = dropped_total(stage)
        rows.append(
            f'<tr data-stage="{e(name)}"><td>{e(name)}</td>'
            + cell(stage["in"], True, stage=name, **{"in": stage["in"]})
            + cell(dropped, True, stage=name, dropped=dropped)
            + cell(percent(dropped, stage["in"]), True)
            + cell(kept, True, stage=name, kept=kept)
            + cell(percent(kept, start), True)
            + "</tr>"
        )
    chart = horizontal_bar_chart(
        bars, chart_id="chart-funnel-documents", title="Documents remaining after each stage",
        value_label="documents remaining (percent of the HTML pages that entered the first stage)",
    )
    funnel = table("funnel-table", ["stage", "in", "dropped", "dropped % of in", "kept", "kept % of input"], rows)
    return note("Remaining documents after each stage, as in RefinedWeb's funnel figure; numbers are "
                "stats.json's stage counts.") + chart + funnel


def _no_text(run: RunFiles) -> str:
    """Why no characters were counted: nothing kept, or no text left anywhere (keep_text from the config)."""
    if not run.stats.get("kept_documents") and not run.shards.token_counts:
        return "No document was kept, so there are no characters to count"
    if run.config_value("output.keep_text", True) is False:
        return "The shards hold no text (output.keep_text: false) and _work/documents is gone"
    return "The shards hold no text column and _work/documents is gone"


def _funnel_tokens(run: RunFiles) -> str:
    funnel = token_funnel(run.stats, run.shards.total_chars)
    if funnel.tokens_per_char is None:
        return note(f"{_no_text(run)}: there is no tokens-per-character ratio to estimate stage tokens from. "
                    f"Final tokens: {format_number(funnel.final_tokens)}.")
    bars, rows = [], []
    for row in funnel.stages:
        est = row.estimated_tokens
        caption = f"≈{format_number(round(est))} (estimate)" if est is not None else "not measured"
        bars.append(Bar(label=row.stage, value=est, caption=caption, estimate=True, data={"stage": row.stage}))
        rows.append(
            f'<tr data-stage="{e(row.stage)}"><td>{e(row.stage)}</td>'
            + (cell(row.chars_kept, True, stage=row.stage, chars=row.chars_kept) if row.chars_kept is not None
               else cell("not measured"))
            + (cell(f"≈{format_number(round(est))}", True, stage=row.stage, **{"estimated-tokens": round(est)})
               if est is not None else cell("–"))
            + "</tr>"
        )
    bars.append(Bar(label="shards (counted)", value=funnel.final_tokens,
                    caption=f"{format_number(funnel.final_tokens)} (counted)", data={"stage": "shards"}))
    rows.append(
        "<tr data-stage=\"shards\"><td>shards (counted)</td>"
        + (cell(funnel.final_chars, True, stage="shards", chars=funnel.final_chars)
           if funnel.final_chars is not None else cell("not measured"))
        + cell(funnel.final_tokens, True, stage="shards", tokens=funnel.final_tokens)
        + "</tr>"
    )
    explanation = (
        f"ESTIMATE: tokens are only counted at the end. Each stage's tokens ≈ its characters kept × "
        f"{format_number(funnel.final_tokens)} final tokens / {format_number(funnel.final_chars)} final characters "
        f"= {funnel.tokens_per_char:.4f} tokens per character (characters counted "
        + ("by the tokenize stage; these are stats.json's own estimates, its token_estimates"
           if funnel.from_stats else f"in {run.shards.chars_source}")
        + "). Stages that measured no characters show "
        "\"not measured\"; the last bar is the exact count in the shards."
    )
    chart = horizontal_bar_chart(
        bars, chart_id="chart-funnel-tokens", title="Tokens remaining after each stage (estimated)",
        value_label="tokens (estimated from characters, except the counted shards)",
    )
    tokens = table("tokens-table", ["stage", "characters kept", "tokens (estimate)"], rows)
    return f'<p class="note estimate-label" id="tokens-estimate-note">{e(explanation)}</p>{chart}{tokens}'


def _drops(stats: Mapping[str, Any]) -> str:
    bars, rows = [], []
    for stage in stats["stages"]:
        name = stage["stage"]
        for reason, n in stage.get("dropped", {}).items():
            bars.append(Bar(label=f"{name} · {reason}", value=n,
                            caption=f"{format_number(n)} ({percent(n, stage['in'])} of stage input)",
                            data={"stage": name, "reason": reason}))
            rows.append(
                f"<tr><td>{e(name)}</td><td>{e(reason)}</td>"
                + cell(n, True, stage=name, reason=reason, dropped=n)
                + cell(percent(n, stage["in"]), True)
                + "</tr>"
            )
    if not rows:
        return note("No stage dropped any document.")
    chart = horizontal_bar_chart(bars, chart_id="chart-drops", title="Documents dropped, by stage and reason",
                                 value_label="documents dropped")
    return chart + table("drops-table", ["stage", "reason", "dropped", "% of stage input"], rows, numeric_from=2)


def _languages(manifest: Mapping[str, Any]) -> str:
    languages = manifest.get("languages") or {}
    if not languages:
        return note("manifest.json lists no languages.")
    ordered = sorted(languages.items(), key=lambda kv: (-kv[1].get("documents", 0), str(kv[0])))
    total_docs = sum(v.get("documents", 0) for _, v in ordered)
    total_tokens = sum(v.get("tokens", 0) for _, v in ordered)
    doc_bars = [Bar(label=str(lang), value=v.get("documents", 0), data={"language": lang}) for lang, v in ordered]
    token_bars = [Bar(label=str(lang), value=v.get("tokens", 0), data={"language": lang}) for lang, v in ordered]
    rows = [
        f"<tr><td>{e(lang)}</td>"
        + cell(v.get("documents", 0), True, language=lang, documents=v.get("documents", 0))
        + cell(percent(v.get("documents", 0), total_docs), True)
        + cell(v.get("tokens", 0), True, language=lang, tokens=v.get("tokens", 0))
        + cell(percent(v.get("tokens", 0), total_tokens), True)
        + "</tr>"
        for lang, v in ordered
    ]
    charts = (
        '<div class="charts-row">'
        + vertical_bar_chart(doc_bars, chart_id="chart-languages-documents", title="Documents per language",
                             x_label="language", y_label="documents")
        + vertical_bar_chart(token_bars, chart_id="chart-languages-tokens", title="Tokens per language",
                             x_label="language", y_label="tokens")
        + "</div>"
    )
    return charts + table("languages-table", ["language", "documents", "% documents", "tokens", "% tokens"], rows)


def _distribution_note(values: Sequence[int], unit: str) -> str:
    return note(
        f"{format_number(len(values))} documents; {unit} per document: min {format_number(min(values))}, "
        f"median {format_number(statistics.median(values))}, mean {format_number(round(statistics.fmean(values), 1))}, "
        f"max {format_number(max(values))}."
    )


def _lengths(run: RunFiles) -> str:
    parts = ["<h3>Characters per document</h3>"]
    chars = run.shards.char_lengths
    if chars:
        bins, log_scale = histogram_bins(chars)
        parts.append(_distribution_note(chars, "characters"))
        if run.shards.chars_source != "shards":
            keep_text = run.config_value("output.keep_text", True)
            why = "The shards hold no text (output.keep_text: false)" if keep_text is False else "The shards hold no text"
            parts.append(note(f"{why}: characters counted in {run.shards.chars_source}."))
        parts.append(histogram_chart(
            bins, chart_id="chart-length-characters", title="Characters per kept document",
            x_label="characters per document" + (" (log-spaced bins)" if log_scale else ""),
            y_label="documents"))
    else:
        parts.append(note(f"{_no_text(run)}: no character lengths." if run.shards.token_counts else f"{_no_text(run)}."))
    parts.append("<h3>Tokens per document</h3>")
    tokens = run.shards.token_counts
    if tokens:
        bins, log_scale = histogram_bins(tokens)
        parts.append(_distribution_note(tokens, "tokens"))
        parts.append(histogram_chart(
            bins, chart_id="chart-length-tokens", title="Tokens per kept document",
            x_label="tokens per document" + (" (log-spaced bins)" if log_scale else ""),
            y_label="documents"))
    else:
        parts.append(note("The shards hold no documents."))
    parts.append(_stage_lengths(run.stats))
    return "".join(parts)


def _stage_lengths(stats: Mapping[str, Any]) -> str:
    """Kept documents' characters after each stage, from the engines' distribution metrics."""
    stages = [s for s in stats.get("stages", []) if s.get("kept_text_chars")]
    if not stages:
        return note("stats.json records no per-stage length distributions.")
    rows = []
    for stage in stages:
        d = stage["kept_text_chars"]
        rows.append(
            f'<tr data-stage="{e(stage["stage"])}"><td>{e(stage["stage"])}</td>'
            + "".join(cell(d.get(k), True, **{k: d.get(k)}) for k in ("count", "min", "mean", "max"))
            + "</tr>"
        )
    return (
        "<h3>Characters per kept document after each stage</h3>"
        + note("From the engines' distribution metrics (Beam Metrics.distribution; the same count, sum, min and "
               "max on Spark), over every document the stage kept.")
        + table("stage-lengths-table", ["stage", "documents", "min", "mean", "max"], rows)
    )


def _dedup(run: RunFiles) -> str:
    return ("<h3>Duplicate clusters</h3>" + _clusters(run)
            + duplicate_pairs(run.pairs, have_duplicates=bool(run.duplicates and run.duplicates.removed_documents)))


def _clusters(run: RunFiles) -> str:
    clusters = run.duplicates
    if clusters is None:
        return note("No _work/duplicates table in this run (dedup off, or the work directory was removed).")
    if not clusters.size_counts:
        removed = format_number(clusters.removed_documents)
        return note(f"No duplicate clusters: {removed} documents were removed as duplicates.")
    bars = [Bar(label=str(size), value=n, data={"size": size}) for size, n in clusters.size_counts.items()]
    rows = [
        f"<tr>{cell(size, True)}{cell(n, True, size=size, clusters=n)}{cell(n * (size - 1), True)}</tr>"
        for size, n in clusters.size_counts.items()
    ]
    about = (f"{format_number(clusters.removed_documents)} documents were removed as duplicates; a cluster is a kept "
             "document plus the removed documents that duplicate it (chains followed to the kept one).")
    if clusters.without_target:
        about += f" {format_number(clusters.without_target)} removed rows name no original and are not clustered."
    chart = vertical_bar_chart(bars, chart_id="chart-dedup-clusters", title="Duplicate cluster sizes",
                               x_label="cluster size (documents)", y_label="clusters")
    return note(about) + chart + table("dedup-clusters-table", ["cluster size", "clusters", "documents removed"],
                                        rows, numeric_from=0)


def timed_stages(stats: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every timed stage with its ``busy_seconds`` and ``cpu_seconds``, as stats.json records them.

    stats.json from before ``timings`` existed timed only phase-A stages, and its
    ``cpu_seconds`` was busy wall time: shown as such, never as CPU.
    """
    if "timings" in stats:
        return [dict(row) for row in stats["timings"].get("stages", [])]
    return [{"stage": s["stage"], "busy_seconds": s["cpu_seconds"]} for s in stats["stages"] if "cpu_seconds" in s]


def _seconds_cell(stage: str, value: float | None, key: str) -> str:
    return cell(value, True, stage=stage, **{key: value}) if value is not None else cell("–")


def _timing_row(row: Mapping[str, Any], total_cpu: float) -> str:
    name, busy, cpu = row["stage"], row.get("busy_seconds"), row.get("cpu_seconds")
    share = cpu_share(name, busy, cpu)
    attrs = {"cpu-share": "" if share.ratio is None else round(share.ratio, 4)}
    if share.note:
        attrs["share-note"] = share.note
    of_total = percent(cpu, total_cpu) if cpu is not None else "–"
    return (f'<tr data-stage="{e(name)}"><td>{e(name)}</td>' + _seconds_cell(name, busy, "busy-seconds")
            + _seconds_cell(name, cpu, "cpu-seconds")
            + f'<td class="num{" share-note" if share.note else ""}"{data_attrs(attrs)}>{e(share.text)}</td>'
            + cell(of_total, True) + "</tr>")


def _share_notes(timed: list[dict[str, Any]]) -> str:
    """What a marked CPU share means, for the marks the table uses."""
    shares = {row["stage"]: cpu_share(row["stage"], row.get("busy_seconds"), row.get("cpu_seconds")) for row in timed}
    notes = []
    several = [stage for stage, share in shares.items() if share.note == "several-threads"]
    for stage in several:
        notes.append(f"† {stage}: CPU above busy time is real here: {SEVERAL_THREADS[stage]}.")
    artefacts = [stage for stage, share in shares.items() if share.note == "exceeds-busy"]
    if artefacts:
        notes.append(
            f"‡ {', '.join(artefacts)}: timed on one thread, whose CPU time cannot exceed its wall time, so this is "
            "a measurement artefact, not a share. The stage's timer reads the CPU clock after it has recorded the "
            "busy time (counting that bookkeeping as CPU) and rounds each reading down to whole microseconds, so a "
            "stage timed in many very short blocks gets its CPU overstated and its busy time understated.")
    if any(share.note == "too-short" for share in shares.values()):
        notes.append(f"Too short: busy under {MIN_SHARE_BUSY_SECONDS} s, where stats.json's millisecond rounding "
                     "and the timer's own cost outweigh the work.")
    return "".join(f'<p class="note share-note">{e(text)}</p>' for text in notes)


def _phases(stats: Mapping[str, Any]) -> str:
    phases = (stats.get("timings") or {}).get("phases") or {}
    if not phases:
        return note("stats.json records no wall time per phase.")
    bars = [Bar(label=name, value=seconds, caption=f"{format_number(seconds)} s", data={"phase": name})
            for name, seconds in phases.items()]
    rows = [f'<tr data-phase="{e(name)}"><td>{e(name)}</td>'
            + cell(seconds, True, phase=name, **{"wall-seconds": seconds}) + "</tr>"
            for name, seconds in phases.items()]
    return (
        "<h3>Wall time per phase</h3>"
        + note("The run's steps one after the other, timed by the driver's clock: documents (phase A and "
               "dedup), tokenizer (copied or trained), shards (tokenize, write shards and manifest).")
        + horizontal_bar_chart(bars, chart_id="chart-timings-phases", title="Wall seconds per phase",
                               value_label="wall seconds")
        + table("phases-table", ["phase", "wall s"], rows)
    )


def _timings(stats: Mapping[str, Any]) -> str:
    parts = []
    if "wall_seconds" in stats:
        parts.append(f'<p id="wall-time" data-wall-seconds="{e(stats["wall_seconds"])}">Wall time of the run: '
                     f"{e(format_number(stats['wall_seconds']))} s.</p>")
    else:
        parts.append(note("stats.json records no wall time for the run."))
    parts.append(_phases(stats))
    timed = timed_stages(stats)
    parts.append("<h3>Time per stage</h3>")
    if not timed:
        return "".join(parts) + note("stats.json records no per-stage time.")
    funnel = [s["stage"] for s in stats["stages"]]
    untimed = [name for name in funnel if name not in {row["stage"] for row in timed}]
    parts.append(note(
        "Both summed over all workers, so with several workers they can exceed the wall time. Busy: wall-clock "
        "seconds the stage's code ran, waits included (extraction waits for its worker process). CPU: the CPU "
        "seconds of that work, extraction's worker processes included; CPU well under busy means waiting."
        + (f" Not timed: {', '.join(untimed)}." if untimed else "")
    ))
    for key, chart_id, title in (("busy_seconds", "chart-timings-busy", "Busy seconds per stage"),
                                 ("cpu_seconds", "chart-timings-cpu", "CPU seconds per stage")):
        bars = [Bar(label=row["stage"], value=row.get(key),
                    caption=f"{format_number(row[key])} s" if key in row else None, data={"stage": row["stage"]})
                for row in timed]
        parts.append(horizontal_bar_chart(bars, chart_id=chart_id, title=title,
                                          value_label=title.split(" per ")[0] + " (all workers)"))
    total_cpu = sum(row.get("cpu_seconds") or 0 for row in timed)
    parts.append(table("timings-table", ["stage", "busy s", "CPU s", "CPU % of busy", "% of all stages' CPU"],
                       [_timing_row(row, total_cpu) for row in timed]))
    parts.append(_share_notes(timed))
    return "".join(parts)


def _flatten(value: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            yield from _flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and value and any(isinstance(v, (dict, list)) for v in value):
        for i, inner in enumerate(value):
            yield from _flatten(inner, f"{prefix}[{i}]")
    else:
        yield prefix, value


def _config_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _key_value_table(table_id: str, mapping: Any) -> str:
    rows = [f"<tr><td><code>{e(k)}</code></td><td>{e(_config_value(v))}</td></tr>" for k, v in _flatten(mapping)]
    return table(table_id, ["key", "value"], rows, numeric_from=2)


def _config(manifest: Mapping[str, Any]) -> str:
    shard_rows = [
        f"<tr><td><code>{e(s.get('name', ''))}</code></td>{cell(s.get('rows', 0), True)}"
        f"{cell(s.get('tokens', 0), True)}{cell(s.get('bytes', 0), True)}"
        f"<td><code>{e(str(s.get('sha256', ''))[:16])}…</code></td></tr>"
        for s in manifest["shards"]
    ]
    return (
        f'<p class="note">thresher {e(manifest.get("thresher_version", "?"))}, manifest schema '
        f'{e(manifest.get("schema_version", "?"))}.</p>'
        "<h3>Pipeline config (manifest.json)</h3>" + _key_value_table("config-table", manifest.get("config", {}))
        + "<h3>Tokenizer</h3>" + _key_value_table("tokenizer-table", manifest.get("tokenizer", {}))
        + "<h3>Shards</h3>"
        + table("shards-table", ["shard", "rows", "tokens", "bytes", "sha256"], shard_rows)
    )


def render_report(run: RunFiles) -> str:
    """The whole page for an already-read run."""
    stats, manifest = run.stats, run.manifest
    bodies = {
        "summary": _summary(run),
        "input": _input_records(stats),
        "funnel-documents": _funnel_documents(stats),
        "funnel-tokens": _funnel_tokens(run),
        "drops": _drops(stats),
        "per-language": filters_by_language(stats),
        "languages": _languages(manifest) + langid_drops(run),
        "kept-examples": kept_examples(run),
        "domains": domains(run),
        "lengths": _lengths(run),
        "dedup": _dedup(run),
        "audit": audit(run),
        "timings": _timings(stats),
        "config": _config(manifest),
    }
    nav = "".join(f'<a href="#{e(sid)}">{e(title)}</a>' for sid, title in SECTIONS)
    sections = "".join(section(sid, title, bodies[sid]) for sid, title in SECTIONS)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Thresher run report: {e(run.root)}</title><style>{STYLE}</style></head><body>"
        f'<header><h1>Thresher run report</h1><p class="subtitle">Run directory <code>{e(run.root)}</code>'
        "</p><nav>" + nav + "</nav></header>" + warnings_banner(stats, run.drops.error_files if run.drops else None) + sections + "</body></html>\n"
    )


def write_report(run_dir: str, output: str | None = None) -> str:
    """Write the run's report as one self-contained HTML file; returns its path.

    ``output`` defaults to ``<run_dir>/report.html``. Raises :class:`ThresherError` when
    ``run_dir`` is not a finished run's output directory.
    """
    root = run_dir if storage.is_url(run_dir) else os.path.abspath(run_dir)
    page = render_report(read_run(root))
    path = (output if storage.is_url(output) else os.path.abspath(output)) if output else RunLayout.of(root).report
    storage.write_bytes(path, page.encode("utf-8"))  # a reader never sees half a page
    return path
