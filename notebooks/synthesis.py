# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Synthese: joint display, convergentie, CMO, thema's en bewijs
#
# Dit notebook zet de vragenlijst, de interviews en de reflectiebijeenkomsten naast
# elkaar voor één afbakening.

# %% [markdown] tags=["analyst"]
# Probeer een andere keuze voor de convergentie met een bestand met overrides
# (parameter `overrides`).

# %% tags=["parameters"]
study: str = ""  # study folder or its study.yaml; empty: the embedded example study
scope: str = "national"  # "national", "situation" or "region"
scope_value: str = ""  # id of the situation or region; empty for the national scope
wave: int = 0  # measurement wave (meting); 0: the study's latest wave
lang: str = "nl"  # language of headings and tables: "nl" or "en"
publish: bool = True  # True: publication rules on (cells of fewer than k hidden); False: every number
overrides: str = ""  # YAML file with the analyst's convergence codes and rationale; empty: none

# %% [markdown] tags=["analyst"]
# Elke tabel is ook een DataFrame: `results.joint_display`,
# `results.situation_displays`, `results.cmo`, `results.evidence_map`,
# `results.meta_inferences`, en `.frame` van de overzichten hieronder.

# %%
from image_synth import views
from image_synth.publish import record_run_info
from image_synth.render import sections
from image_synth.results import compute

results = compute(study, scope=scope, scope_value=scope_value, wave=wave, publish=publish)
sections.notebook_style()

# %%
sections.title(results, lang=lang)

# %% [markdown]
# ## Joint display, CMO, bewijskaart en meta-inferenties
#
# Per mechanisme en randvoorwaarde het bewijs uit elke bron naast elkaar, met de
# convergentie; daarna de CMO-tabel, de bewijskaart en de meta-inferenties.

# %%
sections.integration(results, lang=lang)

# %% [markdown]
# ## Joint display per situatie
#
# Landelijk: de joint display van elke samenwerkingssituatie onder elkaar, elk
# beschermd zoals op de eigen pagina.

# %%
views.joint_displays(results, lang=lang)

# %% [markdown]
# ## Convergentie: regels en keuzes van de analist
#
# De gradatie per bron en de convergentie per paar bronnen; `*_set_by` zegt of de
# regel of de analist de code gaf, `*_rationale` waarom. De regels staan onder de
# tabel.

# %%
views.convergence(results, lang=lang, overrides=overrides)

# %% [markdown]
# ## Statistieken naar thema's
#
# Hoe vaak elk thema genoemd wordt in regio's met een tevredenheid boven en onder de
# mediaan.

# %%
views.themes(results, lang=lang)

# %% tags=["remove-cell"]
record_run_info(results.run_info())
