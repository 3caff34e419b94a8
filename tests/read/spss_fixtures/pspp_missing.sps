* A mini-study survey with user-missing declarations (discrete values and ranges),
* value labels and a date variable, written by GNU PSPP 1.6.2 as .por and .sav:
*   pspp pspp_missing.sps   (run in this folder).
DATA LIST LIST /respondent_id (A4) wave (F4.0) region (A1) situation (A9) sector (A2)
  status (F1.0) functie_ib (F1.0) functie_leraar (F1.0) com_1 (F2.0) com_2 (F2.0)
  com_3 (F2.0) ver_1 (F2.0) ver_2 (F2.0) tijd (F2.0) tevredenheid (F2.0) started (ADATE10).
BEGIN DATA
S1 2023 A binnen_po po 1 1 0 9 8 -2 3 99 9 4 01/15/2023
S2 2023 A binnen_po po 1 0 1 2 3 4 5 1 2 7 02/01/2023
S3 2023 B binnen_po po 2 1 1 1 99 5 4 97 9 1 03/01/2023
END DATA.
VALUE LABELS com_1 1 'helemaal niet van toepassing' 5 'helemaal van toepassing' 9 'weet niet'
  /com_2 8 'geen antwoord' 99 'niet gevraagd'
  /tijd 9 'Weet  niet'.
MISSING VALUES com_1 (9) /com_2 (8, 99) /com_3 (LO THRU 0) /ver_2 (97 THRU 99) /tijd (9).
EXPORT OUTFILE='pspp_missing.por'.
SAVE OUTFILE='pspp_missing.sav'.
