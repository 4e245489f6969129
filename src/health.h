/* health.h: GET /health. */
#ifndef OB_HEALTH_H
#define OB_HEALTH_H

#include "app.h"

/*
 * Answers {"status","odoo":{"reachable","version","latency_ms"}}: 200 when
 * Odoo answers and the service account logs in, 503 otherwise.  No token
 * needed, no secrets in it.  With REDIS_URL set it adds "redis": "up" or
 * "down", which leaves the status alone: Redis down costs no request.
 */
void health_handler(struct ctx *c);

#endif
