"""The corpus builder: inputs (files, .zst, JSONL, WARC), filters, templates, dedup across shards,
sharded/compressed output, stats, resume after SIGKILL, and a real Dask cluster."""

import gzip
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner

from cleaner.cli import main
from corpus_gen import page, wait_for
from conftest import ROOT

BIN = Path(sys.executable).parent


def write_pages(folder: Path, n: int, start: int = 0, slogan: str | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        p = folder / f"page-{i:04d}.txt"
        p.write_text(page(i, slogan), encoding="utf-8")
        paths.append(p)
    return paths


def clean(*args, ok=(0,)):
    result = CliRunner().invoke(main, ["clean", "--workers", "1", *map(str, args)])
    assert result.exit_code in ok, result.output + str(result.exception)
    return result


def records(path: Path) -> list[dict]:
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    elif path.name.endswith(".zst"):
        raw = zstandard.ZstdDecompressor().decompress(raw, max_output_size=1 << 30)
    return [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]


def test_jsonl_input_with_passthrough_metadata(tmp_path):
    src = tmp_path / "in.jsonl.gz"
    recs = [
        {
            "id": "a1",
            "text": page(1),
            "url": "https://www.ruhrnachrichten.de/x/1",
            "date": "2021-05-04",
            "crawl": "cc-2021-17",
        },
        {
            "id": "a2",
            "html": f"<html><body><article><p>{page(2).split(chr(10) + chr(10))[3]}</p>"
            f"<p>{page(2).split(chr(10) + chr(10))[4]}</p></article></body></html>",
            "outlet": "Westfälische Rundschau",
        },
        {"nothing": "here"},
        "not an object",
    ]
    src.write_bytes(gzip.compress("\n".join(json.dumps(r, ensure_ascii=False) for r in recs).encode("utf-8")))
    out = tmp_path / "out.jsonl"
    result = clean(src, "-o", out, ok=(1,))
    got = records(out)
    assert [r["id"] for r in got] == ["a1", "a2"]
    assert got[0]["meta"] == {"crawl": "cc-2021-17"}
    assert got[0]["date"] == "2021-05-04" and got[0]["date_source"] == "input:metadata"
    assert got[0]["outlet"] == "Ruhr Nachrichten" and got[0]["url"].endswith("/x/1")
    assert got[1]["format"] == "html" and got[1]["outlet"] == "Westfälische Rundschau"
    assert "in.jsonl.gz:3: record has no 'html' or 'text' string" in result.stderr
    assert "in.jsonl.gz:4: record has no 'html' or 'text' string" in result.stderr


def test_warc_input(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, ctype in ((1, "text/html; charset=utf-8"), (2, "image/png"), (3, "text/html")):
            body = (
                f"<html><head><title>Seite {i}</title></head><body><article>"
                + "".join(f"<p>{p}</p>" for p in page(i).split("\n\n")[3:6])
                + "</article></body></html>"
            )
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                f"https://www.example-zeitung.de/artikel/{i}",
                "response",
                payload=io.BytesIO(body.encode("utf-8")),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": f"2024-0{i}-01T10:00:00Z"},
            )
            writer.write_record(rec)
    out = tmp_path / "out.jsonl"
    clean(path, "-o", out, "--no-dedup")
    got = records(out)
    assert [r["url"] for r in got] == [
        "https://www.example-zeitung.de/artikel/1",
        "https://www.example-zeitung.de/artikel/3",
    ]
    assert got[0]["meta"]["warc_date"] == "2024-01-01T10:00:00Z"
    assert got[0]["date"] != "2024-01-01"  # the crawl date is not the article date
    assert got[0]["format"] == "html" and len(got[0]["text"]) > 200


def test_zst_input_and_compressed_sharded_output_are_deterministic(tmp_path):
    folder = tmp_path / "in"
    for p in write_pages(folder, 5):
        p.with_name(p.name + ".zst").write_bytes(zstandard.ZstdCompressor().compress(p.read_bytes()))
        p.unlink()
    for comp in ("gz", "zst"):
        a, b = tmp_path / f"a-{comp}" / "c.jsonl", tmp_path / f"b-{comp}" / "c.jsonl"
        clean(folder, "-o", a, "--shard-size", "2", "--compress", comp)
        clean(folder, "-o", b, "--shard-size", "2", "--compress", comp)
        shards = sorted(a.parent.glob(f"c-*.jsonl.{comp}"))
        assert [s.name for s in shards] == [f"c-0000{i}.jsonl.{comp}" for i in range(3)]
        assert sum(len(records(s)) for s in shards) == 5
        for s in shards:
            assert s.read_bytes() == (b.parent / s.name).read_bytes()


def test_near_duplicates_found_across_tasks_and_shards(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 6)
    text = (folder / "page-0001.txt").read_text(encoding="utf-8")
    # a near copy (one sentence changed) and an exact copy, far apart in input order
    (folder / "page-0007.txt").write_text(
        text.replace("teilte ein Sprecher mit", "sagte eine Sprecherin"), encoding="utf-8"
    )
    (folder / "page-0009.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "c.jsonl"
    clean(folder, "-o", out, "--task-size", "1", "--shard-size", "2", "--no-progress")
    got = [r for s in sorted(out.parent.glob("c-*.jsonl")) for r in records(s)]
    assert len(got) == 6
    first = next(r for r in got if r["source"].endswith("page-0001.txt"))
    assert [(d["source"].rsplit("/", 1)[-1], d["kind"]) for d in first["duplicates"]] == [
        ("page-0007.txt", "near"),
        ("page-0009.txt", "exact"),
    ]
    stats = json.loads((out.parent / "c.work" / "stats.json").read_text())
    assert stats["dropped"] == {"duplicate:exact": 1, "duplicate:near": 1}


def test_filters_are_counted(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 3)
    (folder / "en.txt").write_text(
        "City council approves budget\n\nThe city council approved the budget on Tuesday night after a long "
        "debate about roads, schools and the new library in the north of the city.\n\nMembers said the "
        "plan would not raise taxes, and the mayor called it a careful compromise for every neighbourhood.\n",
        encoding="utf-8",
    )
    (folder / "short.txt").write_text(
        "Kurz gemeldet\n\nDer Wochenmarkt in Kamen fällt am kommenden Samstag aus, weil auf dem Marktplatz "
        "ein Stadtfest stattfindet.\n\nDie Händler bieten ihre Waren stattdessen am Montag an, wie die "
        "Stadtverwaltung am Freitag mitteilte.\n",
        encoding="utf-8",
    )
    out = tmp_path / "c.jsonl"
    clean(folder, "-o", out, "--lang", "de", "--min-words", "60", "--quality")
    got = records(out)
    assert len(got) == 3 and {r["language"] for r in got} == {"de"}
    stats = json.loads((tmp_path / "c.work" / "stats.json").read_text())
    assert stats["dropped"] == {"filter:language": 1, "filter:min_words": 1}
    assert stats["documents_in"] == 5 and stats["documents_out"] == 3
    assert stats["languages"] == {"de": 3} and sum(stats["months"].values()) == 3
    assert "navigation" in stats["removed_share"] and "most_read" in stats["removed_share"]


def test_templates_are_learned_per_outlet_and_removed(tmp_path):
    folder = tmp_path / "in"
    slogan_line = "Ihre Heimatzeitung für das östliche Ruhrgebiet seit 1949 – unabhängig und engagiert vor Ort"
    pages = [page(i).replace("\n\nMeistgelesen", f"\n\n{slogan_line}.\n\nMeistgelesen") for i in range(10)]
    recs = [{"text": p, "url": f"https://www.heimat-echo.example/lokales/{i}"} for i, p in enumerate(pages)]
    (folder).mkdir()
    (folder / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
    out = tmp_path / "c.jsonl"
    clean(folder, "-o", out, "--no-dedup", "--no-templates")
    assert all(slogan_line in r["text"] for r in records(out))  # the cleaner alone keeps it: a sentence
    clean(folder, "-o", out, "--no-dedup")
    got = records(out)
    assert all(slogan_line not in r["text"] for r in got)
    assert all(r["removed"]["template"] == 1 for r in got)
    assert any(b["category"] == "template" and slogan_line in b["text"] for b in got[0]["removed_blocks"])
    stats = json.loads((tmp_path / "c.work" / "stats.json").read_text())
    assert stats["template_lines_learned"] >= 1 and stats["template_lines_removed"] == 10


def test_resume_after_sigkill_gives_the_uninterrupted_corpus(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 120)
    whole = tmp_path / "whole" / "c.jsonl"
    clean(folder, "-o", whole, "--task-size", "4", "--shard-size", "25")
    cmd = [
        str(BIN / "cleaner"),
        "clean",
        str(folder),
        "-o",
        str(tmp_path / "cut" / "c.jsonl"),
        "--task-size",
        "4",
        "--shard-size",
        "25",
        "--workers",
        "2",
        "--no-progress",
    ]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = tmp_path / "cut" / "c.work" / "manifest.jsonl"
    reached = wait_for(lambda: manifest.exists() and len(manifest.read_text().splitlines()) >= 5, 120)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert reached, "the run finished no task in time"
    done_before = len(manifest.read_text().splitlines())
    assert done_before < 30, "the run was not interrupted"
    assert not list((tmp_path / "cut").glob("c-*.jsonl"))  # no final shard before the reduce step
    result = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    shards = sorted((tmp_path / "whole").glob("c-*.jsonl"))
    assert len(shards) == 5
    for s in shards:
        assert (tmp_path / "cut" / s.name).read_bytes() == s.read_bytes()
    ids = [r["id"] for s in shards for r in records(s)]
    assert len(ids) == len(set(ids)) == 120


def test_resume_refuses_other_inputs(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 3)
    out = tmp_path / "c.jsonl"
    clean(folder, "-o", out, "--keep-work")
    write_pages(folder, 1, start=50)
    result = CliRunner().invoke(main, ["clean", str(folder), "-o", str(out), "--resume", "--workers", "1"])
    assert result.exit_code != 0 and "same inputs and settings" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("dask", path=str(BIN)) is None, reason="dask CLI not installed")
def test_dask_cluster_gives_the_local_corpus(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 24)
    local = tmp_path / "local.jsonl"
    clean(folder, "-o", local, "--task-size", "3")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    procs = [
        subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    ]
    try:
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=env,
                )
            )
        from dask.distributed import Client

        deadline = time.time() + 60
        while True:
            try:
                with Client(address, timeout=5) as c:
                    if len(c.scheduler_info()["workers"]) == 2:
                        break
            except OSError:
                pass
            assert time.time() < deadline, "dask cluster did not come up"
            time.sleep(0.5)
        distributed = tmp_path / "dask.jsonl"
        result = CliRunner().invoke(
            main, ["clean", str(folder), "-o", str(distributed), "--task-size", "3", "--dask", address]
        )
        assert result.exit_code == 0, result.output + str(result.exception)
        manifest = [json.loads(x) for x in (tmp_path / "dask.work" / "manifest.jsonl").read_text().splitlines()]
        assert len(manifest) == 8
        assert distributed.read_bytes() == local.read_bytes()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_document_over_the_time_limit_fails_alone(tmp_path, workers):
    """A user's rule that backtracks without end on one page (the kind of pattern that once hung a
    batch) costs that page, after --doc-timeout seconds, and nothing else: the other pages are
    written and the slow one is reported with the reason."""
    rules = tmp_path / "rules"
    rules.mkdir()
    common = (ROOT / "cleaner" / "rules" / "common.toml").read_text(encoding="utf-8")
    (rules / "common.toml").write_text(
        common + '\n[[line]]\nid = "user.runaway"\ncategory = "navigation"\npattern = \'^(a+)+$\'\n', encoding="utf-8"
    )
    folder = tmp_path / "in"
    pages = write_pages(folder, 4)
    slow = pages[1]
    slow.write_text(slow.read_text(encoding="utf-8") + "\n" + "a" * 60 + "!\n", encoding="utf-8")
    out = tmp_path / "out" / "c.jsonl"
    cmd = [
        str(BIN / "cleaner"),
        "clean",
        str(folder),
        "-o",
        str(out),
        "--rules",
        str(rules),
        "--workers",
        workers,
        "--task-size",
        "2",
        "--doc-timeout",
        "1",
        "--no-progress",
    ]
    started = time.monotonic()
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert time.monotonic() - started < 120
    assert result.returncode == 1, result.stderr
    assert f"{slow}: took longer than the per-document time limit (1 s)" in result.stderr
    assert sorted(Path(r["source"]).name for r in records(out)) == sorted(p.name for p in pages if p != slow)


def test_minhash_signatures_are_datasketchs_own():
    """minhash_signature (shingles hashed here, permutations drawn once) gives the values of a plain
    datasketch MinHash over the same shingles with its default SHA-1 hash, for every num_perm and seed."""
    import numpy as np
    from datasketch import MinHash

    from cleaner.corpus.steps import MINHASH_SCHEME, SHINGLE_WORDS, _WORD, minhash_signature

    def plain(text, num_perm, seed):
        words = [w.lower() for w in _WORD.findall(text)]
        shingles = {
            " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
            for i in range(max(1, len(words) - SHINGLE_WORDS + 1))
        }
        m = MinHash(num_perm=num_perm, seed=seed, scheme=MINHASH_SCHEME)
        m.update_batch(sorted(shingles))
        return m.hashvalues.astype(np.uint32).tobytes().hex()

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]
    texts += ["", "ein", "Die Stadt plant ein neues Bad.", "日本語のテキストです " * 30, "İSTANBUL straße ß " * 20]
    for text in texts:
        for num_perm, seed in ((128, 1), (64, 1), (128, 7)):
            assert minhash_signature(text, num_perm, seed) == plain(text, num_perm, seed)
