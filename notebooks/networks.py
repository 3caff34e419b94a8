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
# # Netwerktekeningen uit de reflectiebijeenkomsten
#
# De tekeningen van de samenwerkingsnetwerken, hun maten en hun structuur (ster,
# netwerk of gefragmenteerd) voor één afbakening.

# %% tags=["parameters"]
study: str = ""  # study folder or its study.yaml; empty: the embedded example study
scope: str = "national"  # "national", "situation" or "region"
scope_value: str = ""  # id of the situation or region; empty for the national scope
wave: int = 0  # measurement wave (meting); 0: the study's latest wave
lang: str = "nl"  # language of headings and tables: "nl" or "en"
publish: bool = True  # True: publication rules on (cells of fewer than k hidden); False: every number

# %% [markdown] tags=["analyst"]
# De maten zijn ook een DataFrame: `results.network_measures`, en `.frame` van de
# overzichten hieronder.

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
# ## Tekeningen
#
# Elke tekening in de kleuren van het rapport, met de maten per tekening en de regels
# voor de structuur.

# %%
sections.networks(results, lang=lang)

# %% [markdown]
# ## Maten per soort lijn
#
# Dichtheid, centralisatie, spil en componenten, voor alle lijnen samen en per soort
# lijn (contact, initiatief, besluit).

# %%
views.network_measures(results, lang=lang)

# %% [markdown]
# ## Structuurklassen
#
# De structuur van elke tekening en de regel die de doorslag gaf.

# %%
views.network_classes(results, lang=lang)

# %% tags=["remove-cell"]
record_run_info(results.run_info())
