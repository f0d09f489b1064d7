/* region.h - the fixed synthetic region: gemeenten, aanbieders, products,
 * names and streets. All tables are constant and independent of the seed,
 * so two archives made with different seeds share providers, product codes
 * and tariffs (only the youths and their lifecycles differ).
 */
#ifndef JWG_REGION_H
#define JWG_REGION_H

#include <stdint.h>

#include "date/date.h"

/* Youth-care segments used to pick products; they follow the iJw
 * ProductCategorie (JZ020) one to one. */
typedef struct {
    const char *cat;     /* "45" */
    int weight;          /* share of new trajectories, in permille-ish units */
    int min_age, max_age; /* youths outside this age never get the category */
} jwg_category_t;

typedef struct {
    const char *cat;      /* ProductCategorie */
    const char *code;     /* ProductCode, <= 5 characters */
    const char *name;     /* for the manifest and comments only */
    int eenheid;          /* WJ756: 4 uur, 14 etmaal, 16 dagdeel, 82 stuks */
    int freq;             /* WMO757: 2 per week, 4 per maand */
    int vol_min, vol_max; /* Omvang/Volume per frequency period */
    int tarief;           /* eurocents per unit in 2022, before provider factor */
    int dur_min, dur_max; /* planned allocation length in days */
    int open_pct;         /* % allocated without Einddatum (never for freq 2) */
    int wait_min, wait_max; /* days Toewijzingsdatum -> Begindatum */
    int vot_pct;          /* % of allocations requested by a JW315 first */
    int weight;           /* share within its category */
} jwg_product_t;

#define JWG_MAX_OFFER 6

typedef struct {
    const char *agb;      /* 8-digit AGB code */
    const char *name;
    int weight;
    int tarief_permille;  /* this provider's tariffs relative to the base */
    int bill_day;         /* days after the month it declares (2..14) */
    const char *offer[JWG_MAX_OFFER]; /* product codes, NULL-terminated */
} jwg_provider_t;

typedef struct {
    const char *code;     /* CBS gemeentecode, 4 digits */
    const char *name;
    const char *plaats;
    int pc_lo, pc_hi;     /* postcode digits range */
    int weight;           /* youths living there (population share) */
} jwg_gemeente_t;

typedef struct {
    const char *voorvoegsel; /* NULL when none */
    const char *achternaam;
} jwg_surname_t;

extern const jwg_category_t jwg_categories[];
extern const int jwg_n_categories;
extern const jwg_product_t jwg_products[];
extern const int jwg_n_products;
extern const jwg_provider_t jwg_providers[];
extern const int jwg_n_providers;
extern const jwg_gemeente_t jwg_gemeenten[];
extern const int jwg_n_gemeenten;
extern const jwg_surname_t jwg_surnames[];
extern const int jwg_n_surnames;
extern const char *const jwg_names_m[];
extern const int jwg_n_names_m;
extern const char *const jwg_names_f[];
extern const int jwg_n_names_f;
extern const char *const jwg_streets[];
extern const int jwg_n_streets;

/* One aanbieder of a generated world: the fixed table above first, then
 * invented ones so that the number of aanbieders grows with the region
 * (jwg_aanbieders_make). Plain values, owned by whoever holds the array. */
typedef struct {
    char agb[9];          /* 8-digit AGB code */
    int weight;
    int tarief_permille;
    int bill_day;
    uint32_t offer;       /* bit k set: offers jwg_products[k] */
} jwg_aanbieder_t;

/* Fill out[0 .. n-1]: out[i] for i < jwg_n_providers is jwg_providers[i];
 * the others are invented (AGB 7576xxxx and up, the offer of fixed
 * provider i % jwg_n_providers, weight, tariff level and billing day from
 * a hash of i), the same for every seed. n at most JWG_MAX_AANBIEDERS. */
#define JWG_MAX_AANBIEDERS 30000
void jwg_aanbieders_make(jwg_aanbieder_t *out, int n);

/* Index of a product code, or -1. */
int jwg_product_find(const char *code);
/* Contract tariff in eurocents of product prod at aanbieder a for the
 * calendar year of month m (indexed yearly from 2022). */
int64_t jwg_tarief(const jwg_aanbieder_t *a, int prod, jw_date_t m);

/* Release of the iJw standard in force on a Dagtekening: 0, 1 or 2 for
 * 3.0 (< 2022-04-04), 3.1 (< 2023-04-03) and 3.2. */
int jwg_release(jw_date_t dag);

#endif
