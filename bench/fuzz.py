"""The long fuzz run (issue 28): every case of ``tests/fuzzlib.py`` through the library, in worker
processes with a hard per-case watchdog, and a report of what broke.

    .venv/bin/python bench/fuzz.py --n 10000 --seed 0 --workers 2
    .venv/bin/python bench/fuzz.py --seed 0 --only 123            # one case in this process, with traceback
    .venv/bin/python bench/fuzz.py --seed 0 --only 123 --dump /tmp/case.bin   # its payload, for a reproducer

Bytes cases go through ``Cleaner().clean_bytes``, str cases through ``clean_text`` / ``clean_html``;
the record is serialised as the corpus writer does (UTF-8 JSONL), so a record that cannot be
written counts as an exception. A case still running after ``--timeout`` seconds (default 30) has
its worker killed and is reported; the run goes on with a fresh worker.

Reported: cases by status; exceptions other than BadInput grouped by type and the frame that
raised them; cases over ``--slow`` seconds (default 5) and watchdog kills; stray-byte pages whose
output is garbled (mojibake such as "Ã¼" or "â€" the unmutated page's output does not have);
control characters (C0/C1 but newline) in any string of a record; records that differ when the
same case is cleaned twice (every ``--determinism-every``-th case); BadInput messages that are not
one line; the slowest 10 cases. Exit status 1 when any of these lists is not empty (targets: 0
exceptions, 0 over the slow limit, 0 garbled, 0 control characters, deterministic, one-line errors).

The benchmark pages (``../shared/benchmarks``) join raw/ and tests/fixtures/ when they are there
(``--no-benchmarks``: never; ``CLEANER_SHARED`` points bench/data.py elsewhere); the case names
carry the page they came from.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
import fuzzlib  # noqa: E402  (tests/fuzzlib.py: the generator and the checks)

#: a case over this many seconds is reported as slow (a target: none)
SLOW_SECONDS = 5.0


def _benchmarks_available() -> bool:
    return any(p.key.startswith("bench:") for p in fuzzlib.page_pool(True))


def run_one(seed: int, index: int, benchmarks: bool, max_size: int, dump: str | None) -> int:
    from cleaner import BadInput, Cleaner

    case = fuzzlib.generate(seed, index, pool=fuzzlib.page_pool(benchmarks), max_size=max_size)
    print(
        f"case {case.name}: kind {case.kind}, {type(case.payload).__name__} of {len(case.payload)}, "
        f"fmt {case.fmt}, meta {case.meta!r}"[:400]
    )
    if dump:
        Path(dump).write_bytes(
            case.payload if isinstance(case.payload, bytes) else case.payload.encode("utf-8", "surrogatepass")
        )
        print(
            f"payload written to {dump}"
            + ("" if isinstance(case.payload, bytes) else " (a str, UTF-8 with surrogates passed through)")
        )
    cleaner = Cleaner()
    start = time.perf_counter()
    try:
        line, rec = fuzzlib.clean_case(cleaner, case)
    except BadInput as exc:
        print(f"BadInput after {time.perf_counter() - start:.2f} s: {exc}")
        return 0
    except Exception:
        traceback.print_exc()
        return 1
    res = fuzzlib.run_case(cleaner, case, determinism=True, originals={})
    print(
        f"ok after {time.perf_counter() - start:.2f} s; checks: "
        + json.dumps({k: v for k, v in res.items() if k not in ("name", "kind", "size")}, ensure_ascii=True)
    )
    print("text:", rec["text"][:300].replace("\n", " | "))
    return 0


def report(s: dict, slow: float, wall: float, args) -> list[str]:
    out = [
        f"fuzz: {s['cases']} cases (seed {args.seed}, {args.workers} workers, max size {args.max_size}, "
        f"benchmarks {'on' if args.benchmarks else 'off'}) in {wall:.0f} s",
        "status: " + ", ".join(f"{k} {v}" for k, v in s["status"].items()),
    ]
    n_exc = sum(len(v) for v in s["exceptions"].values())
    out.append(f"exceptions other than BadInput: {n_exc} in {len(s['exceptions'])} groups")
    for key, names in sorted(s["exceptions"].items(), key=lambda kv: -len(kv[1])):
        out.append(f"  {len(names):5d}  {key}")
        out.append(f"         e.g. {', '.join(names[:3])}")
    out.append(f"watchdog kills (over {args.timeout:g} s): {len(s['timeouts'])}")
    out += [f"  {n}  {sec} s" for n, sec in s["timeouts"]]
    out.append(f"cases over {slow:g} s: {len(s['slow'])}")
    out += [f"  {n}  {sec} s" for n, sec in s["slow"][:30]]
    stray = sum(1 for r in args.results if r.get("kind") == "stray_bytes" and r["status"] == "ok")
    out.append(f"garbled stray-byte pages: {len(s['garbled'])} of {stray} cleaned")
    out += [f"  {n}  {why}" for n, why in s["garbled"][:30]]
    out.append(f"records with control characters: {len(s['control'])}")
    out += [f"  {n}  {k} x, e.g. {ex}" for n, k, ex in s["control"][:30]]
    out.append(f"nondeterministic records: {len(s['nondeterministic'])}")
    out += [f"  {n}  {why}" for n, why in s["nondeterministic"][:30]]
    out.append(f"BadInput messages not one line: {len(s['bad_messages'])}")
    out += [f"  {n}  {m}" for n, m in s["bad_messages"][:10]]
    out.append("slowest 10:")
    out += [f"  {n}  {sec} s" for n, sec in s["slowest"]]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=2000, help="cases (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="first case index (default 0)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=fuzzlib.CASE_TIMEOUT, help="watchdog seconds per case")
    ap.add_argument("--slow", type=float, default=SLOW_SECONDS, help="report cases over this many seconds")
    ap.add_argument("--max-size", type=int, default=fuzzlib.MAX_SIZE, help="largest huge line / attribute / flood")
    ap.add_argument(
        "--benchmarks",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="mutate the benchmark pages too (default: when they are there)",
    )
    ap.add_argument("--determinism-every", type=int, default=10, help="clean every k-th case twice (0: never)")
    ap.add_argument("--only", type=int, default=None, help="run this one case here, with its traceback")
    ap.add_argument("--dump", default=None, help="with --only: write the case's payload to this file")
    ap.add_argument("--json", default=None, help="write every case's result to this JSON file")
    args = ap.parse_args(argv)
    if args.benchmarks is None:
        args.benchmarks = _benchmarks_available()
    if args.only is not None:
        return run_one(args.seed, args.only, args.benchmarks, args.max_size, args.dump)

    # a plain `kill` ends the run like Ctrl-C: the pool's clean-up stops the workers
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    pool = fuzzlib.page_pool(args.benchmarks)
    names = lambda i: fuzzlib.generate(args.seed, i, pool=pool, max_size=args.max_size).name  # noqa: E731
    start = time.monotonic()
    results = []
    interrupted = False
    cases = fuzzlib.run_pool(
        range(args.start, args.start + args.n),
        args.seed,
        workers=args.workers,
        timeout=args.timeout,
        max_size=args.max_size,
        benchmarks=args.benchmarks,
        determinism_every=args.determinism_every,
        names=names,
    )
    try:
        for k, res in enumerate(cases, 1):
            results.append(res)
            if res["status"] in ("exception", "timeout", "crashed"):
                print(
                    f"  {res['status']}: {res['name']} {res.get('error', '')} {res.get('frame', '')}"
                    f" {res.get('message', '')}"[:300],
                    file=sys.stderr,
                    flush=True,
                )
            if k % 500 == 0:
                print(f"  ... {k}/{args.n} cases, {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
    except (KeyboardInterrupt, SystemExit):  # interrupted: report the cases done so far
        cases.close()
        interrupted = True
        print(f"fuzz: interrupted after {len(results)} of {args.n} cases; the figures below are for those", flush=True)
    results.sort(key=lambda r: r["index"])
    wall = time.monotonic() - start
    args.results = results
    s = fuzzlib.summarise(results, slow=args.slow)
    print("\n".join(report(s, args.slow, wall, args)))
    if args.json:
        Path(args.json).write_text(fuzzlib.dump_json(results), encoding="utf-8")
    missed = (
        s["exceptions"]
        or s["timeouts"]
        or s["slow"]
        or s["garbled"]
        or s["control"]
        or s["nondeterministic"]
        or s["bad_messages"]
    )
    return 1 if missed or interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
