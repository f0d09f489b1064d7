# Zuid-Limburg - "Beleidskader Jeugdhulp Zuid-Limburg 2024-2028" (the Beleidskader below),
# Bijlage 1 Definitielijst and Bijlage 2 Resultaten. Format: docs/profiles.md.
#
# Sources are cited per setting. "OUR ASSUMPTION" marks every mapping or
# number that is ours and not the region's text.

name = zuid-limburg
description = Zuid-Limburg: segments GIK-J/gedwongen kader, Wonen, Ambulant, Crisis; instroom/stapeling/doorstroom/recidive/hernieuwde instroom per segment

# ---- Segments (the Beleidskader Bijlage 1) ---------------------------------------------
# The Beleidskader names four segments: 1 Hoog-specialistisch (GIK-J: gesloten en
# intensief klinisch) + gedwongen kader (the GIs); 2 Wonen; 3 Ambulant (groep
# en individueel); 4 Crisis. The Beleidskader gives no product list, so the JZ020
# categories below are OUR ASSUMPTION (meanings: the iJw 3.2 code list JZ020).
# A region-specific product code can be moved with a CC:PREFIX token
# (e.g. "43:43B1" in segment wonen), which beats the plain category.

# Segment 1. OUR ASSUMPTION: 37 gesloten plaatsing and 43 verblijf incl.
# behandeling (intensief klinisch) are GIK-J; 47 jeugdreclassering,
# 48 jeugdbescherming and 49 preventief justitieel kader are the gedwongen
# kader. Regular treatment groups under 43 land here too until the region's
# codes separate them.
segment gikj = 37 43 47 48 49
segment.gikj.label = Hoog-specialistisch (GIK-J) en gedwongen kader
# OUR ASSUMPTION: residential, because GIK-J is clinical stay. The JB/JR
# allocations (47-49) in this segment are not residential but are counted by
# IND-02 as well; GIs are exempt from start/stop and often do not allocate
# through iJw at all, so they are few.
segment.gikj.verblijf = yes

# Segment 2. OUR ASSUMPTION: 35 pleegzorg, 36 gezinsgericht (gezinshuis),
# 38 overig residentieel (begeleid wonen, kamertraining), 44 verblijf excl.
# behandeling.
segment wonen = 35 36 38 44
segment.wonen.label = Wonen
segment.wonen.verblijf = yes

# Segment 3. OUR ASSUMPTION: every ambulant and day-care category: 45
# ambulant, 41 dagbehandeling (groep), 54 jeugd-ggz, 51 generalistische
# basis-ggz, 52 specialistische ggz, 53 kindergeneeskunde, 40 persoonlijke
# verzorging and the 2015 zonder-verblijf categories 31-34.
segment ambulant = 45 41 54 51 52 53 40 31 32 33 34
segment.ambulant.label = Ambulant (groep en individueel)
segment.ambulant.verblijf = no

# Segment 4. OUR ASSUMPTION: 46 jeugdhulp crisis. Not residential: the
# category does not say whether a crisis placement includes a stay.
segment crisis = 46
segment.crisis.label = Crisis
segment.crisis.verblijf = no

# Not mapped (segment overig): 42 vervoer, 50 maatwerkarrangementen, 55
# landelijk ingekochte zorg - OUR ASSUMPTION, the Beleidskader does not place them.
# An allocation without Product (generiek, budget only) goes to overig too.
segment.overig.label = Overig (niet in een regionaal segment)

# ---- Classification (the Beleidskader Bijlage 1, per segment, toewijzing dates) -------
# "Instroom: no previous allocation in this segment" - per segment, unbounded.
classes.scope = segment
classes.lookback = none
# Stapeling: the start lies more than 14 days before the end of the previous
# allocation: gap < -14.
classes.stapeling_below = -14
# Doorstroom: between 14 days before and 14 days after the end: -14..14.
# The Beleidskader also calls 14 days after the end "recidive" (14-180); SPEC §4 decides
# that gap 14 is doorstroom.
classes.doorstroom_upto = 14
# Recidive: between 14 and 180 days after the end: 15..180 (SPEC §4: gap 180
# is recidive, the Beleidskader's "180 dagen na" is read as "more than 180" for
# hernieuwde instroom).
classes.recidive_upto = 180d
# The `recidive` event is ZL's recidive class (ZL-4).
classes.return_class = recidive

# ---- Wait norms ------------------------------------------------------------
# The Beleidskader sets none.

# ---- Targets ---------------------------------------------------------------
# The Beleidskader Bijlage 2 gives directions only (instroom ambulant licht down and
# zwaar up, Wonen short up / long down, GIK-J down, uitstroom up, zorgduur
# down, recidive down: ZL-8) and no numbers, so no target lines.

# ---- Small cells -----------------------------------------------------------
# No regional rule; CBS rounds youth-care counts to 5.
small_cells.threshold = 5

# ---- Gemeenten (SPEC §6) ----------------------------------------------------
# The 16 gemeenten of Zuid-Limburg: CBS gemeentecode (the JW301 Afzender) and
# name, the municipal division of 2024. Population by age band
# (population.CODE.YEAR = N0_17 N0_22) is not given: no CBS figures per
# gemeente and age band were available to us when this file was written;
# add them from CBS StatLine ("Bevolking op 1 januari; leeftijd, regio") to
# get IND-01/02/03 per 1,000 youths (docs/profiles.md).
gemeente.0888 = Beek
gemeente.1954 = Beekdaelen
gemeente.0899 = Brunssum
gemeente.1903 = Eijsden-Margraten
gemeente.1729 = Gulpen-Wittem
gemeente.0917 = Heerlen
gemeente.0928 = Kerkrade
gemeente.0882 = Landgraaf
gemeente.0935 = Maastricht
gemeente.0938 = Meerssen
gemeente.0965 = Simpelveld
gemeente.1883 = Sittard-Geleen
gemeente.0971 = Stein
gemeente.0981 = Vaals
gemeente.0994 = Valkenburg aan de Geul
gemeente.0986 = Voerendaal
