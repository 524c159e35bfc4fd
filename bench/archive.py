#!/usr/bin/env python3
"""Archive-scale benchmark: the Gutenberg books cut into works and repeated to about SIZE_MB, scanned
by the CLI (1 and 2 threads), by the Python API (scan_many, 1 and 2 threads) and by the PySpark job in
local mode (2 cores), all in one invocation; reports works/s, MB/s and the ratios; and the CLI's peak
RSS on a PEAK_MB input (default 2 GB) to show streaming keeps memory bounded.

Usage: target/pyenv/bin/python bench/archive.py [SIZE_MB=1000] [PEAK_MB=2000]
(needs target/release/forewarn and the wheel installed in target/pyenv: run scripts/test.sh once).
"""

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = pathlib.Path(os.environ.get("FOREWARN_SHARED", ROOT.parent / "shared"))
CLI = ROOT / "target" / "release" / "forewarn"
WORK_CHARS = 50_000


def make_input(path, size_mb):
    books = [b.read_text(encoding="utf-8", errors="replace") for b in sorted((SHARED / "data" / "gutenberg").glob("*.txt"))]
    target = size_mb * 1_000_000
    written, n, rep = 0, 0, 0
    with open(path, "w", encoding="utf-8") as f:
        while written < target:
            for bi, text in enumerate(books):
                for start in range(0, len(text), WORK_CHARS):
                    line = json.dumps({"work_id": f"r{rep}-b{bi}-{start}", "text": text[start:start + WORK_CHARS]}) + "\n"
                    f.write(line)
                    written += len(line.encode())
                    n += 1
                    if written >= target:
                        return n, written
            rep += 1
    return n, written


def run_cli(path, threads):
    """Runs the CLI to /dev/null; returns (seconds, peak RSS in MiB) sampling /proc every 50 ms."""
    start = time.perf_counter()
    p = subprocess.Popen([str(CLI), "scan", "--format", "jsonl", "--input-format", "jsonl", "-j", str(threads), str(path)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while p.poll() is None:
        try:
            for line in open(f"/proc/{p.pid}/status"):
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.05)
    return time.perf_counter() - start, peak / 1024


def run_python(path, threads, chunk=2000):
    import forewarn
    start = time.perf_counter()
    n = 0
    with open(path, encoding="utf-8") as f:
        batch_ids, batch_texts = [], []
        for line in f:
            w = json.loads(line)
            batch_ids.append(w["work_id"]); batch_texts.append(w["text"])
            if len(batch_texts) == chunk:
                n += len(forewarn.scan_many(batch_texts, ids=batch_ids, threads=threads, errors="record"))
                batch_ids, batch_texts = [], []
        if batch_texts:
            n += len(forewarn.scan_many(batch_texts, ids=batch_ids, threads=threads, errors="record"))
    return time.perf_counter() - start


def run_spark(path):
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession
    from forewarn.spark import scan_dataframe
    spark = (SparkSession.builder.master("local[2]").appName("forewarn-bench")
             .config("spark.ui.enabled", "false").config("spark.driver.memory", "4g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        start = time.perf_counter()
        df = spark.read.json(str(path))
        scan_dataframe(df).write.format("noop").mode("overwrite").save()
        return time.perf_counter() - start
    finally:
        spark.stop()


def main():
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    peak_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    with tempfile.TemporaryDirectory() as d:
        path = pathlib.Path(d) / "works.jsonl"
        n, size = make_input(path, size_mb)
        mb = size / 1e6
        print(f"input: {n} works, {mb:.0f} MB of JSONL (Gutenberg books in {WORK_CHARS}-character works, repeated)")
        rows = {}
        for t in (1, 2):
            secs, peak = run_cli(path, t)
            rows[f"cli-{t}"] = secs
            print(f"CLI      {t} thread(s): {n / secs:8.0f} works/s {mb / secs:7.1f} MB/s  ({secs:.1f} s, peak RSS {peak:.0f} MiB)")
        for t in (1, 2):
            secs = run_python(path, t)
            rows[f"py-{t}"] = secs
            print(f"Python   {t} thread(s): {n / secs:8.0f} works/s {mb / secs:7.1f} MB/s  ({secs:.1f} s)")
        secs = run_spark(path)
        rows["spark"] = secs
        print(f"Spark local[2]      : {n / secs:8.0f} works/s {mb / secs:7.1f} MB/s  ({secs:.1f} s, including JSON read and start-up)")
        for t in (1, 2):
            print(f"ratio Python/CLI throughput at {t} thread(s): {rows[f'cli-{t}'] / rows[f'py-{t}']:.2f}")
        print(f"ratio Spark local[2]/CLI 2 threads throughput: {rows['cli-2'] / rows['spark']:.2f} (overhead x{rows['spark'] / rows['cli-2']:.1f})")
        path.unlink()
        path2 = pathlib.Path(d) / "peak.jsonl"
        n2, size2 = make_input(path2, peak_mb)
        secs, peak = run_cli(path2, 2)
        print(f"peak RSS of the CLI on {size2 / 1e9:.1f} GB ({n2} works), 2 threads: {peak:.0f} MiB ({size2 / 1e6 / secs:.1f} MB/s)")


if __name__ == "__main__":
    main()
