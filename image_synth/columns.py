"""The column vocabulary: every column name the package reads or writes, defined once.

Analysis functions return tidy DataFrames whose columns come from this list. Use the
constants (``C.ALPHA``) in code, or the plain strings in notebooks; they are the same.

Identifiers
    ``respondent_id``, ``wave``, ``region``, ``situation``, ``sector``, ``status``,
    ``source_id``, ``source_type``, ``role``, ``segment_id``, ``code``, ``code_path``,
    ``parent``, ``category``, ``item``, ``scale``, ``block``, ``meeting``, ``group``,
    ``target``, ``party``, ``party_type``, ``tie_kind``
Counts and sizes
    ``n`` (respondents or cases used), ``n_missing``, ``k_items``, ``k_sources``
    (sources mentioning), ``n_sources`` (sources in the group), ``n_segments``,
    ``count``, ``n_asked``
Estimates
    ``mean``, ``sd``, ``median``, ``share``, ``alpha``, ``alpha_std``, ``average_r``,
    ``omega_total``, ``r_drop``, ``alpha_if_deleted``, ``rho``, ``odds_ratio``,
    ``effect_size``, ``statistic``
Intervals and tests
    ``ci_low``, ``ci_high``, ``p_value``, ``ci_method``, ``p_adjusted``, ``test``,
    ``effect_measure``
Comparisons and models
    ``value`` (what was compared), ``group_1``, ``group_2``, ``n_1``, ``n_2``,
    ``composition_tvd``, ``composition_differs``, ``variable``, ``tvd``, ``differs``,
    ``predictor``, ``predictor_block``, ``outcome``, ``outcome_block``, ``term``,
    ``log_odds``, ``se``
Flags
    ``small_n`` (a group below the study's minimum n), ``suppressed``
Text
    ``label``, ``quote``, ``start``, ``end``, ``coder``, ``synthetic``
"""

# identifiers
RESPONDENT_ID = "respondent_id"
WAVE = "wave"
REGION = "region"
SITUATION = "situation"
SECTOR = "sector"
STATUS = "status"
SOURCE_ID = "source_id"
SOURCE_TYPE = "source_type"
ROLE = "role"
SEGMENT_ID = "segment_id"
CODE = "code"
CODE_PATH = "code_path"
PARENT = "parent"
CATEGORY = "category"
ITEM = "item"
#: which kind of non-numeric answer a code is ("dont_know", "not_applicable"), else missing
NON_NUMERIC = "non_numeric"
SCALE = "scale"
BLOCK = "block"
MEETING = "meeting"
GROUP = "group"
TARGET = "target"
PARTY = "party"
PARTY_TYPE = "party_type"
TIE_KIND = "tie_kind"

# counts
N = "n"
N_MISSING = "n_missing"
K_ITEMS = "k_items"
K_SOURCES = "k_sources"
N_SOURCES = "n_sources"
N_SEGMENTS = "n_segments"
COUNT = "count"
N_ASKED = "n_asked"

# estimates
MEAN = "mean"
SD = "sd"
MEDIAN = "median"
SHARE = "share"
ALPHA = "alpha"
ALPHA_STD = "alpha_std"
AVERAGE_R = "average_r"
OMEGA_TOTAL = "omega_total"
R_DROP = "r_drop"
ALPHA_IF_DELETED = "alpha_if_deleted"
RHO = "rho"
ODDS_RATIO = "odds_ratio"
EFFECT_SIZE = "effect_size"
STATISTIC = "statistic"

# intervals and tests
CI_LOW = "ci_low"
CI_HIGH = "ci_high"
P_VALUE = "p_value"
CI_METHOD = "ci_method"

# comparisons and models
VALUE = "value"
TEST = "test"
GROUP_1 = "group_1"
GROUP_2 = "group_2"
N_1 = "n_1"
N_2 = "n_2"
P_ADJUSTED = "p_adjusted"
EFFECT_MEASURE = "effect_measure"
COMPOSITION_TVD = "composition_tvd"
COMPOSITION_DIFFERS = "composition_differs"
VARIABLE = "variable"
TVD = "tvd"
DIFFERS = "differs"
PREDICTOR = "predictor"
PREDICTOR_BLOCK = "predictor_block"
OUTCOME = "outcome"
OUTCOME_BLOCK = "outcome_block"
TERM = "term"
LOG_ODDS = "log_odds"
SE = "se"

# flags
SMALL_N = "small_n"
SUPPRESSED = "suppressed"

# text
LABEL = "label"
QUOTE = "quote"
START = "start"
END = "end"
CODER = "coder"
SYNTHETIC = "synthetic"

#: Columns every survey response table has before its item columns.
SURVEY_KEYS = (RESPONDENT_ID, WAVE, REGION, SITUATION, SECTOR)

#: Columns of the coded-segment table (one row per coding).
SEGMENT_COLUMNS = (SEGMENT_ID, SOURCE_ID, CODE, CODE_PATH, START, END, QUOTE, CODER)

#: Columns of the source table (one row per interview, meeting, document, study).
SOURCE_COLUMNS = (SOURCE_ID, SOURCE_TYPE, WAVE, REGION, SITUATION, ROLE,
                  "n_participants", SYNTHETIC, "title")
