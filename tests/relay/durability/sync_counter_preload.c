/* An LD_PRELOAD library for the durability test: it counts the fsync and
 * fdatasync calls that succeed on files whose path contains
 * $BC_SYNC_COUNTER_MATCH, in a 64-bit counter at the start of the file
 * $BC_SYNC_COUNTER_FILE (shared with the test through mmap), so the test can
 * see whether a sync completed between sending a request and reading its
 * reply. Without both variables it counts nothing and changes nothing. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uint64_t* counter;
static const char* match;

__attribute__((constructor)) static void Init(void) {
  const char* file = getenv("BC_SYNC_COUNTER_FILE");
  match = getenv("BC_SYNC_COUNTER_MATCH");
  if (file == NULL || match == NULL || *match == '\0') return;
  int fd = open(file, O_RDWR | O_CLOEXEC);
  if (fd < 0) return;
  void* p = mmap(NULL, sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (p != MAP_FAILED) counter = (uint64_t*)p;
}

static void CountIfMatching(int fd) {
  if (counter == NULL) return;
  char link[64];
  char path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return;
  path[n] = '\0';
  if (strstr(path, match) != NULL) __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
}

int fsync(int fd) {
  static int (*real)(int);
  if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  int r = real(fd);
  if (r == 0) CountIfMatching(fd);
  return r;
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  int r = real(fd);
  if (r == 0) CountIfMatching(fd);
  return r;
}
