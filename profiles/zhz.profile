# Zuid-Holland Zuid (Serviceorganisatie Jeugd ZHZ, 17 gemeenten) -
# "Kernwaarden Jeugdhulp 2022 en verder" (Kernwaarden below, the
# authoritative inkoopkader), with its matrix and the Transformatieagenda
# 2016-2018.
# Where the matrix and Kernwaarden differ we follow Kernwaarden.
# Format: docs/profiles.md.
#
# "OUR ASSUMPTION" marks every mapping or number that is ours and not ZHZ's.

name = zhz
description = Zuid-Holland Zuid: segmenten 1-7 van het inkoopkader 2022; doelen voor verblijf met behandeling, dagvoorzieningen, kosten per jeugdige en wachttijden wonen en crisis

# ---- Segments (Kernwaarden works with segments 1-7) --------------------------------
# What Kernwaarden says per segment: segment 1 = verblijf
# met behandeling (ZHZ-3, -21, -23); segment 2 = pleegzorg/netwerk-
# plaatsingen, deeltijd verblijf, woonvoorziening (ZHZ-4, -12, -24, -25);
# segment 3 = dagvoorzieningen (ZHZ-6, -16, -17, -29); segment 4 = the
# segment with groepsgerichte interventies (ZHZ-18); segment 7 = EED and
# individuele diensten begeleiding/behandeling (ZHZ-28, -30). The notes do
# not name segments 5 and 6: OUR ASSUMPTION, 5 = crisis (ZHZ-7, -19, -20)
# and 6 = gedwongen kader / GI (ZHZ-2, -9, -10, -27). Every JZ020 mapping
# below is OUR ASSUMPTION (meanings: the iJw 3.2 code list JZ020); ZHZ's own product
# codes can move a product with a CC:PREFIX token.

# Segment 1. 43 verblijf incl. behandeling; OUR ASSUMPTION: 37 gesloten
# plaatsing as well.
segment verblijf_behandeling = 43 37
segment.verblijf_behandeling.label = Segment 1 - Verblijf met behandeling
segment.verblijf_behandeling.verblijf = yes

# Segment 2. OUR ASSUMPTION: 35 pleegzorg, 36 gezinsgericht (gezinshuis),
# 38 overig residentieel (begeleid wonen), 44 verblijf excl. behandeling.
segment wonen = 35 36 38 44
segment.wonen.label = Segment 2 - Wonen (pleegzorg, gezinshuis, verblijf zonder behandeling)
segment.wonen.verblijf = yes

# Segment 3. OUR ASSUMPTION: 41 dagbehandeling, 33 daghulp op locatie.
segment dagvoorziening = 41 33
segment.dagvoorziening.label = Segment 3 - Dagvoorzieningen (dagbehandeling, dagbesteding)
segment.dagvoorziening.verblijf = no

# Segment 4. OUR ASSUMPTION: specialist ambulant care - 45 ambulant, 32
# ambulant op locatie, 52 specialistische ggz, 53 kindergeneeskunde, 54
# jeugd-ggz. Group versus individual work (ZHZ-18) needs product codes.
segment ambulant = 45 32 52 53 54
segment.ambulant.label = Segment 4 - Ambulante jeugdhulp (groepsgericht en individueel)
segment.ambulant.verblijf = no

# Segment 5 (number OUR ASSUMPTION). 46 jeugdhulp crisis; not residential
# because the category does not tell an intramurale crisisplek (ZHZ-20) from
# ambulant crisis help.
segment crisis = 46
segment.crisis.label = Segment 5 - Crisis (segmentnummer aangenomen)
segment.crisis.verblijf = no

# Segment 6 (number OUR ASSUMPTION). 47 jeugdreclassering, 48
# jeugdbescherming, 49 preventief justitieel kader.
segment gedwongen_kader = 47 48 49
segment.gedwongen_kader.label = Segment 6 - Gedwongen kader / GI (segmentnummer aangenomen)
segment.gedwongen_kader.verblijf = no

# Segment 7. OUR ASSUMPTION: the lighter individual services - 31 wijkteam,
# 34 in het netwerk, 40 persoonlijke verzorging, 51 generalistische
# basis-ggz. EED (dyslexie) belongs here but has no JZ020 category of its own
# (the Transformatieagenda made EED an algemene voorziening); add its ZHZ product code as a
# CC:PREFIX token when known.
segment individueel = 31 34 40 51
segment.individueel.label = Segment 7 - Individuele begeleiding/behandeling, EED
segment.individueel.verblijf = no

