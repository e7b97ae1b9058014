"""The batch run's file system and operations (issue 28): finding inputs (names that are not UTF-8,
unreadable folders, symbolic links and their loops, named pipes), never reading the run's own
outputs, writing outputs whole or not at all (disk full), stopping on SIGTERM with no process left
and a resumable state, one run per work folder, refusing to destroy files that are not the run's,
and one escaped line per error.

Tests run as root, where permission bits do not stop reads: unreadable paths are simulated in
process by making os.scandir / os.stat raise PermissionError for them (the calls the planner makes)."""

import errno
import fcntl
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main
from corpus_gen import page, wait_for

BIN = Path(sys.executable).parent


def write_pages(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        p = folder / f"page-{i:04d}.txt"
        p.write_text(page(i), encoding="utf-8")
        paths.append(p)
    return paths


def clean(*args):
    return CliRunner().invoke(main, ["clean", "--workers", "1", "--no-progress", *map(str, args)])


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("cleaner: error:")]


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def errors_file(work: Path) -> list[dict]:
    return [json.loads(line) for line in (work / "errors.jsonl").read_text(encoding="utf-8").splitlines()]


def stats_file(work: Path) -> dict:
    return json.loads((work / "stats.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------ inputs


def test_a_file_name_that_is_not_utf8_is_one_error_and_the_rest_is_written(tmp_path):
    folder = tmp_path / "in"
    good, other = write_pages(folder, 2)
    bad = os.fsencode(folder) + b"/b\xff-page.txt"
    with open(bad, "wb") as fh:
        fh.write(other.read_bytes())
    other.unlink()
    out = tmp_path / "out" / "c.jsonl"
    result = clean(folder, "-o", out)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert error_lines(result) == [f"cleaner: error: {folder}/b\\xff-page.txt: file name is not valid UTF-8"]
    assert [Path(r["source"]).name for r in records(out)] == [good.name]
    work = tmp_path / "out" / "c.work"
    assert errors_file(work) == [{"source": f"{folder}/b\\xff-page.txt", "reason": "file name is not valid UTF-8"}]
    stats = stats_file(work)
    assert (stats["documents_in"], stats["documents_out"], stats["failures"]) == (2, 1, 1)


def _deny(monkeypatch, denied: Path):
    """Make the folder ``denied`` unreadable, as chmod 000 would for a user who is not root:
    listing it fails, and so does looking up anything below it."""
    real_scandir, real_stat = os.scandir, os.stat

    def scandir(path="."):
        if not isinstance(path, int) and os.path.realpath(path) == str(denied):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_scandir(path)

    def stat(path, *args, **kwargs):
        if isinstance(path, (str, Path)) and os.path.realpath(path).startswith(str(denied) + os.sep):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "stat", stat)


def test_unreadable_folders_and_paths_are_error_lines(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    good = write_pages(folder, 1)[0]
    locked = folder / "locked"
    write_pages(locked, 1, start=5)
    _deny(monkeypatch, locked.resolve())
    out = tmp_path / "out" / "c.jsonl"
    # the folder form (it used to skip the unreadable folder silently) and an explicit path below it
    # (it used to abort the run with a PermissionError traceback)
    result = clean(folder, locked / "page-0005.txt", "-o", out)
    assert result.exit_code == 1, result.exception
    assert error_lines(result) == [
        f"cleaner: error: {locked}: cannot read folder: Permission denied",
        f"cleaner: error: {locked}/page-0005.txt: cannot read: Permission denied",
    ]
    assert [Path(r["source"]).name for r in records(out)] == [good.name]
    stats = stats_file(tmp_path / "out" / "c.work")
    assert (stats["documents_in"], stats["failures"]) == (3, 2)


def test_symlinked_folders_are_followed_and_a_loop_is_one_error(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder / "real", 1)
    write_pages(tmp_path / "elsewhere", 1, start=7)
    (folder / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (folder / "real" / "loop").symlink_to("..", target_is_directory=True)
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    out = tmp_path / "c.jsonl"
    result = clean(folder, "-o", out)
    assert result.exit_code == 1, result.exception
    assert error_lines(result) == [
        f"cleaner: error: {folder}/gone.txt: broken symbolic link",
        f"cleaner: error: {folder}/real/loop: symbolic link loop: leads back to a folder above it",
    ]
    assert [r["source"] for r in records(out)] == [f"{folder}/linked/page-0007.txt", f"{folder}/real/page-0000.txt"]


def test_a_named_pipe_is_an_error_line_not_a_hang_and_planning_errors_survive_resume(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 2)
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(tmp_path / "explicit.html")
    out = tmp_path / "out" / "c.jsonl"
    cmd = [
        str(BIN / "cleaner"),
        "clean",
        str(folder),
        str(tmp_path / "explicit.html"),
        "-o",
        str(out),
        "--workers",
        "1",
        "--no-progress",
        "--keep-work",
    ]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("the run blocked on a named pipe")
    assert result.returncode == 1, result.stderr
    expected = [
        f"cleaner: error: {folder}/pipe.txt: not a regular file (a named pipe)",
        f"cleaner: error: {tmp_path}/explicit.html: not a regular file (a named pipe)",
    ]
    assert [line for line in result.stderr.splitlines() if line.startswith("cleaner: error:")] == expected
    work = tmp_path / "out" / "c.work"
    first_errors = (work / "errors.jsonl").read_bytes()
    assert [e["source"] for e in errors_file(work)] == [f"{folder}/pipe.txt", f"{tmp_path}/explicit.html"]
    assert (stats_file(work)["documents_in"], stats_file(work)["failures"]) == (4, 2)
    # --resume (nothing left to clean: pass 2 again) reports them again, byte for byte
    resumed = clean(folder, tmp_path / "explicit.html", "-o", out, "--resume", "--keep-work")
    assert resumed.exit_code == 1, resumed.output
    assert error_lines(resumed) == expected
    assert (work / "errors.jsonl").read_bytes() == first_errors
    assert (stats_file(work)["documents_in"], stats_file(work)["failures"]) == (4, 2)


# ------------------------------------------------------------------------------------------ own files


def test_the_runs_own_outputs_inside_the_input_folder_are_never_inputs(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 5)
    out = folder / "c.jsonl"
    args = [
        folder,
        "-o",
        out,
        "--shard-size",
        "2",
        "--txt-dir",
        folder / "review",
        "--errors",
        folder / "failures.jsonl",
        "--keep-work",
    ]
    assert clean(*args).exit_code == 0
    shards = sorted(folder.glob("c-*.jsonl"))
    assert len(shards) == 3
    first = [s.read_bytes() for s in shards]
    (folder / "c-00000.jsonl.tmp").write_bytes(shards[0].read_bytes())  # as a crash would leave it
    # a resumed run finds the same inputs (the work folder's files are not inputs) ...
    resumed = clean(*args, "--resume")
    assert resumed.exit_code == 0, resumed.output
    # ... and so does a fresh run: the previous corpus, its review texts and errors are not re-read
    again = clean(*args)
    assert again.exit_code == 0, again.output
    assert [s.read_bytes() for s in sorted(folder.glob("c-*.jsonl"))] == first
    stats = stats_file(folder / "c.work")
    assert (stats["documents_in"], stats["documents_out"]) == (5, 5)


def test_output_equal_to_an_input_and_a_foreign_work_folder_are_refused(tmp_path):
    src = tmp_path / "feed.jsonl"
    src.write_text(json.dumps({"text": page(1)}) + "\n", encoding="utf-8")
    before = src.read_bytes()
    result = clean(src, "-o", src)
    assert result.exit_code == 2
    assert error_lines(result) == [
        f"cleaner: error: {src}: is an output of this run (-o, --stats or --errors) "
        f"and would be overwritten; write the output elsewhere"
    ]
    assert src.read_bytes() == before
    assert not (tmp_path / "feed.work").exists()
    # a folder that is not a cleaner work folder keeps its tasks/
    mine = tmp_path / "project"
    (mine / "tasks").mkdir(parents=True)
    (mine / "tasks" / "todo.md").write_text("keep me", encoding="utf-8")
    folder = tmp_path / "in"
    write_pages(folder, 1)
    result = clean(folder, "-o", tmp_path / "c.jsonl", "--work-dir", mine)
    assert result.exit_code == 2
    assert len(error_lines(result)) == 1 and "is not a cleaner work folder" in error_lines(result)[0]
    assert (mine / "tasks" / "todo.md").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "c.jsonl").exists()
    # and a cleaner work folder is still reused
    work = tmp_path / "w"
    assert clean(folder, "-o", tmp_path / "c.jsonl", "--work-dir", work).exit_code == 0
    assert clean(folder, "-o", tmp_path / "c.jsonl", "--work-dir", work).exit_code == 0


# ------------------------------------------------------------------------------------------ writing


class _FullDisk:
    """A file on a disk that fills up after ``room`` bytes."""

    def __init__(self, fh, room: int):
        self.fh, self.room = fh, room

    def write(self, data):
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.fh.write(data)

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()


def test_disk_full_is_one_error_line_and_the_previous_corpus_survives(tmp_path, monkeypatch):
    import cleaner.writers as writers

    folder = tmp_path / "in"
    write_pages(folder, 5)
    out = tmp_path / "out" / "c.jsonl"
    assert clean(folder, "-o", out, "--shard-size", "2").exit_code == 0
    out_dir = tmp_path / "out"
    before = {p.name: p.read_bytes() for p in out_dir.rglob("*") if p.is_file() and p.name != "lock"}
    for i in range(10, 12):  # the new run has more to write, and its first shard differs from the old one's
        (folder / f"0-new-{i}.txt").write_text(page(i), encoding="utf-8")

    def full_open(path, mode="r", *args, **kwargs):
        fh = open(path, mode, *args, **kwargs)
        return _FullDisk(fh, 2000) if "w" in mode and str(path).startswith(str(out_dir / "c-00001")) else fh

    monkeypatch.setattr(writers, "open", full_open, raising=False)
    result = clean(folder, "-o", out, "--shard-size", "2")
    assert result.exit_code == 2, result.exception
    assert error_lines(result) == [f"cleaner: error: cannot write {out_dir}/c-00001.jsonl: No space left on device"]
    assert not list(out_dir.rglob("*.tmp")), "a temporary file was left behind"
    after = {p.name: p.read_bytes() for p in out_dir.rglob("*") if p.is_file() and p.name != "lock"}
    for name in ("c-00000.jsonl", "c-00001.jsonl", "c-00002.jsonl", "stats.json", "errors.jsonl"):
        assert after[name] == before[name], name


def test_disk_full_in_pass_1_is_one_error_line(tmp_path, monkeypatch):
    import cleaner.corpus.worker as worker

    folder = tmp_path / "in"
    write_pages(folder, 2)

    def full_open(path, mode="r", *args, **kwargs):
        fh = open(path, mode, *args, **kwargs)
        return _FullDisk(fh, 0) if "w" in mode and "tasks" in str(path) else fh

    monkeypatch.setattr(worker, "open", full_open, raising=False)
    result = clean(folder, "-o", tmp_path / "c.jsonl")
    assert result.exit_code == 2, result.exception
    assert error_lines(result) == [f"cleaner: error: cannot write {tmp_path}/c.work/tasks: No space left on device"]
    assert not list((tmp_path / "c.work" / "tasks").iterdir()), "half-written task files were left"
    assert not (tmp_path / "c.jsonl").exists()


# ------------------------------------------------------------------------------------------ processes


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_sigterm_stops_the_workers_and_resume_gives_the_uninterrupted_corpus(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 60)
    whole = tmp_path / "whole" / "c.jsonl"
    assert clean(folder, "-o", whole, "--task-size", "4").exit_code == 0
    cut = tmp_path / "cut" / "c.jsonl"
    cmd = [
        str(BIN / "cleaner"),
        "clean",
        str(folder),
        "-o",
        str(cut),
        "--task-size",
        "4",
        "--workers",
        "2",
        "--no-progress",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    children: list[int] = []
    try:
        manifest = tmp_path / "cut" / "c.work" / "manifest.jsonl"
        assert wait_for(lambda: manifest.exists() and manifest.read_text().count("\n") >= 1, 180)
        children = _children(proc.pid)
        assert len(children) >= 2  # the two workers (and the resource tracker)
        proc.send_signal(signal.SIGTERM)  # to the main process only, as `kill PID` does
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 128 + signal.SIGTERM
        assert stderr.strip().splitlines() == [
            "cleaner: interrupted by SIGTERM: finished tasks are kept, run again with --resume to finish"
        ]
        assert wait_for(lambda: not any(_alive(c) for c in children), 30), "child processes were left running"
        assert not cut.exists() and not list((tmp_path / "cut").rglob("*.tmp"))
    finally:
        for pid in [proc.pid, *children]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait()
    resumed = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert cut.read_bytes() == whole.read_bytes()


def test_a_second_run_on_the_same_work_folder_is_refused(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 3)
    out = tmp_path / "c.jsonl"
    assert clean(folder, "-o", out).exit_code == 0
    before = out.read_bytes()
    # another run holds the work folder (a run's lock is a flock on WORK/lock, held until it ends)
    with open(tmp_path / "c.work" / "lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = clean(folder, "-o", out)
    assert result.exit_code == 2, result.exception
    assert error_lines(result) == [
        f"cleaner: error: {tmp_path}/c.work: another cleaner run is using this work "
        f"folder (and its output); wait for it to finish"
    ]
    assert out.read_bytes() == before
    assert clean(folder, "-o", out).exit_code == 0  # the lock goes with the run that held it


def test_two_real_runs_on_one_output_one_is_refused(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 40)
    out = tmp_path / "c.jsonl"
    cmd = [
        str(BIN / "cleaner"),
        "clean",
        str(folder),
        "-o",
        str(out),
        "--task-size",
        "2",
        "--workers",
        "1",
        "--no-progress",
    ]
    first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        manifest = tmp_path / "c.work" / "manifest.jsonl"
        assert wait_for(lambda: manifest.exists() and manifest.read_text().count("\n") >= 1, 180)
        second = clean(folder, "-o", out)
        assert first.poll() is None, "the first run ended before the second started"
        assert second.exit_code == 2 and len(error_lines(second)) == 1
        assert "another cleaner run is using this work folder" in error_lines(second)[0]
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 128 + signal.SIGTERM


# ------------------------------------------------------------------------------------------ messages


def test_control_characters_in_a_file_name_cannot_forge_error_lines(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 1)
    forged = folder / "x\ncleaner: error: forged.txt"
    forged.write_bytes(b"\x00\x01binary")
    (folder / "bell\x07\x1b[31m.txt").write_bytes(b"  \n")
    result = clean(folder, "-o", tmp_path / "c.jsonl")
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"cleaner: error: {folder}/bell\\x07\\x1b[31m.txt: empty document",
        f"cleaner: error: {folder}/x\\ncleaner: error: forged.txt: binary content (NUL bytes)",
    ]
    # errors.jsonl keeps the real name (JSON escapes it)
    assert {e["source"] for e in errors_file(tmp_path / "c.work")} == {str(forged), f"{folder}/bell\x07\x1b[31m.txt"}


def test_shown_escapes_what_would_break_a_line():
    from cleaner.writers import shown

    assert shown("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert shown("x\x00\x1b\x7f\x85y") == "x\\x00\\x1b\\x7f\\x85y"
    assert shown("caf\udcc3\udca9") == "caf\\xc3\\xa9"  # the bytes of a name that is not UTF-8
    assert shown("line\u2028sep") == "line\\u2028sep"
    assert shown("Straße/Ünïcode — ok.txt") == "Straße/Ünïcode — ok.txt"
