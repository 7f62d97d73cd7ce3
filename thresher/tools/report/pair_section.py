"""The duplicate pairs of the report: kept and removed text side by side, with their similarities.

Contract: each pair is ``<div class="pair" data-stage data-removed-id data-kept-id data-estimated
data-exact>`` (similarities as Python writes floats; empty when a text has no shingles); its two
sides are ``<div class="side" data-side="kept|removed" data-id>``. Words one side has and the other
does not are wrapped in ``<mark class="diff">``, so a near-duplicate's differences stand out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from thresher.tools.report.charts import format_number
from thresher.tools.report.markup import cell, data_attrs, e, note, table
from thresher.tools.report.pairs import PAIR_TEXT_CHARS, PAIRS_PER_STAGE, DuplicatePair, DuplicatePairs, Side, drop_reason

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class MarkedTexts:
    a: str
    b: str
    #: Words (and punctuation marks) of each text that the other one does not have at that place.
    only_a: int
    only_b: int


def marked_texts(a: str, b: str) -> MarkedTexts:
    """Both texts escaped, with the words that are not in the other one wrapped in ``<mark class="diff">``."""
    ta, tb = _TOKENS.findall(a), _TOKENS.findall(b)
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    in_a, in_b = [False] * len(ta), [False] * len(tb)
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            in_a[block.a + i] = in_b[block.b + i] = True
    return MarkedTexts(_mark(ta, in_a), _mark(tb, in_b), _unmatched(ta, in_a), _unmatched(tb, in_b))


def _unmatched(tokens: list[str], matched: list[bool]) -> int:
    return sum(1 for token, same in zip(tokens, matched) if not same and not token.isspace())


def _mark(tokens: list[str], matched: list[bool]) -> str:
    """Escaped tokens; runs of unmatched words (and the spaces between them) in one ``<mark>``."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        trailing = []
        while pending and pending[-1].isspace():
            trailing.insert(0, pending.pop())
        if pending:
            out.append(f'<mark class="diff">{e("".join(pending))}</mark>')
        out.extend(e(t) for t in trailing)
        pending.clear()

    for token, same in zip(tokens, matched):
        if token.isspace():
            (pending if pending else out).append(token)
        elif same:
            flush()
            out.append(e(token))
        else:
            pending.append(token)
    flush()
    return "".join(out)


def _similarity(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _side(side: Side, role: str, marked: str) -> str:
    cut = "…" if side.chars > len(side.text) else ""
    return (
        f'<div class="side {role}"{data_attrs({"side": role, "id": side.id})}><h4>{e(role)}</h4>'
        f'<div class="url">{e(side.url)}</div>'
        f'<div class="note">id <code>{e(side.id)}</code> · {e(format_number(side.chars))} characters</div>'
        f'<pre class="pair-text">{marked}{cut}</pre></div>'
    )


def _pair(pair: DuplicatePair, permutations: int) -> str:
    marked = marked_texts(pair.kept.text, pair.removed.text)
    attrs = data_attrs({
        "stage": pair.stage, "removed-id": pair.removed.id, "kept-id": pair.kept.id,
        "estimated": "" if pair.estimated is None else repr(pair.estimated),
        "exact": "" if pair.exact is None else repr(pair.exact),
    })
    return (
        f'<div class="pair"{attrs}><p class="pair-head"><strong>{e(drop_reason(pair.stage))}</strong> · '
        f"estimated similarity {e(_similarity(pair.estimated))} (MinHash, {e(format_number(permutations))} "
        f"permutations) · exact Jaccard {e(_similarity(pair.exact))} · {e(_differences(marked))}</p>"
        f'<div class="pair-sides">{_side(pair.kept, "kept", marked.a)}{_side(pair.removed, "removed", marked.b)}'
        "</div></div>"
    )


def _differences(marked: MarkedTexts) -> str:
    if not marked.only_a and not marked.only_b:
        return "the texts shown are identical"
    return (f"words only in the kept text: {format_number(marked.only_a)}, "
            f"only in the removed one: {format_number(marked.only_b)} (highlighted)")


def duplicate_pairs(pairs: DuplicatePairs | None, have_duplicates: bool) -> str:
    head = "<h3>Duplicate pairs</h3>"
    if pairs is None:
        why = ("the phase-A results (_work/phase_a), which hold both texts, are gone" if have_duplicates
               else "no document was removed as a duplicate")
        return head + note(f"No pairs to show: {why}.")
    p = pairs.params
    stages = ("as the run recorded them" if pairs.stages_recorded else
              "worked out as the stages decide, in their order: the same normalized URL (dedup_url), else the same "
              "normalized text (dedup_exact), else near-duplicate (dedup_minhash); an original that is not among "
              "this run's documents was in an earlier run's dedup index (dedup_index)")
    params = (f"{p.bands} bands × {p.rows} rows ({p.permutations} permutations), word {p.ngram}-grams, "
              f"{p.normalization} normalization, {p.hash} shingle hash, seed {p.seed}"
              + (" (defaults: the run's config names none)" if pairs.default_params else ""))
    rows = [f"<tr><td>{e(drop_reason(stage))}</td>{cell(n, True, stage=stage, removed=n)}</tr>"
            for stage, n in pairs.per_stage.items()]
    body = [
        note(f"Per dedup stage, the {PAIRS_PER_STAGE} removed documents with the smallest ids, each beside the "
             f"document it duplicated (the first {format_number(PAIR_TEXT_CHARS)} characters of each; words only "
             "one side has are highlighted). Stages " + stages + ". Similarities under the run's MinHash "
             f"parameters, {params}: exact is the Jaccard similarity of the two shingle sets MinHash signs; "
             "estimated is the share of equal signature values, what the LSH bands saw. A chain (a removed "
             "document whose original was itself removed later) shows the direct original."),
        table("pair-stages-table", ["stage", "documents removed"], rows),
    ]
    if not pairs.pairs:
        body.append(note("No pair has both texts in this run's documents."))
    body.extend(_pair(pair, p.permutations) for pair in pairs.pairs)
    return head + f'<div id="duplicate-pairs">{"".join(body)}</div>'