# Not mapped (overig): 42 vervoer, 50 maatwerk, 55 LTA. An allocation
# without Product (generiek) goes to overig too.

# ---- Classification --------------------------------------------------------
# OUR ASSUMPTION: Kernwaarden defines no instroom/doorstroom/recidive windows; its
# return measure is CBS outcome 3.2 (herhaald beroep, ZHZ-13), which is
# IND-09 and not a start class. We use the SPEC §4 defaults (the Zuid-
# Limburg windows, per segment) so the start classes are comparable.
classes.scope = segment
classes.lookback = none
classes.stapeling_below = -14
classes.doorstroom_upto = 14
classes.recidive_upto = 180d
classes.return_class = recidive

# ---- Wait norms (days from allocation to start; share = target %) ----------
# ZHZ-25 (Kernwaarden §6.2): a suitable place in a woonvoorziening within 3 months
# for more than 95 %. 3 months = 3 x 30.4375 days = 91.3, so 91 days - OUR
# CONVERSION (one month = 365.25 / 12 days, rounded to whole days); "more
# than 95 %" is read as at least 95 %.
wait_norm.wonen = 91
wait_norm.wonen.share = 95
# ZHZ-19 (Kernwaarden §5.2, §6.2): 90 % of crisis interventions start within 24
# hours. Messages carry dates only, so OUR CONVERSION: start at most 1 day
# after the Toewijzingsdatum.
wait_norm.crisis = 1
wait_norm.crisis.share = 90

# ---- Targets ---------------------------------------------------------------
# ZHZ-21 (Kernwaarden §6.2, the matrix): youths stay on average no more than 9 months in
# verblijf met behandeling: mean IND-12 <= 9 x 30.4375 = 273.9, so 274 days
# (OUR CONVERSION, as above).
target.IND-12.verblijf_behandeling = max 274d
# ZHZ-3 (Kernwaarden §1.2, the matrix): declared days verblijf met behandeling -5 % a
# year; no base year given, so year on year.
target.IND-13.verblijf_behandeling = -5%/y
# ZHZ-6 (Kernwaarden §1.2, the matrix): instroom dagvoorzieningen -20 % in 2024 vs 2021.
target.IND-03.dagvoorziening = -20% base 2021 by 2024
# ZHZ-23 (Kernwaarden §6.2): cost per youth segment 1 -5 % in 2024 vs 2021
# (the matrix says "stabilises, normjaar 2021"; Kernwaarden wins).
target.IND-16.verblijf_behandeling = -5% base 2021 by 2024
# ZHZ-24 (Kernwaarden §6.2): cost per youth segment 2 stabilises, normjaar 2021.
# OUR READING: "not above 2021", i.e. a 0 % change with no end year.
target.IND-16.wonen = 0% base 2021
# Left out (docs/profiles.md): ZHZ-13 herhaald beroep -25 % (a change of the
# complement of IND-09; the official value is CBS's), ZHZ-2/-9/-10/-27 (GI
# data), ZHZ-5/-12/-18/-20/-28 (need product codes), ZHZ-22 (norm table),
# ZHZ-16/-17/-29 (X not set), ZHZ-1/-11/-15/-30/-39 (direction only),
# The Transformatieagenda targets of 2016-2018 (superseded by Kernwaarden).

# ---- Small cells -----------------------------------------------------------
# No regional rule; CBS rounds youth-care counts to 5.
small_cells.threshold = 5

# ---- Gemeenten (SPEC §6) ----------------------------------------------------
# OUR READING of the region after the mergers up to 2024 (Hoeksche Waard
# 2019, Molenlanden 2019): the ten gemeenten of Zuid-Holland Zuid, CBS
# gemeentecode (the JW301 Afzender) and name. Kernwaarden/the matrix list no codes; a
# region that differs edits these lines. No population by age band: see
# docs/profiles.md.
gemeente.0482 = Alblasserdam
gemeente.0505 = Dordrecht
gemeente.0512 = Gorinchem
gemeente.0523 = Hardinxveld-Giessendam
gemeente.0531 = Hendrik-Ido-Ambacht
gemeente.1963 = Hoeksche Waard
gemeente.1978 = Molenlanden
gemeente.0590 = Papendrecht
gemeente.0610 = Sliedrecht
gemeente.0642 = Zwijndrecht
