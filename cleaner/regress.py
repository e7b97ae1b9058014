"""Golden regression: re-clean raw/ and compare with clean/corpus.jsonl and clean/<name>.txt.

The CLI (``cleaner regress``) and the test suite call the same function.
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass, field

import tempfile

from .corpus import RunConfig, run as run_corpus
from .corpus.sources import split_source
from .pipeline import Cleaner
from .writers import dumps, review_name

CORPUS_NAME = "corpus.jsonl"


@dataclass
class Difference:
    source: str
    lines: list[str] = field(default_factory=list)


def _load_golden(path: str) -> dict[str, dict]:
    if not os.path.exists(path):
        return {}
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                out[rec["source"]] = rec
    return out


def _container(source: str) -> tuple[str, str]:
    """(the file a document came from, the rest of its source: ``@URL`` of a WARC record, ``:N`` of a
    JSONL line, else "")."""
    path, kind, record = split_source(source)
    return path, {"jsonl": f":{record}", "warc": f"@{record}"}.get(kind or "", "")


def _keys(sources: list[str], base: str | None = None) -> dict[str, str]:
    """Each source by its path relative to ``base`` (default: the folder all of them are in), so that
    ``raw``, ``./raw`` and ``/abs/raw`` name a document alike."""
    parts = [_container(s) for s in sources]
    if base is None:
        dirs = [os.path.dirname(c) for c, _ in parts]
        try:
            base = os.path.commonpath(dirs) if dirs else ""
        except ValueError:  # absolute and relative mixed: no common folder
            base = ""
    return {
        (os.path.relpath(c, base) if base else c).replace("\\", "/") + rest: s for s, (c, rest) in zip(sources, parts)
    }


def _field_diff(old: dict, new: dict) -> list[str]:
    lines = []
    for key in sorted(set(old) | set(new)):
        if key in ("text", "removed_blocks"):
            continue
        if old.get(key) != new.get(key):
            lines.append(
                f"  {key}: {json.dumps(old.get(key), ensure_ascii=False)} -> "
                f"{json.dumps(new.get(key), ensure_ascii=False)}"
            )
    return lines


def _text_diff(source: str, old: str, new: str) -> list[str]:
    return [
        "  " + line.rstrip("\n")
        for line in difflib.unified_diff(
            old.splitlines(), new.splitlines(), f"golden/{source}", f"now/{source}", lineterm="", n=1
        )
    ]


def run(raw: str, clean: str, cleaner: Cleaner, update: bool = False) -> tuple[list[Difference], list[str]]:
    """Compare (or with ``update`` rewrite) the golden outputs. Returns (differences, errors)."""
    corpus_path = os.path.join(clean, CORPUS_NAME)
    golden = _load_golden(corpus_path)
    with tempfile.TemporaryDirectory() as tmp:
        # the same pipeline as `cleaner clean raw/ -o clean/corpus.jsonl`, in one process
        out = os.path.join(tmp, CORPUS_NAME)
        summary = run_corpus([raw], cleaner.settings, RunConfig(output=out, workers=1))
        errors = [f"{e['source']}: {e['reason']}" for e in summary.errors]
        with open(out, encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
    diffs: list[Difference] = []
    seen = set()
    # golden records are matched by their path relative to the folder they were cleaned from, so a
    # RAW written another way ("$(pwd)/raw") finds them
    golden_by_key = _keys(list(golden))
    now_keys = _keys([rec["source"] for rec in records], raw)
    key_of = {src: key for key, src in now_keys.items()}
    for rec in records:
        src = rec["source"]
        golden_src = golden_by_key.get(key_of.get(src, src), src)
        seen.add(golden_src)
        old = golden.get(golden_src)
        if old is not None:
            rec["source"] = src = golden_src  # (the same document, however RAW was written)
        txt_path = os.path.join(clean, review_name(src))
        old_txt = open(txt_path, encoding="utf-8").read() if os.path.exists(txt_path) else None
        d = Difference(src)
        if old is None:
            d.lines.append("  new document (no golden record)")
        elif dumps(old) != dumps(rec):
            d.lines += _field_diff(old, rec)
            if old.get("text") != rec["text"]:
                d.lines += _text_diff(src, old.get("text", ""), rec["text"])
            if old.get("removed_blocks") != rec.get("removed_blocks") and old.get("text") == rec["text"]:
                d.lines.append("  removed_blocks changed (categories or reasons)")
        if old_txt != rec["text"] + "\n":
            d.lines.append(
                f"  {txt_path} differs from the record's text" if old_txt is not None else f"  {txt_path} missing"
            )
        if d.lines:
            diffs.append(d)
    for src in sorted(set(golden) - seen):
        diffs.append(Difference(src, ["  golden record has no input any more"]))
    if update:
        from .writers import ShardWriter, write_review_text

        writer = ShardWriter(corpus_path, shard_size=None, compression=None)
        for rec in records:
            writer.write(rec)
        writer.close()
        for rec in records:
            write_review_text(clean, rec["source"], rec["text"])
    return diffs, errors
