/* loadgen — a bounded local load test for `fupan serve` (make bench): C concurrent clients for S seconds, each
 * asking, one request after another, for the URLs of a file in turn (client k starts at line k), with libcurl's
 * multi interface on one thread. Prints requests, errors (transport errors and statuses other than 200) and
 * the 50th, 99th and 100th percentile latency in milliseconds. The clients ask for gzip, as browsers do, and take
 * the bytes as they come (a browser inflates them on its own processor, not the server's):
 *     loadgen URLS-FILE CLIENTS SECONDS
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return s * n;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct client {
    CURL *h;
    size_t next;
    double t0;
} client;

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: loadgen URLS-FILE CLIENTS SECONDS\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    char **urls = NULL, line[4096];
    size_t nurl = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line)
            continue;
        urls = realloc(urls, (nurl + 1) * sizeof *urls);
        urls[nurl++] = strdup(line);
    }
    fclose(f);
    int nc = atoi(argv[2]);
    double secs = atof(argv[3]);
    if (!nurl || nc < 1 || secs <= 0)
        return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)nc);
    client *cl = calloc((size_t)nc, sizeof *cl);
    struct curl_slist *hdr = curl_slist_append(NULL, "Accept-Encoding: gzip");
    size_t cap = 1 << 20, n = 0, errors = 0;
    double *lat = malloc(cap * sizeof *lat);
    double end = now() + secs;
    for (int i = 0; i < nc; i++) {
        cl[i].h = curl_easy_init();
        cl[i].next = (size_t)i % nurl;
        curl_easy_setopt(cl[i].h, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(cl[i].h, CURLOPT_PRIVATE, &cl[i]);
        curl_easy_setopt(cl[i].h, CURLOPT_URL, urls[cl[i].next]);
        curl_easy_setopt(cl[i].h, CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(cl[i].h, CURLOPT_HTTPHEADER, hdr);
        cl[i].t0 = now();
        curl_multi_add_handle(m, cl[i].h);
    }
    int running = nc, added = nc;
    while (running > 0 || added > 0) {
        added = 0;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            client *c;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            long code = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
            double t = now();
            if (msg->data.result != CURLE_OK || code != 200)
                errors++;
            if (n < cap)
                lat[n++] = (t - c->t0) * 1000;
            curl_multi_remove_handle(m, c->h);
            if (t < end) {
                c->next = (c->next + (size_t)nc) % nurl;
                curl_easy_setopt(c->h, CURLOPT_URL, urls[c->next]);
                c->t0 = now();
                curl_multi_add_handle(m, c->h);
                added++;
            }
        }
        if (running > 0)
            curl_multi_poll(m, NULL, 0, 50, NULL);
    }
    qsort(lat, n, sizeof *lat, cmp);
    printf("%zu %zu %.1f %.1f %.1f\n", n, errors, n ? lat[n / 2] : 0, n ? lat[(size_t)((double)n * 0.99)] : 0,
           n ? lat[n - 1] : 0);
    for (int i = 0; i < nc; i++)
        curl_easy_cleanup(cl[i].h);
    curl_multi_cleanup(m);
    curl_slist_free_all(hdr);
    curl_global_cleanup();
    return 0;
}
