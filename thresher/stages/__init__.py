"""The stages: engine-neutral logic over one record or one batch (extract, language ID, filters, text,
dedup rules, tokenization). Nothing here knows the run, the engines or the tools."""
