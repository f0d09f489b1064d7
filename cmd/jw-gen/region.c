/* region.c - the fixed synthetic region (see region.h).
 *
 * Gemeenten are the ten municipalities of the Zuid-Holland Zuid youth-care
 * region with their real CBS codes and rough population weights. AGB codes,
 * product codes and tariffs are invented but shaped like real ones
 * (8-digit AGB, 5-character regional product codes, eurocent tariffs). */
#include "region.h"

#include <stdio.h>
#include <string.h>

#include "rng.h"

const jwg_category_t jwg_categories[] = {
    {"45", 440, 0, 22},  /* jeugdhulp ambulant */
    {"54", 170, 3, 22},  /* jeugd-ggz */
    {"41", 70, 2, 17},   /* dagbehandeling */
    {"43", 70, 4, 22},   /* verblijf incl. behandeling */
    {"44", 90, 0, 22},   /* verblijf excl. behandeling (pleegzorg, gezinshuis) */
    {"46", 80, 0, 22},   /* crisis */
    {"48", 80, 0, 17},   /* jeugdbescherming */
};
const int jwg_n_categories = (int)(sizeof jwg_categories / sizeof jwg_categories[0]);

const jwg_product_t jwg_products[] = {
    /* cat code    name                         eh fr vmin vmax tarief dmin dmax open wmin wmax vot weight */
    {"45", "45A01", "Ambulant basis",            4, 2, 1, 3,   8900,  90, 365, 0,  3,  45, 82, 50},
    {"45", "45A02", "Ambulant specialistisch",   4, 2, 1, 4,  11800, 120, 365, 0,  7,  60, 82, 35},
    {"45", "45A03", "Ambulant gezinsbehandeling",16, 4, 4, 12, 31000, 90, 270, 0,  7,  45, 80, 15},
    {"54", "54A01", "Jeugd-ggz basis",           4, 2, 1, 2,  10400,  90, 270, 0, 14,  75, 85, 55},
    {"54", "54A02", "Jeugd-ggz specialistisch",  4, 2, 1, 3,  13200, 180, 365, 0, 21,  90, 85, 45},
    {"41", "41A01", "Dagbehandeling",           16, 4, 8, 20, 15500, 180, 365, 40, 14, 90, 80, 100},
    {"43", "43A01", "Verblijf met behandeling", 14, 4, 30, 30, 36000, 180, 365, 40, 14, 120, 78, 70},
    {"43", "43A02", "Behandelgroep intensief",  14, 4, 30, 30, 52000,  90, 270, 30,  7,  90, 75, 30},
    {"44", "44A01", "Pleegzorg",                14, 4, 30, 30,  5400, 180, 365, 50,  7,  60, 70, 60},
    {"44", "44A02", "Gezinshuis",               14, 4, 30, 30, 17500, 180, 365, 40, 14,  90, 72, 40},
    {"46", "46A01", "Crisisopvang",             14, 4, 30, 30, 43000,  14,  56, 0,  0,   0,  0, 45},
    {"46", "46A02", "Ambulante crisishulp",      4, 2, 4, 8,  12500,  28,  56, 0,  0,   1,  0, 55},
    {"48", "48A01", "Ondertoezichtstelling",    82, 4, 1, 1, 178000, 365, 365, 0,  0,   7, 25, 80},
    {"48", "48A02", "Voogdij",                  82, 4, 1, 1, 152000, 365, 730, 60, 0,   7, 25, 20},
};
const int jwg_n_products = (int)(sizeof jwg_products / sizeof jwg_products[0]);

