"""Path arguments of ``image-synth``: one clear line and exit 1, never a traceback.

Every case runs the real command in a subprocess and checks the exact first line of
stderr, the exit status, and that nothing was written (a refused path costs no
notebook run). Folders that cannot be written are made so for real where the system
allows it (a read-only bind mount in a private mount namespace; root ignores permission
bits) and by a patched ``os.open``/``os.mkdir`` that answers EACCES otherwise.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _support import MINI, ROOT

FIRST = "image-synth: "


def _check(proc: subprocess.CompletedProcess, first_line: str, status: int = 1) -> None:
    assert proc.returncode == status, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.splitlines()[0] == first_line


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def study(tmp_path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


# --------------------------------------------------------------------------- STUDY

@pytest.mark.parametrize("command", [["validate"], ["run", "--no-progress"],
                                     ["tables", "--out", "t"]])
def test_a_typo_in_study_names_the_study_folder_it_probably_meant(cli, tmp_path, study,
                                                                 command):
    before = _listing(tmp_path)
    proc = cli(command[0], str(tmp_path / "mnii"), *command[1:], cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}STUDY {tmp_path / 'mnii'} does not exist (did you mean "
                 f"{tmp_path / 'mini'}?); give a study folder or its study.yaml")
    assert _listing(tmp_path) == before


def test_a_missing_study_far_from_any_study(cli, tmp_path):
    proc = cli("run", str(tmp_path / "nowhere" / "study.yaml"), cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}STUDY {tmp_path / 'nowhere' / 'study.yaml'} does not exist; give "
                 "a study folder or its study.yaml")


@pytest.mark.parametrize("name, reason", [
    ("survey_2023.csv", "it is not a YAML mapping of name, id, waves, regions, "
                        "instrument"),
    ("instrument.yaml", "it lacks id, waves, regions, instrument (another file "
                        "of a study?)"),
    # both have a name: but for it, every key a study file needs is missing
    ("codebook.yaml", "it lacks id, waves, regions, instrument (another file "
                      "of a study?)"),
])
def test_a_file_that_is_not_a_study(cli, tmp_path, study, name, reason):
    proc = cli("run", str(study / name), "--out", str(tmp_path / "site"), cwd=tmp_path,
               timeout=120)
    _check(proc, f"{FIRST}STUDY {study / name} is not a study file: {reason}; give a study "
                 "folder or its study.yaml")
    assert not (tmp_path / "site").exists() and not (tmp_path / "site.private").exists()


def test_a_binary_file_is_not_a_study(cli, tmp_path):
    data = tmp_path / "answers.sav"
    data.write_bytes(b"$FL2@(#) SPSS DATA FILE\xff\xfe\x00\x01" * 10)
    proc = cli("validate", str(data), cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}STUDY {data} is not a study file: it is not text (a study file is "
                 "YAML); give a study folder or its study.yaml")


def test_folders_where_files_are_expected(cli, tmp_path, study):
    (study / "study.yaml").unlink()
    (study / "study.yaml").mkdir()
    proc = cli("validate", str(study), cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}STUDY {study}: {study / 'study.yaml'} is a folder, not a file")
    proc = cli("run", str(MINI / "study.yaml" / "more"), cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}STUDY {MINI / 'study.yaml' / 'more'}: {MINI / 'study.yaml'} is a "
                 "file, not a folder")
    proc = cli("run", str(MINI), "--notebook", str(tmp_path), "--out", str(tmp_path / "o"),
               cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}--notebook {tmp_path} is a folder, not a notebook file")
    assert not (tmp_path / "o").exists()


def test_a_file_of_the_study_that_is_a_folder(cli, tmp_path, study):
    # study.yaml names instrument.yaml; a folder there is refused before it is opened
    (study / "instrument.yaml").unlink()
    (study / "instrument.yaml").mkdir()
    proc = cli("validate", str(study), cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}1 problem in study.yaml:")
    assert proc.stderr.splitlines()[1] == (
        "  - study.yaml, instrument: names a folder, not a file; found 'instrument.yaml'; "
        "expected a file (the file inside the folder, not the folder)")


def test_a_folder_without_a_study_file(cli, tmp_path):
    proc = cli("run", str(tmp_path), cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}STUDY {tmp_path} is a folder without a study.yaml; a study folder "
                 "holds study.yaml beside its data files")


# --------------------------------------------------------------------------- --out

def test_out_is_an_existing_file(cli, tmp_path):
    (tmp_path / "site").write_text("not a folder")
    proc = cli("run", str(MINI), "--out", str(tmp_path / "site"), "--no-progress",
               cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}output folder {tmp_path / 'site'} is a file, not a folder")
    assert _listing(tmp_path) == ["site"]


def test_the_private_folder_is_a_file(cli, tmp_path):
    (tmp_path / "site.private").write_text("in the way")
    proc = cli("run", str(MINI), "--out", str(tmp_path / "site"), "--no-progress",
               cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}folder for failed notebooks {tmp_path / 'site.private'} is a "
                 "file, not a folder")
    assert _listing(tmp_path) == ["site.private"]


@pytest.mark.parametrize("command", ["run", "tables"])
def test_a_parent_of_out_is_a_file(cli, tmp_path, command):
    (tmp_path / "outputs").write_text("a file")
    target = tmp_path / "outputs" / "site"
    args = [str(MINI), "--no-progress"] if command == "run" else []
    proc = cli(command, *args, "--out", str(target), cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}cannot create the output folder {target}: {tmp_path / 'outputs'} "
                 "is a file, not a folder")
    assert _listing(tmp_path) == ["outputs"]


def test_tables_out_is_an_existing_file(cli, tmp_path):
    (tmp_path / "tables.csv").write_text("a,b\n")
    proc = cli("tables", "--out", str(tmp_path / "tables.csv"), cwd=tmp_path, timeout=120)
    _check(proc, f"{FIRST}output folder {tmp_path / 'tables.csv'} is a file, not a folder")


def _can_bind_read_only(folder: Path) -> bool:
    if not shutil.which("unshare") or not shutil.which("mount"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c",
                            f"mount --bind -o ro '{folder}' '{folder}' && "
                            f"! touch '{folder}/probe' 2>/dev/null"],
                           capture_output=True, timeout=30, check=False)
    return probe.returncode == 0 and not (folder / "probe").exists()


@pytest.mark.parametrize("existing", [True, False])
def test_a_read_only_output_folder_is_refused_before_any_notebook_runs(tmp_path, existing):
    locked = tmp_path / "readonly"
    locked.mkdir()
    if not _can_bind_read_only(locked):
        pytest.skip("no private mount namespace here (unshare -rm, mount --bind -o ro)")
    target = locked if existing else locked / "site"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # the bind mount lives only in the command's own mount namespace
    command = (f"mount --bind -o ro '{locked}' '{locked}' && exec '{sys.executable}' -m "
               f"image_synth run '{MINI}' --out '{target}' --no-progress")
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", command], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    if existing:
        _check(proc, f"{FIRST}cannot write to the output folder {target}: Read-only file "
                     "system")
    else:
        _check(proc, f"{FIRST}cannot create the output folder {target}: Read-only file "
                     "system")
    assert _listing(tmp_path) == ["readonly"]


_DENYING = textwrap.dedent("""
    import errno, os, sys
    deny = os.path.abspath(sys.argv[1])
    real_open, real_mkdir = os.open, os.mkdir

    def denied(path):
        path = os.path.abspath(os.fsdecode(path))
        return path == deny or path.startswith(deny + os.sep)

    def refuse(path):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))

    def fake_open(path, *args, **kwargs):
        return refuse(path) if denied(path) else real_open(path, *args, **kwargs)

    def fake_mkdir(path, *args, **kwargs):
        return refuse(path) if denied(path) else real_mkdir(path, *args, **kwargs)

    os.open, os.mkdir = fake_open, fake_mkdir  # what a non-root user meets (EACCES)
    from image_synth.cli import main
    main(sys.argv[2:], prog_name="image-synth")
