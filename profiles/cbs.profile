# CBS Beleidsinformatie Jeugd - national definitions (Informatieprotocol Beleidsinformatie
# Jeugd v7 = Bijlage 2 Regeling Jeugdwet, "CBS-IP", and CBS StatLine /
# Jeugdmonitor definitions). Format: docs/profiles.md.
#
# "OUR ASSUMPTION" marks every mapping or number that is ours and not CBS's.

name = cbs
description = CBS Beleidsinformatie Jeugd: jeugdhulp met/zonder verblijf, jeugdbescherming, jeugdreclassering; herhaald beroep = jeugdhulp in de 5 jaar ervoor, minstens een dag ertussen

# ---- Segments (CBS-IP §3.3 hulpvormen) ------------------------------------
# Met verblijf = the youth formally sleeps elsewhere (CBS-IP §3.3): CBS
# hulpvormen 11-14 = JZ020 35-38, plus the functional categories 43 and 44
# (verblijf incl./excl. behandeling).
segment met_verblijf = 35 36 37 38 43 44
segment.met_verblijf.label = Jeugdhulp met verblijf
segment.met_verblijf.verblijf = yes

# Zonder verblijf: CBS hulpvormen 01-04 = JZ020 31-34, plus the functional
# ambulant categories 41 dagbehandeling, 45 ambulant, 51-54 (basis-ggz,
# specialistische ggz, kindergeneeskunde, jeugd-ggz) and 40 persoonlijke
# verzorging.
# OUR ASSUMPTION: 46 crisis here too. CBS records crisis as "gestart met
# crisis", not as a hulpvorm, and category 46 does not tell whether the
# youth sleeps elsewhere; a region whose crisis placements have their own
# product code adds e.g. "46:46B" to met_verblijf (the longer match wins).
segment zonder_verblijf = 31 32 33 34 40 41 45 46 51 52 53 54
segment.zonder_verblijf.label = Jeugdhulp zonder verblijf
segment.zonder_verblijf.verblijf = no

# Jeugdbescherming and jeugdreclassering are reported to CBS separately (by
# the GIs, CBS-IP §7.3).
segment jeugdbescherming = 48
segment.jeugdbescherming.label = Jeugdbescherming
segment.jeugdbescherming.verblijf = no
segment jeugdreclassering = 47
segment.jeugdreclassering.label = Jeugdreclassering
segment.jeugdreclassering.verblijf = no

# Not mapped (overig) - OUR ASSUMPTION: 42 vervoer (not a hulpvorm), 49
# preventief justitieel kader (not a JB/JR measure), 50 maatwerk and 55 LTA
# (either with or without stay). An allocation without Product goes to
# overig too.

# ---- Classification: herhaald beroep ---------------------------------------
# A started trajectory is herhaald beroep when the youth had jeugdhulp in the
# five years before; adjoining trajectories are not repetition - at least
# one day must separate the end of the previous and the start of the new.
# Any care counts, so the previous episode is sought in all segments.
classes.scope = all
# OUR ASSUMPTION: CBS counts the 5 years before the reporting period; we
# count them back from the start itself (start 2024-06-15: an episode that
# ended 2019-06-15 or later counts), so a start's class does not depend on
# the period it is reported in.
classes.lookback = 5y
# gap = start - previous end. gap 1 = the day after the end (adjoining):
# not a return, classed doorstroom. gap 2 = one free day between: herhaald
# beroep. OUR ASSUMPTION: overlapping or same-day starts (gap <= 0) are
# stapeling (CBS merges overlapping trajectories of one hulpvorm).
classes.stapeling_below = 1
classes.doorstroom_upto = 1
# No upper bound inside the 5-year lookback: every gap >= 2 is recidive
# (class hernieuwd does not occur under this profile).
classes.recidive_upto = none
classes.return_class = recidive

# ---- Wait norms ------------------------------------------------------------
# CBS collects no waiting-time data: none.

# ---- Targets ---------------------------------------------------------------
# CBS sets definitions, not targets: none.

# ---- Small cells -----------------------------------------------------------
# No documented CBS rule was found; CBS youth-care counts are visibly rounded
# to multiples of 5. We suppress below 5.
small_cells.threshold = 5

# ---- Gemeenten (SPEC §6) ----------------------------------------------------
# The CBS profile is national: it lists no gemeenten (every Afzender is
# counted) and so has no region population for rates per 1,000.