const jwg_provider_t jwg_providers[] = {
    {"75750011", "Jeugdhulp Zuid-Holland Zuid", 20, 1000, 4, {"45A01", "45A02", "45A03", "46A02", NULL}},
    {"75750028", "Ambulant Drechtsteden",       14,  985, 6, {"45A01", "45A02", "54A01", NULL}},
    {"75750035", "GGZ Jeugd Rivierenland",      12, 1030, 3, {"54A01", "54A02", "41A01", NULL}},
    {"75750042", "Kinderpsychiatrie De Merwe",   6, 1060, 8, {"54A02", "41A01", "43A02", NULL}},
    {"75750059", "Residentieel Dordrecht",      10, 1010, 5, {"43A01", "43A02", "44A02", "46A01", NULL}},
    {"75750066", "Pleegzorg en Gezinshuizen",    8,  960, 7, {"44A01", "44A02", "45A03", NULL}},
    {"75750073", "Dagbehandeling Oude Maas",     6, 1000, 9, {"41A01", "45A03", NULL}},
    {"75750080", "Gecertificeerde Instelling",   8, 1000, 2, {"48A01", "48A02", NULL}},
    {"75750097", "Praktijk Hoeksche Waard",      5,  950, 12, {"45A01", "54A01", NULL}},
    {"75750103", "Crisis en Ambulant",           6, 1045, 5, {"45A02", "46A01", "46A02", NULL}},
    {"75750110", "Jeugd-ggz Alblasserwaard",     8, 1020, 10, {"54A01", "54A02", "45A02", NULL}},
    {"75750127", "Pleegzorg Regio",              5,  975, 6, {"44A01", "45A01", NULL}},
};
const int jwg_n_providers = (int)(sizeof jwg_providers / sizeof jwg_providers[0]);

const jwg_gemeente_t jwg_gemeenten[] = {
    {"0482", "Alblasserdam", "Alblasserdam", 2951, 2954, 20},
    {"0505", "Dordrecht", "Dordrecht", 3311, 3329, 120},
    {"0512", "Gorinchem", "Gorinchem", 4201, 4208, 38},
    {"0523", "Hardinxveld-Giessendam", "Hardinxveld-Giessendam", 3371, 3373, 18},
    {"0531", "Hendrik-Ido-Ambacht", "Hendrik-Ido-Ambacht", 3341, 3344, 32},
    {"0590", "Papendrecht", "Papendrecht", 3351, 3356, 32},
    {"0610", "Sliedrecht", "Sliedrecht", 3361, 3364, 25},
    {"0642", "Zwijndrecht", "Zwijndrecht", 3331, 3336, 45},
    {"1963", "Hoeksche Waard", "Oud-Beijerland", 3261, 3263, 89},
    {"1978", "Molenlanden", "Bleskensgraaf", 2971, 2972, 45},
};
const int jwg_n_gemeenten = (int)(sizeof jwg_gemeenten / sizeof jwg_gemeenten[0]);

const jwg_surname_t jwg_surnames[] = {
    {NULL, "Jansen"}, {"de", "Vries"}, {"van den", "Berg"}, {NULL, "Bakker"},
    {NULL, "Visser"}, {NULL, "Smit"}, {NULL, "Meijer"}, {"de", "Boer"},
    {NULL, "Mulder"}, {"de", "Groot"}, {NULL, "Bos"}, {NULL, "Vos"},
    {NULL, "Peters"}, {NULL, "Hendriks"}, {"van", "Leeuwen"}, {NULL, "Dekker"},
    {NULL, "Brouwer"}, {"de", "Wit"}, {NULL, "Dijkstra"}, {NULL, "Smits"},
    {"de", "Graaf"}, {"van der", "Meer"}, {"van der", "Linden"}, {NULL, "Kok"},
    {NULL, "Jacobs"}, {"de", "Haan"}, {NULL, "Vermeulen"}, {"van den", "Heuvel"},
    {"van der", "Veen"}, {"van den", "Broek"}, {"de", "Bruijn"}, {"van der", "Heijden"},
    {NULL, "Schouten"}, {"van", "Beek"}, {NULL, "Willems"}, {"van", "Vliet"},
    {"van de", "Ven"}, {NULL, "Hoekstra"}, {NULL, "Maas"}, {NULL, "Verhoeven"},
    {NULL, "Koster"}, {"van", "Dam"}, {"van der", "Wal"}, {NULL, "Prins"},
    {NULL, "Blom"}, {NULL, "Huisman"}, {"de", "Jong"}, {NULL, "Yılmaz"},
    {"El", "Amrani"}, {NULL, "Kaya"}, {NULL, "Bouzid"}, {NULL, "Nguyen"},
    {NULL, "Öztürk"}, {NULL, "Pinas"},
};
const int jwg_n_surnames = (int)(sizeof jwg_surnames / sizeof jwg_surnames[0]);

