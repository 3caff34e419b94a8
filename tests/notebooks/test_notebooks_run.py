"""The notebooks run for real: in JupyterLab with their defaults, through papermill for a
region in English, and on a study with three waves.

- JupyterLab: ``jupyter lab --no-browser`` on a free port with a token, in its own
  process group; ``/api/contents/notebooks`` lists the five notebooks; each notebook, as
  the server gives it, runs top to bottom with nbclient against the kernel spec the
  server offers; the server is stopped by its pid.
- papermill: ``papermill notebooks/<name>.ipynb out.ipynb -f params/example/region/C.yaml
  -p lang en``, as on the command line.
- three waves: every notebook on tests/fixtures/three_waves; the trend views take all
  three waves.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import nbformat
import pytest
from _support import ROOT

from image_synth.publish.notebooks import NOTEBOOKS

pytestmark = pytest.mark.slow

THREE_WAVES = ROOT / "tests" / "fixtures" / "three_waves"

#: What each notebook must show (a heading id or a view's data attribute).
SHOWS = {"survey": ['id="mechanisms"', 'data-view="wave_trend"', 'id="added_value"'],
         "interviews": ['id="qualitative"', 'data-view="mentions"', 'data-view="agreement"'],
         "networks": ['id="networks"', 'data-view="network_classes"'],
         "synthesis": ['id="integration"', 'data-view="convergence"', 'data-view="themes"'],
         "supplement": ['id="response"', 'id="methods"']}


def _env(plan_cache) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["IMAGE_SYNTH_CACHE"] = str(plan_cache)
    return env


def _html(nb) -> str:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o.output_type != "error", f"{o.ename}: {o.evalue}"
            out.append(o.get("data", {}).get("text/html", ""))
    return "\n".join(out)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_jupyterlab_lists_and_runs_the_five_notebooks(plan_cache, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    port, token = _free_port(), uuid.uuid4().hex
    env = _env(plan_cache)
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
               "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={ROOT}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        command.append("--allow-root")
    log = open(tmp_path / "lab.log", "wb")  # noqa: SIM115 - closed after the server
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                _get(f"{base}/api/status", token)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("jupyter lab did not start:\n"
                                + (tmp_path / "lab.log").read_text(errors="replace")[-2000:])
                time.sleep(0.5)
        listing = _get(f"{base}/api/contents/notebooks", token)
        # (jupytext's contents manager also offers the paired .py files as notebooks)
        names = {e["name"] for e in listing["content"] if e["type"] == "notebook"}
        assert {n for n in names if n.endswith(".ipynb")} == {f"{n}.ipynb" for n in NOTEBOOKS}
        kernel = _get(f"{base}/api/kernelspecs", token)["default"]
        # the kernels nbclient starts see the plans and this checkout
        monkeypatch.setenv("IMAGE_SYNTH_CACHE", env["IMAGE_SYNTH_CACHE"])
        monkeypatch.setenv("PYTHONPATH", env["PYTHONPATH"])
        for name in NOTEBOOKS:
            model = _get(f"{base}/api/contents/notebooks/{name}.ipynb?type=notebook", token)
            nb = nbformat.from_dict(model["content"])
            NotebookClient(nb, kernel_name=kernel, timeout=900,
                           resources={"metadata": {"path": str(tmp_path)}}).execute()
            html = _html(nb)
            for mark in SHOWS[name]:
                assert mark in html, (name, mark)
            assert "<table" in html, name
    finally:
        _stop(server)
        log.close()
    assert server.returncode is not None  # stopped, with its process group


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group (its pid), SIGKILL if it lingers."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_papermill_region_in_english_and_three_waves(name, plan_cache, tmp_path,
                                                     monkeypatch):
    """The command line of the issue, then the same notebook on the 3-wave study."""
    env = _env(plan_cache)
    out = tmp_path / f"{name}-C.ipynb"
    proc = subprocess.run(
        [sys.executable, "-m", "papermill", f"notebooks/{name}.ipynb", str(out),
         "-f", "params/example/region/C.yaml", "-p", "lang", "en", "--no-progress-bar",
         "--cwd", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    assert nb.metadata.papermill.parameters == {"scope": "region", "scope_value": "C",
                                                "lang": "en"}
    html = _html(nb)
    assert "Region C" in html or "region C" in html
    for mark in SHOWS[name]:
        assert mark in html, mark
    assert "Mann-Whitney" in html or name != "survey"

    import papermill

    monkeypatch.setenv("IMAGE_SYNTH_CACHE", env["IMAGE_SYNTH_CACHE"])
    monkeypatch.setenv("PYTHONPATH", env["PYTHONPATH"])
    out3 = tmp_path / f"{name}-3.ipynb"
    nb3 = papermill.execute_notebook(
        str(ROOT / "notebooks" / f"{name}.ipynb"), str(out3), progress_bar=False,
        parameters={"study": str(THREE_WAVES)}, cwd=str(tmp_path),
        kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=ERROR"])
    html3 = _html(nb3)
    assert "2033" in html3  # the latest wave, from the study
    # the change and trend views take every wave the study has
    for view in {"survey": ["wave_trend"], "interviews": ["interview_trend"]}.get(name, []):
        shown = _view(html3, view)
        assert all(wave in shown for wave in ("2031", "2032", "2033")), view


def _view(html: str, view: str) -> str:
    start = html.index(f'data-view="{view}"')
    return html[start:html.index("</section>", start)]
