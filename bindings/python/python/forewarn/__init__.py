"""forewarn: what distressing content a story holds, how severe, and where.

>>> import forewarn
>>> report = forewarn.scan("It was morning.\\n\\nThat night he took his own life.")
>>> report["labels"][0]["label"]
'suicide'

Reports are the same JSON objects as ``forewarn scan --format json`` (schema in docs/report-schema.md),
as plain Python dicts and lists. Nothing is logged or stored.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Sequence

from . import _forewarn
from ._forewarn import DETECTOR, ForewarnError

__all__ = ["scan", "scan_bytes", "scan_many", "check", "labels", "ForewarnError", "DETECTOR"]

Report = Dict[str, Any]


def scan(text: str, *, id: str = "text", spoiler_free: bool = False, include_text: bool = False,
         format: Optional[str] = None) -> Report:
    """Scan one text (plain text, Markdown or HTML, detected unless ``format`` is given)."""
    return json.loads(_forewarn.scan_json(text, id, spoiler_free, include_text, format))


def scan_bytes(data: bytes, *, id: str = "document", spoiler_free: bool = False,
               include_text: bool = False) -> Report:
    """Scan a document given as bytes: text in any encoding, HTML, an AO3 page or download, EPUB."""
    return json.loads(_forewarn.scan_bytes_json(bytes(data), id, spoiler_free, include_text))


def scan_many(texts: Iterable[str], *, ids: Optional[Sequence[str]] = None, threads: Optional[int] = None,
              spoiler_free: bool = False, errors: str = "raise") -> List[Optional[Report]]:
    """Scan many plain texts in parallel (the GIL is released); results keep the input order.

    ``errors="raise"`` raises ForewarnError for the first text that cannot be read;
    ``errors="record"`` puts ``{"schema": "forewarn.error", "id": ..., "error": ...}`` in its place.
    """
    if errors not in ("raise", "record"):
        raise ValueError("errors must be 'raise' or 'record'")
    texts = list(texts)
    reports, messages = _forewarn.scan_many_json(texts, list(ids) if ids is not None else None, threads, spoiler_free)
    out: List[Optional[Report]] = []
    for i, (r, msg) in enumerate(zip(reports, messages)):
        if r is not None:
            out.append(json.loads(r))
        elif errors == "raise":
            raise ForewarnError(msg)
        else:
            out.append({"schema": "forewarn.error", "version": 1, "id": ids[i] if ids is not None else str(i), "error": msg})
    return out


def check(text: str, avoid: Sequence[str], at: str = "mention") -> Dict[str, Any]:
    """Is a text clear for a reader avoiding ``avoid`` (labels or groups) from severity ``at`` on?

    Returns ``{"clear": bool, "labels": [...]}`` (spoiler-free: locations, no quotes).
    """
    clear, report = _forewarn.check_json(text, list(avoid), at)
    return {"clear": clear, "labels": json.loads(report)["labels"]}


def labels() -> Dict[str, Any]:
    """The taxonomy: labels, groups and severities."""
    return json.loads(_forewarn.labels_json())