const char *const jwg_names_m[] = {
    "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Noah", "Jesse", "Bram",
    "Luuk", "Thijs", "Mohammed", "Adam", "Liam", "Sven", "Ruben", "Thomas",
    "Stijn", "Jayden", "Ayoub", "Joël", "Kevin", "Mees", "Tim",
};
const int jwg_n_names_m = (int)(sizeof jwg_names_m / sizeof jwg_names_m[0]);

const char *const jwg_names_f[] = {
    "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Eva",
    "Lotte", "Noor", "Fenna", "Yara", "Lieke", "Anna", "Fleur", "Sanne",
    "Iris", "Amira", "Lina", "Chloë", "Femke", "Maud", "Esmee",
};
const int jwg_n_names_f = (int)(sizeof jwg_names_f / sizeof jwg_names_f[0]);

/* LDT_Straatnaam allows at most 24 characters. */
const char *const jwg_streets[] = {
    "Kerkstraat", "Dorpsstraat", "Molenweg", "Schoolstraat", "Julianastraat",
    "Beatrixstraat", "Wilhelminastraat", "Parallelweg", "Stationsweg",
    "Lindelaan", "Eikenlaan", "Merwedestraat", "Noordendijk", "Oranjelaan",
    "Spuiboulevard", "Rijksstraatweg", "Dubbeldamseweg", "Kinderdijk",
    "Burgemeester Winkellaan", "Van Godewijckstraat", "Nieuwe Haven",
    "Lekdijk", "Waalstraat", "Achterom",
};
const int jwg_n_streets = (int)(sizeof jwg_streets / sizeof jwg_streets[0]);

int jwg_product_find(const char *code)
{
    for (int i = 0; i < jwg_n_products; i++)
        if (strcmp(jwg_products[i].code, code) == 0) return i;
    return -1;
}

void jwg_aanbieders_make(jwg_aanbieder_t *out, int n)
{
    for (int i = 0; i < n; i++) {
        const jwg_provider_t *base = &jwg_providers[i % jwg_n_providers];
        jwg_aanbieder_t *a = &out[i];
        memset(a, 0, sizeof *a);
        for (int k = 0; k < JWG_MAX_OFFER && base->offer[k]; k++) {
            int prod = jwg_product_find(base->offer[k]);
            if (prod >= 0) a->offer |= 1u << prod;
        }
        if (i < jwg_n_providers) {
            snprintf(a->agb, sizeof a->agb, "%s", base->agb);
            a->weight = base->weight;
            a->tarief_permille = base->tarief_permille;
            a->bill_day = base->bill_day;
            continue;
        }
        /* Invented: mostly small practices, one in eight a large
         * organisation; the seed plays no part, so two archives of one
         * size share their aanbieders. */
        uint64_t h = jwg_hash4(0x61616e62ULL, (uint64_t)i, 0, 0);
        unsigned code = 75760000u + (unsigned)(i - jwg_n_providers) % 1000000u;
        for (int d = 7; d >= 0; d--, code /= 10) a->agb[d] = (char)('0' + code % 10);
        a->agb[8] = '\0';
        a->weight = (h & 7) == 0 ? 8 + (int)(h >> 3 & 15) : 1 + (int)(h >> 3 & 3);
        a->tarief_permille = 950 + (int)(h >> 8 & 127) % 111;
        a->bill_day = 2 + (int)(h >> 16 & 15) % 13;
    }
}

int64_t jwg_tarief(const jwg_aanbieder_t *a, int prod, jw_date_t m)
{
    int y;
    jw_date_to_ymd(m, &y, NULL, NULL);
    /* +3.5 % a year from 2022 (and -3.5 % a year before it), rounded to
     * whole eurocents with integer arithmetic so results never depend on
     * floating point. */
    int64_t base = (int64_t)jwg_products[prod].tarief * a->tarief_permille;
    int64_t idx = 1000 + 35 * (int64_t)(y - 2022);
    if (idx < 500) idx = 500;
    int64_t num = base * idx;             /* cents * 10^6 */
    return (num + 500000) / 1000000;
}

int jwg_release(jw_date_t dag)
{
    jw_date_t r31, r32;
    jw_date_from_ymd(2022, 4, 4, &r31);
    jw_date_from_ymd(2023, 4, 3, &r32);
    if (dag < r31) return 0;
    if (dag < r32) return 1;
    return 2;
}
