/* main.c: start-up, modes, accept loop (placeholder until the core lands). */
#include "autoconfig.h"
#include "util.h"
int main(void) { return 0; }
