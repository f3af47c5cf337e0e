/*
 * A minimal uppercase server in C on Linux epoll: the fastest reference the bench measures Mayus against.
 *
 *     epoll_server [--host H] [--port P]
 *
 * Prints `listening on HOST:PORT (c-epoll reference server)` first (port 0 picks a free one), serves until
 * SIGINT or SIGTERM, then closes every connection, prints `server stopped` and exits 0.
 *
 * What it answers, byte for byte as Mayus and Python's str.upper do for these characters:
 * - ASCII a-z become A-Z;
 * - two-byte UTF-8 characters of Latin-1 (U+0080..U+00FF) are uppercased: à..þ (not ÷) to À..Þ, ß to SS,
 *   ÿ to Ÿ, µ to Μ (each keeps its length in bytes); a lead byte that ends a read waits for the next one;
 * - every other byte (invalid ones, other scripts) comes back unchanged. Only Latin-1 is uppercased: the
 *   bench's Spanish text needs no more, and a full Unicode table is not what this reference is about.
 * A line that is DESCONEXION (any ASCII case, blanks around it), read whole in one read, ends the session:
 * replies before it are sent, then the connection closes. It keeps no other state (no events, counters,
 * limits or hold-back), like the Python references.
 *
 * One thread, level-triggered epoll, one read per ready connection per pass (fair to thousands of them) into
 * one shared buffer, uppercased in place and written at once. What the socket does not take waits in that
 * connection's own buffer; past HIGH_WATER bytes waiting, that client is no longer read until it has read
 * its replies down to LOW_WATER, so a client that sends without reading costs a bounded amount of memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_BYTES (256 * 1024) /* one read at most, as asyncio's */
#define HIGH_WATER (256 * 1024) /* unsent reply bytes past which a client is not read (as Mayus) */
#define LOW_WATER (64 * 1024)   /* ... until it has read them down to this */
#define BACKLOG 1024
#define EVENTS_PER_WAIT 512
#define ACCEPT_PAUSE_MS 100 /* out of descriptors: stop accepting this long instead of spinning */

static const char WORD[] = "desconexion";

struct conn {
    int fd;
    int reading;      /* EPOLLIN is on */
    int closing;      /* close once `out` is sent */
    uint32_t watched; /* the events epoll watches for it now */
    int has_carry;    /* a UTF-8 lead byte (0xC2 or 0xC3) ended the last read */
    unsigned char carry;
    unsigned char *out; /* replies the socket did not take yet */
    size_t out_len, out_cap;
};

static int epoll_fd = -1;
static struct conn **conns; /* by descriptor */
static size_t conns_cap;
static unsigned char read_buffer[READ_BYTES + 1]; /* +1: room for a carried lead byte in front */

static void die(const char *what) {
    perror(what);
    exit(1);
}

/* Uppercase `data` in place (same length out as in). A 0xC2/0xC3 lead at the very end is not
   converted: the caller carries it to the next read. Returns how many bytes are final. */
static size_t uppercase(unsigned char *data, size_t len) {
    size_t i = 0;
    while (i < len) {
        unsigned char b = data[i];
        if (b < 0x80) {
            if (b >= 'a' && b <= 'z') data[i] = (unsigned char)(b - 0x20);
            i++;
            continue;
        }
        if (b != 0xC2 && b != 0xC3) { /* other leads, continuations, invalid bytes: unchanged */
            i++;
            continue;
        }
        if (i + 1 == len) return i; /* unfinished character: wait for the next read */
        unsigned char c = data[i + 1];
        if (c < 0x80 || c > 0xBF) { /* not a continuation: the lead alone is an invalid byte */
            i++;
            continue;
        }
        if (b == 0xC2) {
            if (c == 0xB5) { /* µ U+00B5 -> Μ U+039C */
                data[i] = 0xCE;
                data[i + 1] = 0x9C;
            }
        } else if (c == 0x9F) { /* ß U+00DF -> SS */
            data[i] = 'S';
            data[i + 1] = 'S';
        } else if (c == 0xBF) { /* ÿ U+00FF -> Ÿ U+0178 */
            data[i] = 0xC5;
            data[i + 1] = 0xB8;
        } else if (c >= 0xA0 && c != 0xB7) { /* à..þ but ÷: minus 0x20 */
            data[i + 1] = (unsigned char)(c - 0x20);
        }
        i += 2;
    }
    return len;
}

