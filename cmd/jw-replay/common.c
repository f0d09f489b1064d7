/* common.c - progress line and summary shared by --direct and --to. */
#include <stdio.h>
#include <time.h>

#include "ijw/ijw.h"
#include "replay.h"

double replay_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void replay_progress(const jw_traject_counts_t *c, double t0)
{
    double dt = replay_now() - t0;
    fprintf(stderr, "\rjw-replay: %llu messages, %llu applied, %llu dead letters, %.0f messages/s   ",
            (unsigned long long)c->messages, (unsigned long long)c->applied,
            (unsigned long long)c->deadletters, dt > 0 ? (double)c->messages / dt : 0.0);
}

void replay_summary(const jw_traject_counts_t *c, double secs, const jw_source_t *src)
{
    jw_source_counts_t sc;
    jw_source_counts(src, &sc);
    printf("jw-replay: %llu messages in %.2f s (%.0f messages/s)\n", (unsigned long long)c->messages,
           secs, secs > 0 ? (double)c->messages / secs : 0.0);
    printf("  applied       %llu\n", (unsigned long long)c->applied);
    printf("  duplicates    %llu\n", (unsigned long long)c->duplicates);
    printf("  dead letters  %llu (XML %llu, XSD %llu, RULE %llu)\n", (unsigned long long)c->deadletters,
           (unsigned long long)c->deadletters_by_layer[JW_LAYER_XML],
           (unsigned long long)c->deadletters_by_layer[JW_LAYER_XSD],
           (unsigned long long)c->deadletters_by_layer[JW_LAYER_RULE]);
    printf("  events        %llu emitted, %llu retracted\n", (unsigned long long)c->events_emitted,
           (unsigned long long)c->events_retracted);
    if (sc.not_xml) printf("  skipped       %zu files not named *.xml\n", sc.not_xml);
    if (sc.hidden) printf("  skipped       %zu hidden files or directories (name starts with '.')\n", sc.hidden);
    if (sc.links) printf("  skipped       %zu links (links to directories are not followed)\n", sc.links);
    if (sc.special) printf("  skipped       %zu FIFOs, devices or sockets\n", sc.special);
    if (sc.errors) printf("  unreadable    %zu (each reported above)\n", sc.errors);
}

int replay_status(const jw_source_t *src)
{
    jw_source_counts_t sc;
    jw_source_counts(src, &sc);
    return sc.errors ? 1 : 0;
}

