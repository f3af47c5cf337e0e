/*
 * A minimal epoll load generator: the reference Mayus's own generator (core/load) is measured against.
 *
 *   loadgen HOST PORT CLIENTS IN_FLIGHT MESSAGES SECONDS THREADS MESSAGES_FILE REPLIES_FILE
 *
 * Opens CLIENTS connections to HOST:PORT (an IPv4 or IPv6 literal), shared among THREADS
 * threads with one epoll loop each, then sends: each client keeps IN_FLIGHT messages
 * outstanding and checks every reply byte for byte. MESSAGES_FILE holds the messages, one
 * per line (line feed included); REPLIES_FILE the reply expected for each, in the same
 * order; client i starts at message i and takes them in turn, as the Python generator does.
 * The run ends after MESSAGES messages in all (0: no count) or SECONDS seconds of sending,
 * whichever comes first; a reply slower than 5 s ends it too. It prints one line:
 *
 *   messages=N seconds=S rate=R p50_us=X p99_us=Y errors=E
 *
 * and exits 0, or 1 when a connection failed or a reply differed (E > 0), or 2 on bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REPLY_TIMEOUT_NS 5000000000LL
#define READ_BYTES (256 * 1024)
#define MAX_EVENTS 1024
/* Latency buckets 1 % wide from 1 us to 600 s, as core/load/latency.py. */
#define MIN_SECONDS 1e-6
#define GROWTH 1.01
#define BUCKETS 2030

typedef struct {
    char *data;
    size_t length;
} text;

typedef struct {
    int fd;
    size_t next;          /* the message to send next */
    long long budget;     /* messages still to send; -1: no count */
    size_t *ring_index;   /* the message of each outstanding reply, oldest first */
    long long *ring_sent; /* when it was sent, ns */
    int head, pending;
    size_t matched; /* bytes of the oldest reply already checked */
    char *out;      /* bytes not yet written */
    size_t out_length, out_capacity;
    int failed;
} client;

typedef struct {
    int first, count; /* clients [first, first + count) */
    long long messages; /* this thread's share; -1: no count */
    long long completed, errors;
    long long began_ns, ended_ns;
    long long counts[BUCKETS];
    pthread_t thread;
} worker;

static text *messages, *replies;
static size_t kinds;
static client *clients;
static int in_flight;
static long long stop_sending_at_ns, duration_ns;
static struct sockaddr_storage address;
static socklen_t address_length;

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int bucket_of(double seconds) {
    if (seconds <= MIN_SECONDS) return 0;
    int index = (int)(log(seconds / MIN_SECONDS) / log(GROWTH));
    return index >= BUCKETS ? BUCKETS - 1 : index;
}

static double percentile(const long long *counts, long long total, double percent) {
    if (total == 0) return 0.0;
    long long rank = (long long)ceil(total * percent / 100.0);
    if (rank < 1) rank = 1;
    long long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
        seen += counts[i];
        if (seen >= rank) return MIN_SECONDS * exp((i + 0.5) * log(GROWTH));
    }
    return 0.0;
}

