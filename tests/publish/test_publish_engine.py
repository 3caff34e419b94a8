"""The warm-kernel engine: a notebook gives the same bytes in a fresh or a reused kernel.

(A notebook that draws from the global random generators without seeding them differs
between any two fresh kernels; the supplement notebook seeds them in
``sections.prepare``, and the warm kernel's reset seeds them too.)
"""

from __future__ import annotations

import nbformat
import pytest

from image_synth.publish import engine
from image_synth.publish.html import export_html

pytestmark = pytest.mark.slow

POLLUTE = '''\
import os, sys, warnings
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
sns.set_theme(style="whitegrid")
if x == 2:  # leave as much state behind as a careless notebook could
    leak = 1
    plt.rcParams["lines.linewidth"] = 6
    pd.set_option("display.precision", 1)
    np.set_printoptions(precision=2)
    sys.path.append("/nowhere")
    os.environ["IMAGE_SYNTH_LEAK"] = "1"
    warnings.simplefilter("ignore")
    os.chdir("/")
    plt.figure()  # left open
    import image_synth.render.sections as s
    s.SECTIONS = ("!",)
'''

FIGURE = '''\
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot(np.arange(10) % 3)
ax.set_title(f"x={x}")
plt.show()
'''

SECTION = '''\
from matplotlib.figure import Figure
from image_synth.render.sections import FigureOutput, SECTIONS
f = Figure(figsize=(3, 2))
f.add_subplot().bar(["a", "b"], [1, x])
FigureOutput(f, alt=f"two bars, first section {SECTIONS[0]}")
'''

STATE = '''\
print(sorted(k for k in globals() if not k.startswith("_")
             and k not in ("In", "Out", "exit", "quit", "get_ipython")))
print("leak" in globals(), os.environ.get("IMAGE_SYNTH_LEAK"), "/nowhere" in sys.path,
      np.get_printoptions()["precision"], plt.rcParams["lines.linewidth"],
      pd.get_option("display.precision"), os.path.basename(os.getcwd()),
      len(plt.get_fignums()))
pd.DataFrame({"a": [x, 2.123456]})
'''


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine")
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("x: int = 1  # which run",
                                          metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(src) for src in (POLLUTE, FIGURE, SECTION, STATE))]
    path = folder / "state.ipynb"
    nbformat.write(nb, path)
    (folder / "work").mkdir()
    yield path
    engine.shutdown_kernels()


def _run(path, x, *, warm):
    import papermill

    engine.register()
    return papermill.execute_notebook(
        str(path), str(path.with_name(f"out-{x}-{warm}.ipynb")), parameters={"x": x},
        engine_name=engine.ENGINE_NAME if warm else None, progress_bar=False,
        cwd=str(path.with_name("work")), extra_arguments=list(engine.KERNEL_ARGUMENTS))


def _visible(nb):
    return export_html(nb, lang="en", title="state")


def test_warm_kernel_reset_gives_the_fresh_kernel_result(notebook):
    first = _run(notebook, 1, warm=True)   # a just-warmed kernel
    _run(notebook, 2, warm=True)           # pollutes the kernel
    again = _run(notebook, 1, warm=True)   # must not see any of it
    fresh = _run(notebook, 1, warm=False)  # papermill's own engine, a new kernel
    pages = [_visible(nb) for nb in (first, again, fresh)]
    assert pages[0] == pages[1] == pages[2]
    assert 'alt="two bars, first section response"' in pages[0] and "data:image/png" in pages[0]
    state = "".join(again.cells[-1].outputs[0].text)
    assert state.splitlines()[1] == "False None False 8 1.5 6 work 0"
    counts = [[c.execution_count for c in nb.cells] for nb in (again, fresh)]
    assert counts[0] == counts[1]
    assert engine.warm_kernel().notebooks == 3


def test_the_warm_engine_writes_the_notebook_at_its_start_and_its_end_only(notebook,
                                                                          monkeypatch):
    import papermill.engines

    writes = []
    real = papermill.engines.write_ipynb

    def counted(nb, path, **kwargs):
        writes.append(path)
        return real(nb, path, **kwargs)

    monkeypatch.setattr(papermill.engines, "write_ipynb", counted)
    warm = _run(notebook, 1, warm=True)
    assert len(writes) == 2, writes
    on_disk = nbformat.read(notebook.with_name("out-1-True.ipynb"), as_version=4)
    assert on_disk == warm                 # the end's write holds every output
    writes.clear()
    _run(notebook, 1, warm=False)          # papermill's own engine: before and after each cell
    assert len(writes) > 2 * len(warm.cells)


