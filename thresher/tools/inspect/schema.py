"""The shard schema a run actually has, compared column by column with the contract."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from thresher.io.shards import SCHEMA_VERSION, shard_schema
from thresher.tools.loader.run import Run

VERSION_KEY = b"thresher.schema_version"


def schema_differences(actual: pa.Schema, expected: pa.Schema) -> list[str]:
    """Each way ``actual`` breaks ``expected``, as a sentence; empty when it conforms."""
    problems = []
    have = {f.name: f for f in actual}
    want = {f.name: f for f in expected}
    for name, field in want.items():
        if name not in have:
            problems.append(f"missing column {name} ({field.type})")
    for name, field in have.items():
        if name not in want:
            problems.append(f"unexpected column {name} ({field.type})")
            continue
        contract = want[name]
        # ListType equality ignores the element's name ("item" vs Parquet's "element").
        if field.type != contract.type:
            problems.append(f"column {name}: type {field.type}, the contract says {contract.type}")
        elif field.nullable != contract.nullable:
            problems.append(
                f"column {name}: {'nullable' if field.nullable else 'not nullable'}, "
                f"the contract says {'nullable' if contract.nullable else 'not nullable'}"
            )
    common_actual = [n for n in actual.names if n in want]
    common_expected = [n for n in expected.names if n in have]
    if common_actual != common_expected:
        problems.append(f"columns in the order {common_actual}, the contract's order is {common_expected}")
    version = (actual.metadata or {}).get(VERSION_KEY)
    if version != str(SCHEMA_VERSION).encode():
        shown = version.decode(errors="replace") if version is not None else "absent"
        problems.append(f"schema metadata thresher.schema_version is {shown}, expected {SCHEMA_VERSION}")
    return problems


def kept_fields(run: Run) -> dict[str, str]:
    """The input columns the manifest says the shards carry (``input.keep_fields``): name -> Arrow type."""
    return dict((run.manifest.get("columns") or {}).get("kept_fields") or {})


def contract_schema(run: Run, actual: pa.Schema | None = None) -> pa.Schema:
    """The schema the run's shards promise: the contract's columns, then the kept input columns.

    A kept column's type is the one the manifest names; it is taken from ``actual`` when the names
    agree (Arrow types cannot be parsed back from their names), else stands as a string column.
    """
    kept = []
    for name, type_name in kept_fields(run).items():
        if actual is not None and name in actual.names and _type_name(actual.field(name).type) == _type_name(type_name):
            kept.append(actual.field(name).with_nullable(True))
        else:
            kept.append(pa.field(name, pa.string()))  # a mismatch: reported as a type difference
    return shard_schema(run.keeps_text, run.keeps_cluster_size, kept)


def _type_name(arrow_type: Any) -> str:
    # A list's element is named "item" in Arrow and "element" once read back from Parquet.
    return str(arrow_type).replace("<element: ", "<item: ")


def describe_schema(run: Run) -> dict[str, Any]:
    """The first shard's schema (its footer only is read) beside the contract's."""
    expected = shard_schema(run.keeps_text, run.keeps_cluster_size)
    if run.shards:
        source = run.shards[0].name
        actual = run.open_shard(source).schema_arrow
    else:
        source, actual = None, expected
    expected = contract_schema(run, actual)
    want = {f.name: f for f in expected}
    columns = []
    for field in actual:
        contract = want.get(field.name)
        columns.append({
            "name": field.name,
            "type": str(field.type),
            "nullable": field.nullable,
            "contract_type": str(contract.type) if contract else None,
            "conforms": bool(contract and field.type == contract.type and field.nullable == contract.nullable),
        })
    version = (actual.metadata or {}).get(VERSION_KEY)
    return {
        "source": source,
        "schema_version": version.decode(errors="replace") if version else None,
        "contract_version": SCHEMA_VERSION,
        "columns": columns,
        "differences": schema_differences(actual, expected),
    }
