/* csvfloor — the floor the loader is measured against: a bare libcsv parse
 * of a file, read in 1 MB blocks, with callbacks that only count fields and
 * rows. Prints "rows fields bytes". */
#include <csv.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct counts {
    size_t fields, rows;
};

static void on_field(void *s, size_t n, void *ud)
{
    (void)s;
    (void)n;
    ((struct counts *)ud)->fields++;
}

static void on_row(int c, void *ud)
{
    (void)c;
    ((struct counts *)ud)->rows++;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: csvfloor FILE.csv\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    static char buf[1 << 20];
    struct counts c = {0, 0};
    size_t total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        if (csv_parse(&p, buf, (size_t)n, on_field, on_row, &c) != (size_t)n) {
            fprintf(stderr, "%s: %s\n", argv[1], csv_strerror(csv_error(&p)));
            return 1;
        }
        total += (size_t)n;
    }
    csv_fini(&p, on_field, on_row, &c);
    csv_free(&p);
    close(fd);
    printf("%zu %zu %zu\n", c.rows, c.fields, total);
    return 0;
}
