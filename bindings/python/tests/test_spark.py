"""The PySpark job in local mode over a few hundred works gives exactly the CLI's results."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

pyspark = pytest.importorskip("pyspark")

from forewarn.spark import scan_dataframe  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED = pathlib.Path(os.environ.get("FOREWARN_SHARED", ROOT.parent / "shared"))
CLI = pathlib.Path(os.environ.get("FOREWARN_BIN", ROOT / "target" / "release" / "forewarn"))


def works(n=300, size=20_000):
    """n works cut from the public-domain novels, with blank-line paragraphs."""
    out = []
    books = sorted((SHARED / "data" / "gutenberg").glob("*.txt"))
    for book in books:
        text = book.read_text(encoding="utf-8", errors="replace")
        for start in range(0, len(text) - size, size * 7):
            out.append({"work_id": f"{book.stem}-{start}", "text": text[start:start + size]})
            if len(out) == n:
                return out
    return out


def labels_of(report):
    return {l["label"]: (l["severity"], [p["index"] for p in l["passages"]]) for l in report["labels"]}


@pytest.mark.skipif(not CLI.exists(), reason="needs target/release/forewarn")
def test_spark_local_mode_equals_cli(tmp_path):
    ws = works()
    assert len(ws) >= 200
    path = tmp_path / "works.jsonl"
    path.write_text("".join(json.dumps(w) + "\n" for w in ws), encoding="utf-8")
    cli = subprocess.run([str(CLI), "scan", "--format", "jsonl", "--input-format", "jsonl", str(path)],
                         capture_output=True, check=True)
    expected = {}
    for line in cli.stdout.decode().splitlines():
        r = json.loads(line)
        expected[r["work"]["id"]] = labels_of(r)

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("forewarn-test")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    try:
        df = spark.read.json(str(path)).repartition(4)
        rows = scan_dataframe(df, include_report=False).collect()
    finally:
        spark.stop()

    got = {}
    for row in rows:
        assert row["error"] is None, row["error"]
        got[row["work_id"]] = {l["label"]: (l["severity"], list(l["paragraphs"])) for l in row["labels"]}
    assert got == expected
    assert sum(1 for v in got.values() if v) > 50, "the novels do carry labels"
