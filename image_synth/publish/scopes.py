"""The scopes of a batch run: which supplements to make, their files and labels.

A study file names its collaboration situations and regions; a run makes one
supplement for the nation, one per situation and one per region (or the subset asked
for with ``scope`` and ``only``). Each becomes a :class:`ScopeJob` whose file name is
made from the scope alone (:func:`page_file`), so a file always names the scope the
runner asked for; the runner checks that the notebook showed that scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ScopeJob", "ScopeOutcome", "page_file", "plan_scopes", "scope_label"]


@dataclass(frozen=True)
class ScopeJob:
    """One supplement to make."""

    scope: str
    value: str
    file: str
    label: str
    parameters: dict[str, Any]
    #: The parameter-set file the scope came from (``image-synth run --params``), or "".
    params_file: str = ""
    #: In a batch of several waves or languages: ``"2023, en"`` (in messages), else "".
    setting: str = ""

    @property
    def wave(self) -> int:
        return int(self.parameters["wave"])

    @property
    def lang(self) -> str:
        return str(self.parameters["lang"])

    @property
    def name(self) -> str:
        name = self.scope if self.scope == "national" else f"{self.scope} {self.value}"
        return f"{name} ({self.setting})" if self.setting else name


@dataclass
class ScopeOutcome:
    """What became of one :class:`ScopeJob`."""

    job: ScopeJob
    ok: bool
    reason: str = ""
    sha256: str = ""
    run_info: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    failed_notebook: str = ""


def plan_scopes(study: Any, *, scope: str = "all", only: str | list[str] | None = None
                ) -> list[tuple[str, str]]:
    """``(scope, value)`` pairs from the study file: national, situations, regions.

    Parameters
    ----------
    scope
        ``"all"`` or one of :data:`image_synth.options.SCOPES`.
    only
        Scope values to keep (situation or region ids, ``national``), as a list or a
        comma-separated string. Each must name a planned scope.
    """
    from ..errors import OptionError
    from ..options import SCOPES, check_option

    check_option("scope", scope, ("all", *SCOPES))
    cfg = study.config
    if scope == "situation" and not cfg.situations:
        raise OptionError("--scope situation: the study declares no situations; its scopes "
                          "are national and region")
    planned = [("national", "")]
    planned += [("situation", s.id) for s in cfg.situations]
    planned += [("region", r.id) for r in cfg.regions]
    if scope != "all":
        planned = [p for p in planned if p[0] == scope]
    if only:
        wanted = [w.strip() for w in (only.split(",") if isinstance(only, str) else only)
                  if w.strip()]
        names = {p: (p[1] or p[0]) for p in planned}
        unknown = [w for w in wanted if w not in names.values()]
        if unknown:
            valid = ", ".join(dict.fromkeys(names.values()))
            raise OptionError(f"--only {','.join(unknown)}: not a scope of this run; use "
                              f"one of {valid}")
        planned = [p for p in planned if names[p] in wanted]
    return planned


def page_file(scope: str, value: str, *, wave: int | None = None,
              lang: str | None = None) -> str:
    """The file of a scope's supplement: ``national.html``, ``region-C.html``, ...

    With ``wave`` and ``lang`` (a batch of several waves or languages):
    ``national-2023-nl.html``, ``region-C-2022-en.html``.
    """
    from ..study.models import file_stem

    stem = "national" if scope == "national" else f"{scope}-{file_stem(value)}"
    if wave is not None and lang is not None:
        stem = f"{stem}-{int(wave)}-{lang}"
    return f"{stem}.html"


def scope_label(study: Any, scope: str, value: str, lang: str) -> str:
    """How a reader names the scope: ``landelijk``, the situation's label, ``regio C``
    (words from the catalogue, labels from the study file)."""
    from ..render.words import word

    cfg = study.config
    if scope == "national":
        return word("national", lang)
    if scope == "situation":
        return cfg.situation_label(value, lang)
    from ..render.common import region_named

    return region_named(study, value, lang)