static int is_blank(unsigned char b) { return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\v' || b == '\f'; }

/* True if this line (LF included) is the word, blanks around it ignored, any ASCII case. */
static int is_word(const unsigned char *line, size_t len) {
    while (len && is_blank(line[len - 1])) len--;
    while (len && is_blank(*line)) line++, len--;
    if (len != sizeof WORD - 1) return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = line[i];
        if (b >= 'A' && b <= 'Z') b = (unsigned char)(b + 0x20);
        if (b != (unsigned char)WORD[i]) return 0;
    }
    return 1;
}

/* Where the first line that is the word starts in `data`, or `len` if none. Cheap when there is no x. */
static size_t find_word(const unsigned char *data, size_t len) {
    if (!memchr(data, 'x', len) && !memchr(data, 'X', len)) return len;
    size_t start = 0;
    while (start < len) {
        const unsigned char *lf = memchr(data + start, '\n', len - start);
        if (!lf) return len; /* an unfinished line is never the word here */
        size_t end = (size_t)(lf - data) + 1;
        if (is_word(data + start, end - start)) return start;
        start = end;
    }
    return len;
}

/* Tell epoll what to wait for on this connection, only when that changed (a syscall saved per message). */
static void watch(struct conn *c) {
    uint32_t wanted = (c->reading ? EPOLLIN : 0u) | (c->out_len ? EPOLLOUT : 0u);
    if (wanted == c->watched) return;
    struct epoll_event ev = {.events = wanted, .data.fd = c->fd};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl mod");
    c->watched = wanted;
}

static void drop(struct conn *c) {
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    conns[c->fd] = NULL;
    free(c->out);
    free(c);
}

static int keep(struct conn *c, const unsigned char *data, size_t len) {
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_len + len) cap *= 2;
        unsigned char *grown = realloc(c->out, cap);
        if (!grown) return -1;
        c->out = grown;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
    return 0;
}

/* Send what waits, then `data`; keep what the socket does not take. -1: the connection is gone. */
static int send_reply(struct conn *c, const unsigned char *data, size_t len) {
    if (c->out_len) return keep(c, data, len); /* order: older replies first (flushed on EPOLLOUT) */
    while (len) {
        ssize_t sent = send(c->fd, data, len, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            return -1;
        }
        data += sent;
        len -= (size_t)sent;
    }
    return len ? keep(c, data, len) : 0;
}

/* After the replies changed: pause or resume reading, watch for room to write, close when done. */
static void settle(struct conn *c) {
    if (c->closing && c->out_len == 0) {
        drop(c);
        return;
    }
    c->reading = !c->closing && (c->reading ? c->out_len <= HIGH_WATER : c->out_len <= LOW_WATER);
    watch(c);
}

static void on_readable(struct conn *c) {
    unsigned char *start = read_buffer + 1;
    if (c->has_carry) { /* put the carried lead byte back in front of the new bytes */
        start = read_buffer;
        read_buffer[0] = c->carry;
    }
    ssize_t got = recv(c->fd, read_buffer + 1, READ_BYTES, 0);
    if (got < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
        drop(c);
        return;
    }
    size_t len = (size_t)got + (size_t)(read_buffer + 1 - start);
    if (got == 0) { /* the peer is done sending: answer the carried byte unchanged, close after the replies */
        c->closing = 1;
        if (c->has_carry && send_reply(c, &c->carry, 1) < 0) {
            drop(c);
            return;
        }
        c->has_carry = 0;
        settle(c);
        return;
    }
    size_t word = find_word(start, len);
    if (word < len) {
        c->closing = 1;
        len = word;
    }
    size_t done = uppercase(start, len);
    c->has_carry = !c->closing && done < len;
    if (c->has_carry) c->carry = start[done];
    else done = len;
    if (send_reply(c, start, done) < 0) {
        drop(c);
        return;
    }
    settle(c);
}

static void on_writable(struct conn *c) {
    size_t off = 0;
    while (off < c->out_len) {
        ssize_t sent = send(c->fd, c->out + off, c->out_len - off, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            drop(c);
            return;
        }
        off += (size_t)sent;
    }
    memmove(c->out, c->out + off, c->out_len - off);
    c->out_len -= off;
    if (c->out_len == 0 && c->out_cap > HIGH_WATER) { /* give back a buffer a slow reader made big */
        free(c->out);
        c->out = NULL;
        c->out_cap = 0;
    }
    settle(c);
}