""")


@pytest.mark.parametrize("command, where, first_line", [
    (["run", str(MINI), "--no-progress"], "site",
     "cannot write to the output folder {site}: Permission denied"),
    (["run", str(MINI), "--no-progress"], "site.private",
     "cannot write to the folder for failed notebooks {site}.private: Permission denied"),
    (["tables"], "site", "cannot write to the output folder {site}: Permission denied"),
])
def test_permission_denied_is_one_line(tmp_path, command, where, first_line):
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "site.private").mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", _DENYING, str(tmp_path / where), *command,
                           "--out", str(site)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    _check(proc, FIRST + first_line.format(site=site))
    assert _listing(tmp_path) == ["site", "site.private"]


def _can_mount_tmpfs(folder: Path) -> bool:
    probe = subprocess.run(["unshare", "-rm", "sh", "-c",
                            f"mount -t tmpfs -o size=64k tmpfs '{folder}'"],
                           capture_output=True, timeout=30, check=False)
    return probe.returncode == 0


@pytest.mark.slow
def test_a_full_disk_keeps_the_previous_site(tmp_path):
    """A real full disk (a small tmpfs in a private mount namespace): the first run fits,
    the second does not; it says so in one line, exit 1, and the site is byte for byte
    the first run's."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not shutil.which("unshare") or not _can_mount_tmpfs(disk):
        pytest.skip("no private mount namespace with tmpfs here (unshare -rm)")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = (f"'{sys.executable}' -m image_synth run '{MINI}' --out '{disk}/site' "
           "--no-progress --only")
    script = (f"mount -t tmpfs -o size=400k tmpfs '{disk}' && {run} national && "
              f"cp -a '{disk}/site' '{tmp_path}/before' && {{ {run} national,A; "
              f"echo \"status $?\"; diff -r '{tmp_path}/before' '{disk}/site' && "
              "echo unchanged; }")
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert sorted(p.name for p in (tmp_path / "before").iterdir()) == [
        "index.html", "manifest.json", "national.html"]
    # where the disk runs full first depends on the sizes and on which of the two
    # notebooks (run side by side) writes first: a page, the manifest or the index being
    # staged, or a failed notebook being kept (then nothing is replaced); or the executed
    # notebook of one scope in the staging folder (then that scope fails, its earlier
    # page stays, and the other scope's page is published, as for any failed scope)
    lines = proc.stderr.splitlines()
    staged = (rf"{FIRST}cannot write \S+\.(html|json) into {re.escape(str(disk))}/"
              r"site\.private/staging-\w+: No space left on device; nothing in the output "
              "folder was replaced")
    kept = rf"{FIRST}{re.escape(str(disk))}/site\.private/failed/\S+: No space left on device"
    if len(lines) == 1 and (re.fullmatch(staged, lines[0]) or re.fullmatch(kept, lines[0])):
        assert proc.stdout.splitlines()[-2:] == ["status 1", "unchanged"], proc.stdout
        return
    # (the tmpfs is gone with its namespace: the run's own lines say what is left)
    assert "status 1" in proc.stdout.splitlines(), (proc.stdout, proc.stderr)
    assert lines[0].startswith(f"{FIRST}1 supplement failed"), lines
    assert re.fullmatch(r"\s+national: OSError: \[Errno 28\] No space left on device "
                        r"\(papermill writing the executed notebook into the run's staging "
                        r"folder\)", lines[1]), lines
    differ = [line for line in proc.stdout.splitlines() if line.startswith("diff -r")
              or line.startswith("Only in")]
    # national.html is the first run's; region-A.html is new, the manifest and index say so
    assert not any("national.html" in line for line in differ), proc.stdout
