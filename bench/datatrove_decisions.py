"""Write datatrove's own decisions on a fixed set of texts: the fixture Thresher's
``preset: fineweb`` rules are held to (``tests/test_filters_datatrove.py``).

    .venv/bin/python bench/datatrove_decisions.py [--out tests/data/datatrove_decisions.json]
    .venv/bin/python bench/datatrove_decisions.py --tokens /tmp/spacy_tokens.jsonl   # development aid

The texts are :func:`filter_corpus.corpus` (``tests/filter_corpus.py``): gold and
extracted texts of the real pages in ``../shared/data`` plus seeded generated
pages. Each is labelled by Thresher's lid.176 (the test holds agreement on the
English ones), then datatrove 0.10.1 runs FineWeb's four rule sets on it, each
rule on the same text independently, in its own venv (``bench/peers.py``), a
child process: ``GopherRepetitionFilter()``, ``GopherQualityFilter()``,
``C4QualityFilter(filter_no_terminal_punct=False)`` and
``FineWebQualityFilter()``, all with ``language="en"`` (spaCy's English
tokenizer, as FineWeb ran them). The fixture keeps, per text: its id, the SHA-1
of the text, the lid.176 label, and each rule's reason (``null`` = kept). No
page text is written.

``--tokens`` instead writes spaCy's English word tokens (as datatrove strips
them) and the sentence count per line, for comparing Thresher's reproduction.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from filter_corpus import corpus, text_sha1  # noqa: E402
from peers import peer_python, peer_version  # noqa: E402

DEFAULT_OUT = ROOT / "tests" / "data" / "datatrove_decisions.json"

#: Runs inside datatrove's venv: reads JSONL {"id", "text"} on stdin, writes one
#: JSON line of decisions per text on stdout.
_CHILD = r"""
import json, sys
from datatrove.data import Document
from datatrove.pipeline.filters import C4QualityFilter, FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
filters = {
    "gopher_repetition": GopherRepetitionFilter(language="en"),
    "gopher_quality": GopherQualityFilter(language="en"),
    "c4_quality": C4QualityFilter(filter_no_terminal_punct=False, language="en"),
    "fineweb_quality": FineWebQualityFilter(language="en"),
}
for line in sys.stdin:
    rec = json.loads(line)
    out = {"id": rec["id"]}
    for name, f in filters.items():
        doc = Document(text=rec["text"], id=rec["id"])
        try:
            res = f.filter(doc)
        except Exception as e:
            out[name] = "error:" + type(e).__name__
            continue
        if res is True:
            out[name] = None
        else:
            out[name] = res[1] if isinstance(res, tuple) else "dropped"
    sys.stdout.write(json.dumps(out) + "\n")
"""

_CHILD_TOKENS = r"""
import json, sys
from datatrove.utils.text import split_into_words, split_into_sentences
for line in sys.stdin:
    rec = json.loads(line)
    text = rec["text"]
    out = {"id": rec["id"], "tokens": split_into_words(text, "en"),
           "sentences": [len(split_into_sentences(l.strip(), "en")) for l in text.splitlines() if l.strip()]}
    sys.stdout.write(json.dumps(out) + "\n")
"""


def run_child(code: str, docs: list[tuple[str, str]]) -> list[dict]:
    python = peer_python("datatrove")
    with tempfile.TemporaryFile("w+", encoding="utf-8") as fh:
        for doc_id, text in docs:
            fh.write(json.dumps({"id": doc_id, "text": text}) + "\n")
        fh.seek(0)
        proc = subprocess.run([python, "-c", code], stdin=fh, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"datatrove child failed:\n{proc.stderr[-3000:]}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--tokens", type=Path, help="write spaCy tokens per text here instead of decisions")
    args = ap.parse_args()

    docs = list(corpus())
    if args.tokens:
        rows = run_child(_CHILD_TOKENS, docs)
        with args.tokens.open("w", encoding="utf-8") as fh:
            for (doc_id, text), row in zip(docs, rows):
                assert row["id"] == doc_id
                fh.write(json.dumps({**row, "text": text}) + "\n")
        print(f"wrote spaCy tokens of {len(rows)} texts to {args.tokens}")
        return

    from thresher.stages.langid.fasttext_lid import FastTextLanguageIdentifier

    lid = FastTextLanguageIdentifier()
    rows = run_child(_CHILD, docs)
    records = []
    for (doc_id, text), row in zip(docs, rows):
        assert row["id"] == doc_id
        records.append(
            {"id": doc_id, "sha1": text_sha1(text)[:16], "lang": lid.predict(text).language, **{k: v for k, v in row.items() if k != "id"}}
        )
    fixture = {
        "what": "datatrove's own decisions per FineWeb rule on tests/filter_corpus.py's texts (null = kept)",
        "made_by": "bench/datatrove_decisions.py",
        "datatrove": peer_version("datatrove", "datatrove"),
        "spacy": peer_version("datatrove", "spacy"),
        "docs": records,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # One document a line: small diffs when the fixture is remade.
    head = json.dumps({k: v for k, v in fixture.items() if k != "docs"}, ensure_ascii=False)[:-1]
    body = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records)
    args.out.write_text(f'{head}, "docs": [\n{body}\n]}}\n', encoding="utf-8")
    n_en = sum(r["lang"] == "en" for r in records)
    print(f"wrote {len(records)} decisions ({n_en} English texts) to {args.out}")


if __name__ == "__main__":
    main()
