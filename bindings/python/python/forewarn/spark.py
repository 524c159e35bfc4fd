"""Run forewarn over a Spark DataFrame of works, for archives that outgrow one machine.

    from pyspark.sql import SparkSession
    from forewarn.spark import scan_dataframe

    spark = SparkSession.builder.getOrCreate()
    works = spark.read.json("works.jsonl")            # columns work_id, text (PAN 2023 style)
    result = scan_dataframe(works)                     # one row per work
    result.select("work_id", "labels.label").show()

Each executor imports the ``forewarn`` wheel (install it on every node) and scans its partitions with
``mapInPandas``, a batch of texts at a time through ``forewarn.scan_many`` (GIL released, one thread per
task by default: Spark already runs one task per core). The text never leaves the executors except as
the labels, severities and paragraph indices below, and optionally the full JSON report.
"""

from __future__ import annotations

import json
from typing import Iterator

import forewarn

RESULT_SCHEMA = (
    "work_id string, "
    "labels array<struct<label:string,group:string,severity:string,confidence:double,paragraphs:array<int>>>, "
    "error string, "
    "report string"
)


def _scan_batches(batches: Iterator["pandas.DataFrame"], id_col: str, text_col: str, threads: int,
                  spoiler_free: bool, include_report: bool) -> Iterator["pandas.DataFrame"]:
    import pandas as pd

    for pdf in batches:
        ids = [str(x) for x in pdf[id_col].tolist()]
        texts = ["" if t is None else str(t) for t in pdf[text_col].tolist()]
        reports = forewarn.scan_many(texts, ids=ids, threads=threads, spoiler_free=spoiler_free, errors="record")
        rows = []
        for work_id, r in zip(ids, reports):
            if r.get("schema") == "forewarn.error":
                rows.append({"work_id": work_id, "labels": [], "error": r["error"], "report": None})
                continue
            labels = [
                {
                    "label": l["label"],
                    "group": l["group"],
                    "severity": l["severity"],
                    "confidence": float(l["confidence"]),
                    "paragraphs": [p["index"] for p in l["passages"]],
                }
                for l in r["labels"]
            ]
            rows.append({"work_id": work_id, "labels": labels, "error": None,
                         "report": json.dumps(r) if include_report else None})
        yield pd.DataFrame(rows, columns=["work_id", "labels", "error", "report"])


def scan_dataframe(df, id_col: str = "work_id", text_col: str = "text", threads: int = 1,
                   spoiler_free: bool = True, include_report: bool = False):
    """Scan every row of ``df``; returns a DataFrame with ``RESULT_SCHEMA``, one row per work.

    A text that cannot be read gets ``error`` set and no labels; the job goes on.
    """
    fn = lambda it: _scan_batches(it, id_col, text_col, threads, spoiler_free, include_report)  # noqa: E731
    return df.select(id_col, text_col).mapInPandas(fn, schema=RESULT_SCHEMA)
