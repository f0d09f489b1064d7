# Twente (OZJT / Samen14) - "Startbijeenkomst Project Indicatoren -
# Aanbieders", 21 Nov 2024 (the Startbijeenkomst below): doelenbomen and streefwaarden for
# the opgaven Verblijf and Ambulant. Format: docs/profiles.md.
# The Startbijeenkomst: all targets are an "inspanningsverplichting, geen resultaatverplichting".
#
# "OUR ASSUMPTION" marks every mapping or number that is ours and not the Startbijeenkomst's.

name = twente
description = Twente: opgaven Verblijf, Ambulant, Wonen, Crisis; terugkeer in zorg na 6 kalendermaanden zonder toewijzing; doelen 2027/2028 t.o.v. 2024

# ---- Segments (the Startbijeenkomst: opgaven Verblijf and Ambulant; Wonen, Crisis to follow)
# The Startbijeenkomst gives no product list; the JZ020 categories are OUR ASSUMPTION
# (meanings: the iJw 3.2 code list JZ020).

# Verblijf. The Twente opgave Verblijf names JZ020 43/44 (and legacy 35-38) as
# verblijf products. OUR ASSUMPTION: 43 verblijf incl. behandeling, 44
# verblijf excl. behandeling and 37 gesloten plaatsing form the opgave
# Verblijf; the family-type and independent-living forms go to Wonen below.
segment verblijf = 43 44 37
segment.verblijf.label = Verblijf
# Only this segment is residential for IND-02 and IND-13, so that the TW-1
# and TW-3 targets below count the opgave Verblijf only - OUR ASSUMPTION
# (the Startbijeenkomst treats Wonen as its own opgave).
segment.verblijf.verblijf = yes

# Ambulant. OUR ASSUMPTION: 45 ambulant, 41 dagbehandeling, 54 jeugd-ggz,
# 51-53 (basis-ggz, specialistische ggz, kindergeneeskunde), 40 persoonlijke
# verzorging, 2015 zonder-verblijf 31-34. The Startbijeenkomst's split into begeleiding,
# behandeling and dyslexie needs Twente's product codes (add CC:PREFIX
# tokens to sub-segments when known).
segment ambulant = 45 41 54 51 52 53 40 31 32 33 34
segment.ambulant.label = Ambulant
segment.ambulant.verblijf = no

# Wonen. OUR ASSUMPTION: 35 pleegzorg, 36 gezinsgericht (gezinshuis), 38
# overig residentieel (begeleid wonen, kamertraining).
segment wonen = 35 36 38
segment.wonen.label = Wonen
segment.wonen.verblijf = no

# Crisis. OUR ASSUMPTION: 46 jeugdhulp crisis.
segment crisis = 46
segment.crisis.label = Crisis
segment.crisis.verblijf = no

# Not mapped (overig): 42 vervoer, 47-49 jeugdreclassering, jeugdbescherming,
# preventief justitieel kader, 50 maatwerk, 55 LTA - OUR ASSUMPTION: the Startbijeenkomst's
# opgaven do not cover them. An allocation without Product goes to overig.

# ---- Classification --------------------------------------------------------
# TW-9 (the Startbijeenkomst): back in care = any youth care, same or other provider, after
# at least 6 months without a jeugdhulpbeschikking. So the previous episode
# is sought in all care, and the return is the class beyond the 6-month
# window ("6 months" read as calendar months).
classes.scope = all
classes.lookback = none
# OUR ASSUMPTION: the Startbijeenkomst defines no stapeling/doorstroom window; we use the
# Zuid-Limburg windows (SPEC §4 defaults) so transfers are found alike.
classes.stapeling_below = -14
classes.doorstroom_upto = 14
# Care-free stretch (first day after the previous end up to the day before
# the new start) shorter than 6 calendar months: class recidive (a short
# break, NOT a Twente return). 6 months or more: class hernieuwd, which is
# what Twente calls recidive, so it is published as the `recidive` event.
# P.end 2024-03-31: start 2024-09-30 is recidive, 2024-10-01 hernieuwd.
classes.recidive_upto = 6m
classes.return_class = hernieuwd

# ---- Wait norms (days from allocation to start; share = target %) ----------
# TW-6 (the Startbijeenkomst): >= 90 % placed within 6 weeks of allocation (or registration
# with the provider, which the messages do not carry).
wait_norm.verblijf = 6w
wait_norm.verblijf.share = 90
# TW-7 (the Startbijeenkomst): >= 90 % start within 2 weeks (begeleiding), 6 weeks
# (dyslexie) or 14 weeks (behandeling individueel, KDC/ODC, forensisch).
# One segment holds all three; OUR CHOICE: the widest norm, 14 weeks, so a
# start counted late breaks every Twente ambulant norm (the share within
# norm is an upper bound for begeleiding and dyslexie).
wait_norm.ambulant = 14w
wait_norm.ambulant.share = 90

# ---- Targets ---------------------------------------------------------------
# TW-1: youths in verblijf in 2027 at least 30 % lower than 2024.
target.IND-02 = -30% base 2024 by 2027
# TW-3: etmalen verblijf at least -15 % in 2027 vs 2024, -5 % a year on average.
target.IND-13 = -15% base 2024 by 2027
target.IND-13 = -5%/y base 2024 by 2027
# TW-9: at least 15 % fewer youths back in care in 2027 vs 2024 ("5 % less
# a year"), counted as IND-06 (returns under this profile's definition).
target.IND-06 = -15% base 2024 by 2027
# TW-9, ambulant: at least 20 % fewer in 2028; the Startbijeenkomst states no base year -
# OUR ASSUMPTION: 2024, as every other target of the Startbijeenkomst.
target.IND-06.ambulant = -20% base 2024 by 2028
# TW-11: mean trajectduur ambulant (begeleiding and behandeling) 2028 at least
# 20 % lower than 2024. One target on the ambulant segment's mean IND-12
# until the begeleiding/behandeling codes are mapped.
target.IND-12.ambulant = -20% base 2024 by 2028
# TW-4: >= 90 % of youths stay within the same woon- or verblijfsgroep.
# IND-15 sees provider changes only, not a group within a provider, so this
# is an approximation (share of residential youths without a transfer).
target.IND-15 = min 90%
# Left out (docs/profiles.md): TW-2, TW-12, TW-13 (need the regional list of
# ambulante alternatieven), TW-5 (needs the screening product code), TW-10
# (direction only), TW-8, TW-14, TW-15 (no number).

# ---- Small cells -----------------------------------------------------------
# No regional rule; CBS rounds youth-care counts to 5.
small_cells.threshold = 5

# ---- Gemeenten (SPEC §6) ----------------------------------------------------
# The 14 Twente gemeenten: CBS gemeentecode (the JW301 Afzender) and name
# (municipal division of 2024). No population by age band: see
# zuid-limburg.profile and docs/profiles.md.
gemeente.0141 = Almelo
gemeente.0147 = Borne
gemeente.1774 = Dinkelland
gemeente.0153 = Enschede
gemeente.0158 = Haaksbergen
gemeente.0163 = Hellendoorn
gemeente.0164 = Hengelo
gemeente.1735 = Hof van Twente
gemeente.0168 = Losser
gemeente.0173 = Oldenzaal
gemeente.1742 = Rijssen-Holten
gemeente.0183 = Tubbergen
gemeente.1700 = Twenterand
gemeente.0189 = Wierden