static size_t read_lines(const char *path, text **lines) {
    FILE *file = fopen(path, "rb");
    if (!file) {
        perror(path);
        exit(2);
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *all = malloc((size_t)size + 1);
    if (fread(all, 1, (size_t)size, file) != (size_t)size) {
        perror(path);
        exit(2);
    }
    fclose(file);
    size_t count = 0;
    for (long i = 0; i < size; i++) count += all[i] == '\n';
    *lines = calloc(count, sizeof(text));
    size_t line = 0;
    char *start = all;
    for (long i = 0; i < size; i++) {
        if (all[i] == '\n') {
            (*lines)[line].data = start;
            (*lines)[line].length = (size_t)(all + i + 1 - start);
            line++;
            start = all + i + 1;
        }
    }
    return count;
}

static void queue_out(client *c, const char *data, size_t length) {
    if (c->out_length + length > c->out_capacity) {
        c->out_capacity = (c->out_length + length) * 2;
        c->out = realloc(c->out, c->out_capacity);
    }
    memcpy(c->out + c->out_length, data, length);
    c->out_length += length;
}

static int flush_out(client *c) {
    size_t written = 0;
    while (written < c->out_length) {
        ssize_t n = send(c->fd, c->out + written, c->out_length - written, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            return -1;
        }
        written += (size_t)n;
    }
    memmove(c->out, c->out + written, c->out_length - written);
    c->out_length -= written;
    return 0;
}

/* Send as many messages as the client may have outstanding. */
static int fill(client *c, long long now) {
    if (now >= stop_sending_at_ns) return 0;
    while (c->pending < in_flight && c->budget != 0) {
        int slot = (c->head + c->pending) % in_flight;
        c->ring_index[slot] = c->next;
        c->ring_sent[slot] = now;
        c->pending++;
        queue_out(c, messages[c->next].data, messages[c->next].length);
        c->next = (c->next + 1) % kinds;
        if (c->budget > 0) c->budget--;
    }
    return flush_out(c);
}

/* Check received bytes against the outstanding replies; -1 on a mismatch. */
static int take(client *c, const char *data, size_t length, long long now, worker *w) {
    while (length > 0) {
        if (c->pending == 0) return -1; /* a reply to nothing */
        const text *reply = &replies[c->ring_index[c->head]];
        size_t want = reply->length - c->matched;
        size_t n = length < want ? length : want;
        if (memcmp(data, reply->data + c->matched, n) != 0) return -1;
        c->matched += n;
        data += n;
        length -= n;
        if (c->matched == reply->length) {
            w->counts[bucket_of((double)(now - c->ring_sent[c->head]) / 1e9)]++;
            w->completed++;
            c->matched = 0;
            c->head = (c->head + 1) % in_flight;
            c->pending--;
        }
    }
    return 0;
}

static void fail(client *c, worker *w, int epoll) {
    epoll_ctl(epoll, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->failed = 1;
    c->pending = 0;
    w->errors++;
}

static void *drive(void *argument) {
    worker *w = argument;
    int epoll = epoll_create1(0);
    static __thread char buffer[READ_BYTES];
    struct epoll_event events[MAX_EVENTS];
    int active = 0;
    long long share = w->messages;
    for (int i = 0; i < w->count; i++) {
        client *c = &clients[w->first + i];
        if (c->failed) continue;
        if (share >= 0) c->budget = share / w->count + (i < share % w->count ? 1 : 0);
        struct epoll_event event = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = c};
        epoll_ctl(epoll, EPOLL_CTL_ADD, c->fd, &event);
    }
    w->began_ns = now_ns();
    for (int i = 0; i < w->count; i++) {
        client *c = &clients[w->first + i];
        if (c->failed) continue;
        if (fill(c, w->began_ns) < 0) fail(c, w, epoll);
        else if (c->pending > 0) active++;
    }
    while (active > 0) {
        int ready = epoll_wait(epoll, events, MAX_EVENTS, 10);
        long long now = now_ns();
        for (int e = 0; e < ready; e++) {
            client *c = events[e].data.ptr;
            if (c->failed) continue;
            if ((events[e].events & EPOLLOUT) && c->out_length && flush_out(c) < 0) {
                fail(c, w, epoll);
                active--;
                continue;
            }
            if (!(events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
            int broken = 0;
            for (;;) { /* edge-triggered: read until the socket is empty */
                ssize_t n = recv(c->fd, buffer, sizeof buffer, 0);
                if (n > 0) {
                    if (take(c, buffer, (size_t)n, now, w) < 0) {
                        broken = 1;
                        break;
                    }
                    if ((size_t)n < sizeof buffer) break;
                } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                    break;
                } else {
                    broken = 1; /* closed or reset */
                    break;
                }
            }
            if (broken || fill(c, now) < 0) {
                fail(c, w, epoll);
                active--;
            } else if (c->pending == 0) {
                active--;
                w->ended_ns = now;
            }
        }
        for (int i = 0; i < w->count; i++) { /* replies slower than the timeout end the client */
            client *c = &clients[w->first + i];
            if (!c->failed && c->pending > 0 && now - c->ring_sent[c->head] > REPLY_TIMEOUT_NS) {
                fail(c, w, epoll);
                active--;
            }
        }
    }
    if (!w->ended_ns) w->ended_ns = now_ns();
    close(epoll);
    return NULL;
}

static int connect_client(void) {
    int fd = socket(address.ss_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, address_length) < 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 10) {
        fprintf(stderr, "usage: %s HOST PORT CLIENTS IN_FLIGHT MESSAGES SECONDS THREADS MESSAGES_FILE REPLIES_FILE\n",
                argv[0]);
        return 2;
    }
    int port = atoi(argv[2]), count = atoi(argv[3]), threads = atoi(argv[7]);
    in_flight = atoi(argv[4]);
    long long total = atoll(argv[5]);
    double seconds = atof(argv[6]);
    if (count < 1 || in_flight < 1 || threads < 1 || seconds <= 0 || total < 0) {
        fprintf(stderr, "clients, in flight and threads must be >= 1, seconds > 0, messages >= 0\n");
        return 2;
    }
    if (threads > count) threads = count;
    kinds = read_lines(argv[8], &messages);
    if (read_lines(argv[9], &replies) != kinds || kinds == 0) {
        fprintf(stderr, "the two files must hold the same number of lines (at least one)\n");
        return 2;
    }
    struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
    if (inet_pton(AF_INET, argv[1], &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        address_length = sizeof *v4;
    } else if (inet_pton(AF_INET6, argv[1], &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        address_length = sizeof *v6;
    } else {
        fprintf(stderr, "HOST must be an IP address\n");
        return 2;
    }
    clients = calloc((size_t)count, sizeof(client));
    long long errors = 0;
    for (int i = 0; i < count; i++) {
        client *c = &clients[i];
        c->fd = connect_client();
        c->next = (size_t)i % kinds;
        c->budget = -1;
        c->ring_index = calloc((size_t)in_flight, sizeof(size_t));
        c->ring_sent = calloc((size_t)in_flight, sizeof(long long));
        if (c->fd < 0) {
            c->failed = 1;
            errors++;
        }
    }
    duration_ns = (long long)(seconds * 1e9);
    worker *workers = calloc((size_t)threads, sizeof(worker));
    for (int t = 0, first = 0; t < threads; t++) {
        workers[t].count = count / threads + (t < count % threads ? 1 : 0);
        workers[t].first = first;
        workers[t].messages = total == 0 ? -1 : total / threads + (t < total % threads ? 1 : 0);
        first += workers[t].count;
    }
    stop_sending_at_ns = now_ns() + duration_ns;
    for (int t = 0; t < threads; t++) pthread_create(&workers[t].thread, NULL, drive, &workers[t]);
    long long completed = 0, began = 0, ended = 0;
    static long long counts[BUCKETS];
    for (int t = 0; t < threads; t++) {
        pthread_join(workers[t].thread, NULL);
        completed += workers[t].completed;
        errors += workers[t].errors;
        if (!began || workers[t].began_ns < began) began = workers[t].began_ns;
        if (workers[t].ended_ns > ended) ended = workers[t].ended_ns;
        for (int b = 0; b < BUCKETS; b++) counts[b] += workers[t].counts[b];
    }
    double elapsed = (double)(ended - began) / 1e9;
    printf("messages=%lld seconds=%.6f rate=%.1f p50_us=%.1f p99_us=%.1f errors=%lld\n", completed, elapsed,
           elapsed > 0 ? completed / elapsed : 0.0, percentile(counts, completed, 50) * 1e6,
           percentile(counts, completed, 99) * 1e6, errors);
    return errors ? 1 : 0;
}
