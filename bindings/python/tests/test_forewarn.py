"""Tests of the Python package, run from the built wheel (see scripts/test.sh)."""

import json
import os
import pathlib
import subprocess
import threading

import pytest

import forewarn

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED = pathlib.Path(os.environ.get("FOREWARN_SHARED", ROOT.parent / "shared"))
CLI = pathlib.Path(os.environ.get("FOREWARN_BIN", ROOT / "target" / "release" / "forewarn"))
SEED = SHARED / "seeds" / "000_d6304b31301b4169.txt"


def test_scan_finds_suicide_at_the_right_paragraph():
    r = forewarn.scan("It was morning.\n\nThat night he took his own life.")
    assert r["schema"] == "forewarn.report" and r["version"] == 1
    assert r["labels"][0]["label"] == "suicide"
    assert r["labels"][0]["passages"][0]["index"] == 1
    assert "quote" in r["labels"][0]["passages"][0]


def test_spoiler_free_has_no_quotes():
    r = forewarn.scan("That night he took his own life.", spoiler_free=True)
    assert "took his own life" not in json.dumps(r)


@pytest.mark.skipif(not CLI.exists() or not SEED.exists(), reason="needs the CLI build and ../shared")
def test_same_report_as_the_cli():
    cli = subprocess.run([str(CLI), "scan", "--format", "json", str(SEED)], capture_output=True, check=True)
    expected = json.loads(cli.stdout)
    got = forewarn.scan_bytes(SEED.read_bytes(), id=str(SEED))
    assert got == expected


def test_scan_many_keeps_order_and_matches_scan():
    texts = ["Tea in the garden.", "He was murdered in the night.\n\nThe house was silent.", "She wept at the funeral of her mother, who had died."] * 20
    many = forewarn.scan_many(texts, threads=2)
    assert len(many) == len(texts)
    for i, (t, r) in enumerate(zip(texts, many)):
        single = forewarn.scan(t, id=str(i), format="text")
        assert r == single


def test_scan_many_releases_the_gil():
    # While scan_many runs on the worker pool, another Python thread keeps running.
    texts = ["He was killed in the war, and the village burned. " * 2000] * 16
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    forewarn.scan_many(texts, threads=2)
    stop.set()
    t.join()
    assert len(ticks) > 5


def test_errors_raise_or_are_recorded():
    with pytest.raises(forewarn.ForewarnError):
        forewarn.scan("   \n\n  ")
    with pytest.raises(forewarn.ForewarnError):
        forewarn.scan_many(["ok text", "  "])
    out = forewarn.scan_many(["He was murdered.", "  "], ids=["a", "b"], errors="record")
    assert out[0]["work"]["id"] == "a"
    assert out[1]["schema"] == "forewarn.error" and out[1]["id"] == "b"
    with pytest.raises(forewarn.ForewarnError):
        forewarn.check("text", ["spiders"])


def test_check_and_labels():
    assert forewarn.check("Tea in the garden.", ["suicide"])["clear"] is True
    v = forewarn.check("That night he took his own life.", ["mental-health"], at="mention")
    assert v["clear"] is False and v["labels"][0]["label"] == "suicide"
    t = forewarn.labels()
    assert len(t["labels"]) == 30 and len(t["groups"]) == 7


def test_scan_bytes_reads_html():
    r = forewarn.scan_bytes(b"<html><body><p>Morning.</p><p>He was murdered in the night.</p></body></html>")
    assert r["work"]["format"] == "html" and r["work"]["paragraphs"] == 2


def test_type_stubs_ship_with_the_package():
    pkg = pathlib.Path(forewarn.__file__).parent
    assert (pkg / "__init__.pyi").exists() and (pkg / "py.typed").exists()
