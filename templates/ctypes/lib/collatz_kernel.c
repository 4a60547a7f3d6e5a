/* The shared workload's inner loop in C: the Collatz steps of numbers.

   OCaml calls these through ctypes with the runtime lock released (see
   kernel.ml), so several system threads run them at once while OCaml goes on.
   While the lock is released, this code must not touch any OCaml value (it
   gets C integers, copied by ctypes, and a pointer into a bigarray's data,
   which lives outside the OCaml heap and never moves), must not call back
   into OCaml, and must not raise: it only computes. */

#include <stdint.h>
#include <unistd.h>

#include <caml/mlvalues.h>

static int32_t collatz_steps(int64_t n) {
  int32_t steps = 0;
  while (n != 1) {
    n = (n & 1) ? 3 * n + 1 : n >> 1;
    steps++;
  }
  return steps;
}

/* The steps of lo..hi-1, added up. */
int64_t collatz_sum_range(int64_t lo, int64_t hi) {
  int64_t total = 0;
  for (int64_t n = lo; n < hi; n++)
    total += collatz_steps(n);
  return total;
}

/* The steps of lo..lo+count-1, into steps[0..count-1]. */
void collatz_steps_into(int64_t lo, int64_t count, int32_t *steps) {
  for (int64_t k = 0; k < count; k++)
    steps[k] = collatz_steps(lo + k);
}

/* The cores online: how many threads run the kernel by default. */
int64_t collatz_cores(void) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores < 1 ? 1 : cores;
}

/* Foreign.foreign finds the functions above by name (dlsym), which the linker
   does not see: it takes an object file out of the library's archive only
   when the program refers to one of its symbols. Kernel calls this ordinary
   OCaml primitive once, so this file, functions and all, is linked into every
   program that uses Kernel. It runs with the lock held, and touches nothing. */
value collatz_kernel_link(value unit) {
  (void)unit;
  return Val_unit;
}
