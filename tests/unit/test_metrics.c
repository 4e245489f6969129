#include <criterion/criterion.h>
Test(m, x) { cr_assert(1); }
