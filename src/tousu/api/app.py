"""The REST API (SPEC §10): mounted at /api/v1/, OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs. Every operation but the token exchange needs ``Authorization: Bearer TOKEN``."""

from ninja import NinjaAPI

from tousu.api import (
    audit,
    auth,
    cases,
    corrective,
    errors,
    packs,
    public,
    scripts,
    stats,
    units,
    work_orders,
)
from tousu.api.render import FastJSONRenderer

api = NinjaAPI(
    title="tousu",
    version="1",
    description="投诉处理平台 — complaint handling. Errors always have the shape "
    '{"error": {"code", "message", "fields": [{"field", "code", "message"}], '
    '"allowed_actions"}}.',
    urls_namespace="api",
    auth=auth.BearerAuth(),
    renderer=FastJSONRenderer(),
)
errors.install(api)
public.install(api)
api.add_router("/auth", auth.router)
api.add_router("/cases", cases.router)
api.add_router("/cases", corrective.router)  # /cases/{number}/corrective-actions
api.add_router("/work-orders", work_orders.router)
api.add_router("/units", units.router)
api.add_router("/packs", packs.router)
api.add_router("/scripts", scripts.router)
api.add_router("/stats", stats.router)
api.add_router("/audit", audit.router)
api.add_router("/public", public.router)  # the customer's operations: no token
