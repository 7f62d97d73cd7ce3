"""What the local engine's fork server imports for phase A's workers (``PRELOAD`` in
:mod:`thresher.engines.fork_server`): phase A's modules, and what they would otherwise build in
every worker, built here once so that each process forked afterwards has it: the word tokenizer's
tables (0.2 s) and the extractors' libraries, imported and run once on a tiny page (0.35 s), which
each worker's extraction child, forked from it (:func:`thresher.stages.extract.worker.may_fork`),
would otherwise import afresh."""

from thresher.run import phase_a  # noqa: F401 - imported for the workers
from thresher.stages.extract.combined import CombinedExtractor
from thresher.stages.text.spacy_tokens import build_tables

build_tables()
# The default profile runs both libraries on the page: both are imported and warmed.
CombinedExtractor(profile="default").extract_labelled_inline("<html><body><p>warm up</p></body></html>", "")
