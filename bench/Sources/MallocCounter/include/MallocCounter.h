#ifndef MALLOC_COUNTER_H
#define MALLOC_COUNTER_H

#include <stddef.h>

/// Calls to malloc, calloc, realloc, aligned_alloc, memalign and posix_memalign since the process started.
unsigned long long malloc_counter_allocations(void);

#endif
