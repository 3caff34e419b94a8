"""Kernel side of the warm-kernel engine: warm up once, snapshot, reset between notebooks.

:mod:`image_synth.publish.engine` runs these functions *inside* an IPython kernel (as
silent code that does not count as a cell). :func:`warm_up` imports the heavy modules,
then records a snapshot of the process state; :func:`reset` brings the kernel back to
that snapshot before each notebook, so a notebook sees the state a fresh kernel would
give it, only with pandas, matplotlib, seaborn and statsmodels already imported.

What :func:`reset` restores, in order:

1. matplotlib: every figure closed; ``rcParams`` (seaborn themes, styles), the
   colormap and unit-converter registries, the inline backend's settings;
2. the IPython shell: ``%reset -f`` in a new session (user namespace, ``In``/``Out``,
   ``_`` history, aliases) with the execution counter back at 1; post-execute event
   callbacks and display formatters as after warm-up;
3. every ``image_synth`` module imported at warm-up (all of the package but the
   command line and the dask plugin) stays imported, with its namespace as at the
   snapshot: names a notebook added are removed, names it rebound are bound again, and
   the module-level dicts, lists and sets (memos, registries) get back their contents
   of then; ``functools`` caches stay, they hold what the same call gives anyway. An
   ``image_synth`` module first imported by a notebook is dropped (imported again from
   scratch). Importing the package again in every notebook cost 0.2-0.5 s of a
   0.5-1 s supplement. Other modules imported by a notebook stay (they are stateless
   to us and expensive). Not restored: objects changed in place below a module's top
   level (a class attribute set by a notebook); the package's own code does not;
4. ``sys.path``, ``sys.argv``, the recursion limit, ``os.environ`` (and ``time.tzset``),
   the working directory (set to the one papermill runs the notebook in);
5. pandas options (``pd.reset_option("all")``), numpy print options and error handling;
6. warnings filters and every module's ``__warningregistry__`` (so a warning shown
   once in a fresh kernel is shown again), logging levels and handlers of
   ``image_synth`` loggers and the root logger;
7. the global random generators of ``random`` and numpy, seeded with a fixed value;
8. ``linecache`` and import caches. (The warm heap is frozen after warm-up
   (:func:`gc.freeze`), so the garbage collections of the reset stay cheap.)

This module is the one ``image_synth`` module the reset leaves alone: it holds the snapshot.
It imports nothing heavy itself.
"""

from __future__ import annotations

import copy
import gc
import importlib
import linecache
import logging
import os
import random
import sys
import warnings
from typing import Any

__all__ = ["WARM_MODULES", "reset", "snapshot", "warm_up"]

#: Imported once per kernel by :func:`warm_up`, before the package's own modules.
WARM_MODULES = ("numpy", "pandas", "scipy.stats", "matplotlib", "matplotlib.pyplot",
                "seaborn", "statsmodels.api", "networkx", "pydantic", "yaml",
                "pandera.pandas", "pyreadstat")

#: The package's modules :func:`warm_up` leaves out: the command line, and the dask
#: plugin (it imports distributed); everything else of ``image_synth`` is imported.
NOT_WARMED = ("image_synth.__main__", "image_synth.cli", "image_synth.publish.dask_plugin")

#: Seed of the global random generators after a reset.
SEED = 20230101

_SNAPSHOT: dict[str, Any] = {}


def warm_up(modules: tuple[str, ...] = WARM_MODULES) -> list[str]:
    """Import ``modules``, then every module of the package but :data:`NOT_WARMED`
    (skipping those that cannot be imported), then take the snapshot.

    Returns the modules that could not be imported.
    """
    missing = []
    for name in (*modules, *_package_modules()):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if "matplotlib.pyplot" in sys.modules:
        # pyplot loads its backend on the first figure; the inline backend then registers
        # its PNG formatter and post-execute hook. Do that now, so that the snapshot has
        # them (a notebook's first figure does the same in a fresh kernel).
        plt = sys.modules["matplotlib.pyplot"]
        plt.close(plt.figure())
    snapshot()
    # the warm heap never changes again: keep it out of every later garbage collection
    gc.collect()
    gc.freeze()
    return missing


def _package_modules() -> list[str]:
    """Every module of the ``image_synth`` package but :data:`NOT_WARMED`."""
    import pkgutil

    package = importlib.import_module("image_synth")
    return [info.name for info in pkgutil.walk_packages(package.__path__, "image_synth.")
            if info.name not in NOT_WARMED and info.name != __name__]


def _ours(name: str) -> bool:
    return (name == "image_synth" or name.startswith("image_synth.")) and name != __name__


#: Module-level containers whose contents :func:`reset` puts back (exact types only).
_CONTAINERS = (dict, list, set)


def _module_state(module: Any) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    names = dict(vars(module))
    contents = {k: copy.copy(v) for k, v in names.items() if type(v) in _CONTAINERS}
    return module, names, contents


def _restore_module(module: Any, names: dict[str, Any], contents: dict[str, Any]) -> None:
    namespace = vars(module)
    for key in [k for k in namespace if k not in names]:
        del namespace[key]
    namespace.update(names)
    for key, saved in contents.items():
        value = names[key]
        if type(value) is list:
            value[:] = saved
        else:  # dict or set
            value.clear()
            value.update(saved)