static void add(int fd) {
    if ((size_t)fd >= conns_cap) {
        size_t cap = conns_cap ? conns_cap : 1024;
        while (cap <= (size_t)fd) cap *= 2;
        struct conn **grown = realloc(conns, cap * sizeof *conns);
        if (!grown) die("realloc");
        memset(grown + conns_cap, 0, (cap - conns_cap) * sizeof *conns);
        conns = grown;
        conns_cap = cap;
    }
    struct conn *c = calloc(1, sizeof *c);
    if (!c) die("calloc");
    c->fd = fd;
    c->reading = 1;
    c->watched = EPOLLIN;
    conns[fd] = c;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* as asyncio and uvloop do */
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl add");
}

/* Accept every waiting client. Returns 1 if out of descriptors (the caller pauses accepting). */
static int accept_all(int listener) {
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            add(fd);
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) return 1;
        return 0; /* EAGAIN: none left */
    }
}

static int listen_on(const char *host, const char *port, char *shown, size_t shown_len, int *bound_port) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *found;
    int rc = getaddrinfo(host, port, &hints, &found);
    if (rc != 0) {
        fprintf(stderr, "%s: %s\n", host, gai_strerror(rc));
        exit(1);
    }
    int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, found->ai_addr, found->ai_addrlen) < 0) die("bind");
    freeaddrinfo(found);
    if (listen(fd, BACKLOG) < 0) die("listen");
    struct sockaddr_storage addr;
    socklen_t addr_len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &addr_len) < 0) die("getsockname");
    char service[16];
    getnameinfo((struct sockaddr *)&addr, addr_len, shown, (socklen_t)shown_len, service, sizeof service,
                NI_NUMERICHOST | NI_NUMERICSERV);
    *bound_port = atoi(service);
    return fd;
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void raise_open_file_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit); /* best effort, as the Python servers */
    }
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *port = "5000";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--host") == 0 && i + 1 < argc) host = argv[++i];
        else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) port = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--host H] [--port P]\n", argv[0]);
            return 2;
        }
    }
    raise_open_file_limit();
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &stops, NULL) < 0) die("sigprocmask");
    int signals = signalfd(-1, &stops, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signals < 0) die("signalfd");
    signal(SIGPIPE, SIG_IGN);

    char shown[NI_MAXHOST];
    int bound_port;
    int listener = listen_on(host, port, shown, sizeof shown, &bound_port);
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = listener};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &ev) < 0) die("epoll_ctl listener");
    ev.data.fd = signals;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, signals, &ev) < 0) die("epoll_ctl signals");
    printf("listening on %s:%d (c-epoll reference server)\n", shown, bound_port);
    fflush(stdout);

    struct epoll_event events[EVENTS_PER_WAIT];
    int accepting = 1, running = 1;
    long long accept_again_at = 0;
    while (running) {
        long long left = accepting ? -1 : accept_again_at - now_ms();
        int ready = epoll_wait(epoll_fd, events, EVENTS_PER_WAIT, left < 0 ? (accepting ? -1 : 0) : (int)left);
        if (ready < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        if (!accepting && now_ms() >= accept_again_at) { /* the pause is over: listen again */
            ev.data.fd = listener;
            if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &ev) < 0) die("epoll_ctl listener");
            accepting = 1;
        }
        for (int i = 0; i < ready; i++) {
            int fd = events[i].data.fd;
            if (fd == signals) {
                running = 0;
            } else if (fd == listener) {
                if (accepting && accept_all(listener)) {
                    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listener, NULL);
                    accepting = 0;
                    accept_again_at = now_ms() + ACCEPT_PAUSE_MS;
                }
            } else {
                struct conn *c = (size_t)fd < conns_cap ? conns[fd] : NULL;
                if (!c) continue; /* dropped earlier in this pass */
                uint32_t what = events[i].events;
                if (what & EPOLLOUT) on_writable(c);
                c = conns[fd];
                if (!c || !(what & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
                if (c->reading) on_readable(c);
                else if (what & EPOLLERR) drop(c);
            }
        }
    }
    for (size_t fd = 0; fd < conns_cap; fd++)
        if (conns[fd]) drop(conns[fd]);
    close(listener);
    printf("server stopped\n");
    fflush(stdout);
    return 0;
}
