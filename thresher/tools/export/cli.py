"""``thresher export megatron|flat PATH OUT``: write a run's tokens in another stack's format."""

from __future__ import annotations

import argparse

# Kept in step with thresher.tools.export.flat/megatron.TOKEN_DTYPES (a test checks); literal here so
# that registering the parser imports neither numpy nor pyarrow.
FLAT_DTYPES = ("uint16", "uint32")
MEGATRON_DTYPES = ("uint16", "int32")
_DTYPE_HELP = "token width (default: uint16 when the vocabulary fits)"


def add_export_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``export`` on the top-level subparsers (handlers return an exit code)."""
    export = subparsers.add_parser(
        "export",
        help="write a run's tokens as Megatron-LM .bin/.idx or a flat nanoGPT-style token file",
        description="Export the documents of a run (shards by name, rows in file order) to a local "
        "directory. PATH is a run directory or its manifest.json, local or gs:// / s3://.",
    )
    formats = export.add_subparsers(dest="export_format", required=True, metavar="FORMAT")
    megatron = formats.add_parser(
        "megatron", help="MMapIndexedDataset: PREFIX.bin + PREFIX.idx, one sequence per document",
        description="Write PREFIX.bin and PREFIX.idx for Megatron-LM (--data-path PREFIX).",
    )
    megatron.add_argument("path", metavar="PATH")
    megatron.add_argument("prefix", metavar="PREFIX")
    megatron.add_argument("--dtype", choices=MEGATRON_DTYPES, help=_DTYPE_HELP)
    megatron.set_defaults(func=_cmd_megatron)
    flat = formats.add_parser(
        "flat", help="tokens.bin + offsets.npy + meta.json (nanoGPT's train.bin layout)",
        description="Write OUT_DIR/tokens.bin (ids back to back), offsets.npy and meta.json.",
    )
    flat.add_argument("path", metavar="PATH")
    flat.add_argument("out_dir", metavar="OUT_DIR")
    flat.add_argument("--dtype", choices=FLAT_DTYPES, help=_DTYPE_HELP)
    flat.set_defaults(func=_cmd_flat)


def _cmd_megatron(args: argparse.Namespace) -> int:
    from thresher.run.preflight import check_output_file
    from thresher.tools.export.megatron import export_megatron

    check_output_file(args.prefix + ".bin", "PREFIX")
    result = export_megatron(args.path, args.prefix, dtype=args.dtype)
    print(f"wrote {result.bin_path} and {result.idx_path}: {result.documents} documents, "
          f"{result.tokens} tokens, {result.dtype.name}")
    return 0


def _cmd_flat(args: argparse.Namespace) -> int:
    from thresher.run.preflight import check_output_dir
    from thresher.tools.export.flat import export_flat

    check_output_dir(args.out_dir, "OUT_DIR")
    result = export_flat(args.path, args.out_dir, dtype=args.dtype)
    print(f"wrote {result.directory}/tokens.bin, offsets.npy, meta.json: {result.documents} documents, "
          f"{result.tokens} tokens, {result.dtype.name}")
    return 0