def snapshot() -> None:
    """Record the state :func:`reset` returns to."""
    shell = _shell()
    snap: dict[str, Any] = {
        "modules": {name: _module_state(module) for name, module in list(sys.modules.items())
                    if _ours(name) and module is not None},
        "sys_path": list(sys.path),
        "argv": list(sys.argv),
        "recursionlimit": sys.getrecursionlimit(),
        "environ": dict(os.environ),
        "warnings": list(warnings.filters),
        "logging": _logging_state(),
    }
    if "matplotlib" in sys.modules:
        import matplotlib as mpl

        snap["rc"] = dict(mpl.rcParams)
        snap["colormaps"] = set(mpl.colormaps)
        import matplotlib.units

        snap["units"] = dict(matplotlib.units.registry)
        inline = sys.modules.get("matplotlib_inline.config")
        if inline is not None:
            backend = inline.InlineBackend.instance()
            snap["inline"] = {k: copy.copy(v) for k, v in backend.trait_values().items()
                              if not k.startswith(("config", "parent", "log"))}
    if "numpy" in sys.modules:
        import numpy as np

        snap["np_print"] = np.get_printoptions()
        snap["np_err"] = np.geterr()
    if shell is not None:
        snap["events"] = {name: list(callbacks)
                          for name, callbacks in shell.events.callbacks.items()}
        snap["formatters"] = {
            mime: (dict(f.type_printers), dict(f.deferred_printers), dict(f.singleton_printers))
            for mime, f in shell.display_formatter.formatters.items()}
    _SNAPSHOT.clear()
    _SNAPSHOT.update(snap)


def reset(cwd: str | None = None) -> None:
    """Return the kernel to the snapshot taken by :func:`warm_up` (see the module doc)."""
    if not _SNAPSHOT:
        raise RuntimeError("kernel_state.reset() before warm_up()")
    snap = _SNAPSHOT
    shell = _shell()

    # 1. matplotlib (before the namespace goes: figures may hold user objects)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if "rc" in snap:
        import matplotlib as mpl
        import matplotlib.units

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dict.update(mpl.rcParams, snap["rc"])
            for key in set(mpl.rcParams) - set(snap["rc"]):  # pragma: no cover
                dict.pop(mpl.rcParams, key, None)
        for name in set(mpl.colormaps) - snap["colormaps"]:
            mpl.colormaps.unregister(name)
        matplotlib.units.registry.clear()
        matplotlib.units.registry.update(snap["units"])
        if "inline" in snap:
            backend = sys.modules["matplotlib_inline.config"].InlineBackend.instance()
            for key, value in snap["inline"].items():
                if getattr(backend, key) != value:
                    setattr(backend, key, copy.copy(value))

    # 2. the IPython shell
    if shell is not None:
        shell.reset(new_session=True)
        shell.execution_count = 1
        for name, callbacks in snap["events"].items():
            shell.events.callbacks[name][:] = callbacks
        for mime, (types, deferred, singletons) in snap["formatters"].items():
            f = shell.display_formatter.formatters.get(mime)
            if f is not None:
                for registry, saved in ((f.type_printers, types),
                                        (f.deferred_printers, deferred),
                                        (f.singleton_printers, singletons)):
                    registry.clear()
                    registry.update(saved)

    # 3. image_synth modules as at the snapshot; those imported since, from scratch
    kept = snap["modules"]
    for name in [m for m in sys.modules if _ours(m) and m not in kept]:
        del sys.modules[name]
    for name, (module, names, contents) in kept.items():
        sys.modules[name] = module
        _restore_module(module, names, contents)

    # 4. interpreter and process
    sys.path[:] = snap["sys_path"]
    sys.argv[:] = snap["argv"]
    sys.setrecursionlimit(snap["recursionlimit"])
    if dict(os.environ) != snap["environ"]:
        os.environ.clear()
        os.environ.update(snap["environ"])
        if hasattr(__import__("time"), "tzset"):
            __import__("time").tzset()
    if cwd is not None:
        os.chdir(cwd)

    # 5. pandas and numpy
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")
    if "np_print" in snap:
        import numpy as np

        np.set_printoptions(**snap["np_print"])
        np.seterr(**snap["np_err"])

    # 6. warnings and logging
    warnings.filters[:] = snap["warnings"]
    warnings._filters_mutated()  # type: ignore[attr-defined]
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    _restore_logging(snap["logging"])

    # 7. random generators
    random.seed(SEED)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(SEED % 2**32)

    # 8. caches (the shell reset has already collected garbage; the warm heap is frozen)
    linecache.clearcache()
    importlib.invalidate_caches()


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return None
    return get_ipython()


def _logging_state() -> dict[str, Any]:
    root = logging.getLogger()
    loggers = {name: (lg.level, list(lg.handlers), lg.propagate, lg.disabled)
               for name, lg in logging.root.manager.loggerDict.items()
               if isinstance(lg, logging.Logger) and name.startswith("image_synth")}
    return {"root": (root.level, list(root.handlers)), "loggers": loggers}


def _restore_logging(state: dict[str, Any]) -> None:
    root = logging.getLogger()
    root.setLevel(state["root"][0])
    root.handlers[:] = state["root"][1]
    for name, lg in list(logging.root.manager.loggerDict.items()):
        if not isinstance(lg, logging.Logger) or not name.startswith("image_synth"):
            continue
        level, handlers, propagate, disabled = state["loggers"].get(
            name, (logging.NOTSET, [], True, False))
        lg.setLevel(level)
        lg.handlers[:] = handlers
        lg.propagate = propagate
        lg.disabled = disabled
