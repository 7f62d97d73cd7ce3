"""Report sections that show documents and where they came from: kept examples and domains.

Contract for tests and tools: an example is ``<article class="example" data-id data-language
data-tokens>`` inside ``<div class="examples-language" data-language>``; domain rows carry
``data-domain`` plus ``data-kept``, ``data-tokens`` or ``data-dropped`` (exact counts); the
dropped table's source note is ``<p id="domains-dropped-source" data-source="dropped|audit" data-complete>``.
"""

from __future__ import annotations

from thresher.tools.report.charts import format_number
from thresher.tools.report.domains import NO_HOST, DomainRow
from thresher.tools.report.markup import cell, e, note, table
from thresher.tools.report.measures import percent
from thresher.tools.report.run_files import EXAMPLE_CHARS, EXAMPLES_PER_LANGUAGE, KeptExample, RunFiles

#: Languages whose examples are shown (most documents first); domains per table.
EXAMPLE_LANGUAGES = 12
TOP_DOMAINS = 20
REASONS_SHOWN = 3


def _language_order(run: RunFiles) -> list[str]:
    languages = run.manifest.get("languages") or {}
    counted = sorted(languages.items(), key=lambda kv: (-kv[1].get("documents", 0), str(kv[0])))
    order = [str(lang) for lang, _ in counted]
    return order + sorted(lang for lang in run.kept.examples if lang not in order)


def _example(example: KeptExample) -> str:
    chars = f", {format_number(example.chars)} characters" if example.chars is not None else ""
    tokens = f"{format_number(example.token_count)} tokens" if example.token_count is not None else "tokens unknown"
    if example.text is None:
        body = '<p class="note">(no text: see above)</p>'
    else:
        cut = example.chars is not None and example.chars > len(example.text)
        body = f'<pre class="example-text">{e(example.text)}{"…" if cut else ""}</pre>'
    return (
        f'<article class="example" data-id="{e(example.id)}" data-language="{e(example.language)}"'
        f' data-tokens="{e(example.token_count if example.token_count is not None else "")}">'
        f'<div class="url">{e(example.url)}</div>'
        f'<div class="note">id <code>{e(example.id)}</code> · {e(tokens)}{e(chars)}</div>{body}</article>'
    )


def kept_examples(run: RunFiles) -> str:
    if not run.stats.get("kept_documents") and not run.kept.examples:
        return note("No document was kept, so there is nothing to show.")
    if not run.kept.examples:
        return note("The shards name no document ids: no examples to show.")
    keep_text = run.config_value("output.keep_text", True)
    if run.kept.text_source is None:
        source = ("The shards hold no text (output.keep_text: false) and _work/documents is gone: "
                  "examples show their URL and id only.")
    elif run.kept.text_source == "shards":
        source = "Text from the shards."
    else:
        source = ("The shards hold no text (output.keep_text: false): text from _work/documents."
                  if not keep_text else "Text from _work/documents.")
    order = [lang for lang in _language_order(run) if lang in run.kept.examples]
    shown = order[:EXAMPLE_LANGUAGES]
    parts = [note(
        f"Per language (most documents first), the {EXAMPLES_PER_LANGUAGE} kept documents with the smallest ids: "
        "ids are hashes, so this is a deterministic pick that favours no site or length. "
        f"At most the first {format_number(EXAMPLE_CHARS)} characters of each. {source}"
        + (f" {len(order) - len(shown)} more languages are not shown." if len(order) > len(shown) else "")
    )]
    documents = {str(k): v.get("documents", 0) for k, v in (run.manifest.get("languages") or {}).items()}
    for lang in shown:
        count = documents.get(lang)
        heading = f"{lang} ({format_number(count)} documents kept)" if count is not None else lang
        examples = "".join(_example(x) for x in run.kept.examples[lang])
        parts.append(f'<div class="examples-language" data-language="{e(lang)}"><h3>{e(heading)}</h3>'
                     f'<div class="examples">{examples}</div></div>')
    return "".join(parts)


def _reasons(row: DomainRow) -> str:
    shown = "; ".join(f"{reason} ×{format_number(n)}" for reason, n in row.reasons[:REASONS_SHOWN])
    more = len(row.reasons) - REASONS_SHOWN
    return shown + (f"; {more} more reason{'s' if more != 1 else ''}" if more > 0 else "")


