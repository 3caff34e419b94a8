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
# # Interviews: vermeldingen, verandering, samenhang en citaten
#
# Dit notebook laat de gecodeerde interviews van één afbakening en meting zien. Een
# code telt één keer per interview: "k van N" is het aantal interviews dat de factor
# noemt, van alle interviews in de groep.

# %% tags=["parameters"]
study: str = ""  # study folder or its study.yaml; empty: the embedded example study
scope: str = "national"  # "national", "situation" or "region"
scope_value: str = ""  # id of the situation or region; empty for the national scope
wave: int = 0  # measurement wave (meting); 0: the study's latest wave
lang: str = "nl"  # language of headings and tables: "nl" or "en"
publish: bool = True  # True: publication rules on (cells of fewer than k hidden); False: every number

# %% [markdown] tags=["analyst"]
# Elke tabel is ook een DataFrame: `results.interview_change`, en `.frame` van elk
# overzicht hieronder (bijvoorbeeld `views.mentions(results).frame`).

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
# ## Verandering ten opzichte van de vorige meting
#
# Per factor: k van N interviews in de vorige en deze meting, en de
# veranderingsklasse (nieuw, meer, stabiel, minder, niet meer genoemd) volgens de
# regels onder de tabel.

# %%
sections.qualitative(results, lang=lang)

# %% [markdown]
# ## Vermeldingen per code en groep

# %%
views.mentions(results, lang=lang)

# %% [markdown]
# ## Verandering over alle metingen
#
# Dezelfde regels voor elk paar opeenvolgende metingen die de studie heeft.

# %%
views.interview_trend(results, lang=lang)

# %% [markdown]
# ## Samen genoemd
#
# Paren van codes in hetzelfde interview, met de c-coëfficiënt (samen / (a + b − samen)).

# %%
views.cooccurrence(results, lang=lang)

# %% [markdown]
# ## Interviews × codes en citaten
#
# Welke interviews welke code noemen (1 of 0), en ten hoogste drie citaten per code
# en groep; synthetische citaten zijn gemarkeerd.

# %%
views.case_by_code(results, lang=lang)

# %%
views.quotes(results, lang=lang)

# %% [markdown]
# ## Overeenstemming tussen codeurs
#
# Alleen als twee codeurs dezelfde interviews hebben gecodeerd: Cohens kappa per code.

# %%
views.agreement(results, lang=lang)

# %% tags=["remove-cell"]
record_run_info(results.run_info())