def test_a_failing_notebook_is_written_with_its_error_by_the_warm_engine(notebook):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell("raise ValueError('cell three fails')"))
    failing = notebook.with_name("failing.ipynb")
    nbformat.write(nb, failing)
    out = notebook.with_name("out-failing.ipynb")
    engine.register()
    with pytest.raises(PapermillExecutionError):
        papermill.execute_notebook(
            str(failing), str(out), parameters={"x": 1}, engine_name=engine.ENGINE_NAME,
            progress_bar=False, cwd=str(notebook.with_name("work")),
            extra_arguments=list(engine.KERNEL_ARGUMENTS))
    kept = nbformat.read(out, as_version=4)
    texts = [out_.get("evalue", "") for cell in kept.cells if cell.cell_type == "code"
             for out_ in cell.get("outputs", [])]
    assert "cell three fails" in texts
    assert any("An Exception was encountered" in "".join(cell.source)
               for cell in kept.cells)    # papermill's mark at the top
    assert kept.cells[-1].get("outputs") == []   # the cells after it never ran


KEPT = '''\
import sys
import image_synth.render.sections as s
import image_synth.results.memo as m
print(id(s), len(m._MEMO), hasattr(s, "LEAK"), s.SECTIONS[0] != "!",
      "image_synth.fresh_from_a_notebook" in sys.modules)
if x == 2:  # what a notebook could leave in the package's modules
    m._MEMO[0] = "leak"
    s.LEAK = 1
    s.SECTIONS = ("!",)
    import types
    sys.modules["image_synth.fresh_from_a_notebook"] = types.ModuleType("x")
'''


def test_the_packages_modules_stay_imported_and_come_back_as_they_were(tmp_path):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("x: int = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(KEPT)]
    path = tmp_path / "kept.ipynb"
    nbformat.write(nb, path)
    (tmp_path / "work").mkdir()
    lines = ["".join(_run(path, x, warm=True).cells[-1].outputs[0].text).split()
             for x in (2, 1)]
    # the same module object (not imported again), its memo empty, the added name gone,
    # the rebound name back, the module a notebook put in sys.modules dropped
    assert lines[0] == lines[1]
    assert lines[1][1:] == ["0", "False", "True", "False"]


def test_a_reset_whose_shell_reply_never_comes_still_runs_the_notebook(notebook, monkeypatch):
    # ipykernel 7 was seen to publish the reset's idle at once and its shell reply not
    # within 60 s (CI, under load); the reset is done when iopub says so
    import queue

    kernel = engine.warm_kernel()

    def lost(*args, **kwargs):
        raise queue.Empty

    monkeypatch.setattr(kernel.kc.shell_channel, "get_msg", lost)
    before = kernel.notebooks
    done = _run(notebook, 1, warm=True)
    assert engine.warm_kernel() is kernel and kernel.notebooks == before + 1
    assert "".join(done.cells[-1].outputs[0].text).splitlines()[1].startswith("False None")


def test_a_kernel_that_cannot_be_reset_is_replaced_for_the_same_notebook(notebook,
                                                                         monkeypatch):
    from image_synth.errors import RunError

    first = engine.warm_kernel()
    real = engine.WarmKernel.reset

    def once(self, cwd):
        if self is first:
            self.broken = True
            raise RunError("the warm kernel did not answer within 60 s")
        return real(self, cwd)

    monkeypatch.setattr(engine.WarmKernel, "reset", once)
    done = _run(notebook, 1, warm=True)
    second = engine.warm_kernel()
    assert second is not first and not first.alive()
    assert second.notebooks == 1
    assert "".join(done.cells[-1].outputs[0].text).splitlines()[1].startswith("False None")


def test_a_reset_that_raises_names_the_error(notebook):
    from image_synth.errors import RunError

    kernel = engine.warm_kernel()
    with pytest.raises(RunError, match="could not be prepared: ZeroDivisionError"):
        kernel.run("1/0")
    assert kernel.broken
    assert engine.warm_kernel() is not kernel   # replaced before the next notebook


def test_a_worker_stopped_while_its_kernel_starts_leaves_no_start_folder(tmp_path):
    # the run's stop reaches a worker (SIGTERM) while it starts a kernel: the kernel's
    # start folder is made, the kernel not registered yet; the folder still goes
    import os
    import subprocess
    import sys

    from _support import ROOT

    code = ("import os, signal\n"
            "from jupyter_client.manager import AsyncKernelManager\n"
            "from image_synth.publish import engine, workers\n"
            "signal.signal(signal.SIGTERM, workers._stop)\n"
            "async def start_kernel(self, **kwargs):\n"
            "    os.kill(os.getpid(), signal.SIGTERM)\n"
            "    import time; time.sleep(5)\n"
            "AsyncKernelManager.start_kernel = start_kernel\n"
            "engine.start_warm_kernel()\n"
            "print('not stopped')\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False,
                          env={**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": path})
    assert done.returncode == 128 + 15 and "not stopped" not in done.stdout, done.stderr
    assert list(scratch.glob("image-synth-kernel-*")) == []