def _kept_table(run: RunFiles) -> str:
    rows_data = run.domains.top_kept(TOP_DOMAINS)
    if not rows_data:
        return note("No document was kept.")
    total_docs = sum(run.domains.kept.values())
    total_tokens = sum(run.domains.kept_tokens.values())
    rows = [
        f'<tr data-domain="{e(r.domain)}"><td class="domain">{e(r.domain)}</td>'
        + cell(r.kept, True, domain=r.domain, kept=r.kept) + cell(percent(r.kept, total_docs), True)
        + cell(r.kept_tokens, True, domain=r.domain, tokens=r.kept_tokens) + cell(percent(r.kept_tokens, total_tokens), True)
        + cell(r.dropped, True) + cell(percent(r.dropped, r.kept + r.dropped), True) + "</tr>"
        for r in rows_data
    ]
    return (
        "<h3>Top domains kept</h3>"
        + note(f"{format_number(len(run.domains.kept))} domains in the shards. Dropped: this domain's documents "
               "dropped by a stage or removed as duplicates (see the source below); dropped share: of its kept "
               "and dropped documents.")
        + table("domains-kept-table", ["domain", "kept", "% of kept", "tokens", "% of tokens", "dropped",
                                        "dropped share"], rows)
    )


def _dropped_source(run: RunFiles) -> str:
    drops = run.drops
    assert drops is not None
    stage_total = sum(sum((s.get("dropped") or {}).values()) for s in run.stats.get("stages", [])
                      if not str(s.get("stage", "")).startswith("dedup_"))
    complete = drops.stage_source == "dropped"
    if complete:
        text = (f"Every document a stage dropped: {format_number(drops.stage_drops)} from the phase-A results' "
                "dropped documents")
    else:
        text = ("Not every phase-A result lists its dropped documents (the run predates that), so the documents "
                f"the stages dropped before dedup are only audit.json's samples here: "
                f"{format_number(drops.stage_drops)} of {format_number(stage_total)}; these counts are incomplete")
    if drops.duplicates is None:
        text += "; no _work/duplicates table, so no removed duplicates."
    else:
        text += f"; and every removed duplicate: {format_number(drops.duplicates)} from _work/duplicates."
    return (f'<p class="note" id="domains-dropped-source" data-source="{e(drops.stage_source)}"'
            f' data-complete="{str(complete).lower()}">{e(text)}</p>')


def _dropped_table(run: RunFiles) -> str:
    rows_data = run.domains.top_dropped(TOP_DOMAINS)
    if not rows_data:
        return "<h3>Top domains dropped</h3>" + _dropped_source(run) + note("No dropped document names a URL.")
    rows = [
        f'<tr data-domain="{e(r.domain)}"><td class="domain">{e(r.domain)}</td>'
        + cell(r.dropped, True, domain=r.domain, dropped=r.dropped) + cell(r.kept, True)
        + cell(percent(r.dropped, r.kept + r.dropped), True) + f'<td class="reasons">{e(_reasons(r))}</td></tr>'
        for r in rows_data
    ]
    return ("<h3>Top domains dropped</h3>" + _dropped_source(run)
            + table("domains-dropped-table", ["domain", "dropped", "kept", "dropped share", "main reasons"], rows,
                    numeric_to=4))


def _rejected_table(run: RunFiles) -> str:
    rows_data = run.domains.top_rejected(TOP_DOMAINS)
    if run.drops is None or run.drops.rejects is None or not rows_data:
        return ""
    rows = [
        f'<tr data-domain="{e(r.domain)}"><td class="domain">{e(r.domain)}</td>'
        + cell(r.dropped, True, domain=r.domain, rejected=r.dropped) + f'<td class="reasons">{e(_reasons(r))}</td></tr>'
        for r in rows_data
    ]
    return ("<h3>Records skipped or failed before the stages, by domain</h3>"
            + note(f"Every one of the {format_number(run.drops.rejects)} records the phase-A results list as "
                   "rejected: redirects, error statuses, non-HTML payloads, unreadable records.")
            + table("domains-rejected-table", ["domain", "records", "main reasons"], rows, numeric_to=2))


def domains(run: RunFiles) -> str:
    parts = [note(f"A domain is the URL's host name without a leading \"www.\"; \"{NO_HOST}\" counts URLs without "
                  f"one. Top {TOP_DOMAINS} of each list.")]
    parts.append(_kept_table(run))
    if run.drops is not None:
        parts.append(_dropped_table(run))
        parts.append(_rejected_table(run))
    return "".join(parts)
