"""Reads: the filtered case list, one case with its history, the work-order list.

Every read starts from what the user may see (``tousu.org.permissions``) and loads related
rows in a fixed number of queries, whatever the page size.

Counting: an exact ``COUNT(*)`` over a large table costs more than the page itself, so lists
count at most ``COUNT_LIMIT`` rows (``SELECT COUNT(*) FROM (… LIMIT n)``) and say whether the
count is exact. A short last page is counted without any extra query.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from tousu.cases.models import Attachment, Case, Event, PersonalDataView, Proposal, WorkOrder
from tousu.cases.plans import joins_as_written
from tousu.cases.search import filter_by_keywords, text_index_plans
from tousu.cases.services.common import RECORDED
from tousu.org.models import User
from tousu.org.permissions import case_scope, visible_cases, visible_work_orders
from tousu.packs.models import PackVersion
from tousu.packs.registry import pack_of_version, version_row
from tousu.rules.errors import NotFound

COUNT_LIMIT = 1_000
KEYWORD_ID_LIMIT = 500  # see _keyword_filter
MAX_PAGE_SIZE = 100

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    count: int
    count_exact: bool
    page: int
    page_size: int


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    severity: str = ""
    category: str = ""  # the category and its sub-categories
    unit: str = ""  # cases with a work order for this unit
    channel: str = ""
    overdue: bool | None = None
    q: str = ""
    created_after: datetime | None = None
    created_before: datetime | None = None
    pack: str = ""
    ordering: str = "due"  # due | created_at | -created_at


@dataclass(frozen=True)
class WorkOrderFilters:
    unit: str = ""
    status: str = ""
    overdue: bool | None = None
    case: str = ""


ORDERINGS = {
    "due": (F("next_due_at").asc(nulls_last=True), "number"),
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
}

# The "due" order written as one key: a case without a deadline sorts as due at FAR_DUE, after
# every real deadline, as NULLS LAST puts it. Same order, other plans on PostgreSQL: the
# partial index ``case_open_due_order`` (migration cases/0012) holds this key over cases not
# flagged overdue, so ``overdue=false`` is a range of it starting now; no index serves it for
# other filters, so a short created range is read from ``case_created`` and sorted, instead of
# walking the due index past the older cases (whose deadlines come first).
FAR_DUE = datetime(9999, 12, 31, tzinfo=UTC)
DUE_KEY = Coalesce(F("next_due_at"), Value(FAR_DUE))
DUE_BY_KEY = (DUE_KEY.asc(), "number")
# A created range of at most this many cases is sorted; a longer one walks the due index,
# where its cases are frequent enough to fill a page soon.
CREATED_SORT_LIMIT = 20_000


def ordering_of(f: CaseFilters) -> tuple[Any, ...]:
    """The ORDER BY of a list: the requested order; for "due" with a created range of at most
    ``CREATED_SORT_LIMIT`` cases (one capped count) or with ``overdue=false``, the same order
    in the form whose plan reads only the rows wanted."""
    if f.ordering in ORDERINGS and f.ordering != "due":
        return ORDERINGS[f.ordering]
    if f.overdue is False:
        return DUE_BY_KEY
    if f.created_after or f.created_before:
        created = Case.objects.all()
        if f.created_after:
            created = created.filter(created_at__gte=f.created_after)
        if f.created_before:
            created = created.filter(created_at__lt=f.created_before)
        if created.values("pk")[: CREATED_SORT_LIMIT + 1].count() <= CREATED_SORT_LIMIT:
            return DUE_BY_KEY
    return ORDERINGS["due"]


# Columns a list row never shows; the search text and the raw script can be large.
_ROW_DEFERRED = ("search_text", "script", "facts", "references", "findings", "root_cause")
# Rows joined to a shown case. Its pack version is not: the registry keeps the rows
# (``attach_version_rows``), and joining them cost a join and seven columns per case.
_ROW_RELATED = ("customer", "complained_unit", "first_owner", "incident")
# What a list row shows (api.case_json.case_row) and nothing else: each column more is a value
# to convert and each joined model a full instance to build, 20 times a page.
_ROW_ONLY = (
    *("number", "pack", "status", "channel", "request_type", "category", "validity"),
    *("validity_reason", "responsibility_class", "severity", "severity_rank"),
    *("escalation_level", "description", "demand", "occurred_at", "received_at", "location"),
    *("complained_person", "urge_count", "overdue", "next_due_at", "version"),
    *("due_acknowledge", "due_resolve", "due_reply", "due_follow_up", "due_statutory_reply"),
    *("created_at", "updated_at", "customer", "complained_unit", "first_owner", "incident"),
    *("customer__name", "customer__phone", "customer__email", "customer__address"),
    *("customer__household", "complained_unit__code", "first_owner__username"),
    *("incident__title", "incident__size", "pack_version"),
)


def attach_version_rows(cases: Iterable[Case]) -> None:
    """Give each case its PackVersion row from the registry's rows (read once per process)."""
    for case in cases:
        if case.pack_version_id:
            case.pack_version = version_row(case.pack_version_id)


def _overdue(now: datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}overdue": True}) | Q(**{f"{prefix}next_due_at__lt": now})


def _category_codes(code: str, pack: str) -> set[str]:
    """The category and every category below it, in the named pack or in all active ones."""
    codes = {code}
    versions = PackVersion.objects.filter(active=True).defer("source_text")  # parsed: cached
    for row in versions.filter(code=pack) if pack else versions:
        parsed = pack_of_version(row)
        for node in parsed.categories:
            if any(c.code == code for c in parsed.lineage(node.code)):
                codes.add(node.code)
    return codes


def _filter_cases(
    cases: QuerySet[Case], f: CaseFilters, now: datetime, matches: list[int] | None = None
) -> QuerySet[Case]:
    """``matches``: the keyword's probe (``_keyword_ids``) when the caller has read it."""
    exact = {"status": f.status, "severity": f.severity, "channel": f.channel, "pack": f.pack}
    cases = cases.filter(**{k: v for k, v in exact.items() if v})
    if f.category:
        codes = _category_codes(f.category, f.pack)
        cases = (
            cases.filter(category__in=sorted(codes))
            if len(codes) > 1
            else cases.filter(category=f.category)
        )
    if f.unit:
        cases = cases.filter(pk__in=WorkOrder.objects.filter(unit__code=f.unit).values("case_id"))
    if f.overdue is True:
        cases = cases.filter(_overdue(now))
    elif f.overdue is False:  # = NOT (overdue OR next_due_at < now), NULL due included
        cases = cases.alias(due_key=DUE_KEY).filter(overdue=False, due_key__gte=now)
    if f.created_after:
        cases = cases.filter(created_at__gte=f.created_after)
    if f.created_before:
        cases = cases.filter(created_at__lt=f.created_before)
    if f.q.strip():
        ids = matches if matches is not None else _keyword_ids(f.q, KEYWORD_ID_LIMIT + 1)
        cases = _keyword_filter(cases, f.q, ids)
    return cases


def _keyword_ids(q: str, limit: int) -> list[int]:
    """Up to ``limit`` ids of the cases matching ``q``, read from the text index."""
    matching = filter_by_keywords(Case.objects.all(), q).values_list("pk", flat=True)
    with text_index_plans():
        return list(matching[:limit])


def _keyword_filter(cases: QuerySet[Case], q: str, ids: list[int]) -> QuerySet[Case]:
    """Full-text filter in two steps. Under ``ORDER BY next_due_at LIMIT 20`` the planner
    cannot tell a rare word from a common one: for a rare word it walks the whole due index,
    testing every row. So the matching ids are read first from the text index (``ids``); when
    there are few, the page is built from them; when there are many, walking the due index
    finds a page quickly and the plain filter is used."""
    if len(ids) <= KEYWORD_ID_LIMIT:
        return cases.filter(pk__in=ids)
    return filter_by_keywords(cases, q)


def attach_pack_versions(cases: Iterable[Case]) -> None:
    """Give each case its PackVersion row in one query. The pack source text is deferred: the
    registry keeps parsed packs per version, so it is read only on a cache miss."""
    rows = list(cases)
    ids = {c.pack_version_id for c in rows if c.pack_version_id}
    versions = PackVersion.objects.defer("source_text").in_bulk(ids)
    for case in rows:
        if case.pack_version_id:
            case.pack_version = versions[case.pack_version_id]


def _paginate(
    rows: QuerySet[T],
    filtered: QuerySet[Any],
    page: int,
    page_size: int,
    *,
    sliced: bool = False,
    by_text: bool = False,
    written_joins: bool = False,
    counted: int | None = None,
) -> Page[T]:
    """Slice ``rows`` (ordered, with its joins; ``sliced``: they are the page already; with
    ``written_joins``, joined in the order written); count ``filtered`` (the bare filter;
    ``by_text``: it has a full-text condition, which the count reads from the text index),
    unless the caller has ``counted`` it already (up to ``COUNT_LIMIT + 1``)."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    offset = (page - 1) * page_size
    with joins_as_written() if written_joins else nullcontext():
        items = list(rows if sliced else rows[offset : offset + page_size])
    if (items and len(items) < page_size) or (page == 1 and not items):
        return Page(items, offset + len(items), True, page, page_size)  # the last page
    if counted is None:
        with text_index_plans() if by_text else nullcontext():
            counted = filtered.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    exact = counted <= COUNT_LIMIT
    return Page(items, min(counted, COUNT_LIMIT), exact, page, page_size)


def case_page(
    user: User, filters: CaseFilters, *, page: int = 1, page_size: int = 20, now: datetime
) -> Page[Case]:
    """A page of the cases ``user`` may see, filtered and ordered (SPEC §10 GET /cases)."""
    matches, counted = None, None
    if filters.q.strip():
        # the keyword alone, for a user who sees every case: its probe counts the page too
        alone = case_scope(user) is None and filters == CaseFilters(
            q=filters.q, ordering=filters.ordering
        )
        limit = max(KEYWORD_ID_LIMIT, COUNT_LIMIT) if alone else KEYWORD_ID_LIMIT
        matches = _keyword_ids(filters.q, limit + 1)
        counted = len(matches) if alone else None
    cases = _filter_cases(visible_cases(user, Case.objects.all()), filters, now, matches)
    ordering = ordering_of(filters)
    shown, sliced = cases, ordering is DUE_BY_KEY and not filters.q.strip()
    if sliced:
        # the page's ids first (sorted without joins), then its rows: otherwise PostgreSQL
        # joins customer, units… to every case of a created range before sorting them. (Not
        # with ``q``: its raw SQL names the table, which a subquery renames.)
        size = max(1, min(page_size, MAX_PAGE_SIZE))
        offset = (max(1, page) - 1) * size
        ids = cases.order_by(*ordering).values("pk")[offset : offset + size]
        shown = Case.objects.filter(pk__in=ids)
    rows = (
        shown.select_related(*_ROW_RELATED)
        .annotate(repeat_of_number=F("repeat_of__number"))
        .only(*_ROW_ONLY)
        .order_by(*ordering)
    )
    by_text = bool(filters.q.strip())
    found = _paginate(
        rows,
        cases,
        page,
        page_size,
        sliced=sliced,
        by_text=by_text,
        written_joins=True,
        counted=counted,
    )
    attach_version_rows(found.items)
    return found


def case_detail(user: User, number: str) -> Case:
    """One case with everything its page shows, or NotFound when ``user`` may not see it."""
    cases = visible_cases(user, Case.objects.filter(number=number))
    with joins_as_written():
        case = _with_its_rows(cases)
    if case is None:
        raise NotFound(f"no case numbered '{number}'")
    attach_version_rows([case])
    return case


def _with_its_rows(cases: QuerySet[Case]) -> Case | None:
    """The case with its related rows. Most cases have no proposal and no file: the case's
    own query says whether they have any, and only those that do are read (each read costs
    ~0.7 ms of CPU to build, whatever it finds)."""
    case = (
        cases.select_related(*_ROW_RELATED)
        .annotate(
            repeat_of_number=F("repeat_of__number"),
            has_proposals=Exists(Proposal.objects.filter(case=OuterRef("pk"))),
            has_files=Exists(Attachment.objects.filter(case=OuterRef("pk"))),
        )
        .defer("search_text")
        .first()
    )
    if case is None:
        return None
    lookups: list[Any] = [
        Prefetch("work_orders", WorkOrder.objects.select_related("unit", "handler").order_by("id")),
        Prefetch("events", Event.objects.select_related("actor").order_by("id")),
    ]
    if case.has_proposals:  # type: ignore[attr-defined]
        lookups.append(Prefetch("proposals", Proposal.objects.order_by("round", "id")))
    if case.has_files:  # type: ignore[attr-defined]
        lookups.append(Prefetch("attachments", Attachment.objects.order_by("id")))
    prefetch_related_objects([case], *lookups)
    # where ``prefetch_related`` keeps its rows: ``case.proposals.all()`` etc. answer from here
    case._prefetched_objects_cache.setdefault("proposals", Proposal.objects.none())  # type: ignore[attr-defined]
    case._prefetched_objects_cache.setdefault("attachments", Attachment.objects.none())  # type: ignore[attr-defined]
    return case


def registered_case(case: Case) -> Case:
    """The case intake has just written, made ready to show like ``case_detail``'s without
    reading it back: a new case has no work orders, proposals or files, and its events are
    those ``record`` wrote through this instance, in order. Its registrant may see it (the
    case names them as its first owner)."""
    case.repeat_of_number = case.repeat_of.number if case.repeat_of_id else None  # type: ignore[attr-defined]
    events = list(getattr(case, RECORDED))
    # where ``prefetch_related`` keeps its rows: ``case.events.all()`` etc. answer from here
    case._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "work_orders": [],
        "proposals": [],
        "events": events,
        "attachments": [],  # files are added after intake (portal, mail: by their channel)
    }
    return case


def work_order_page(
    user: User, filters: WorkOrderFilters, *, page: int = 1, page_size: int = 20, now: datetime
) -> Page[WorkOrder]:
    """A page of the work orders ``user`` may see (SPEC §10 GET /work-orders), soonest due
    first. Overdue means a live order past its next deadline."""
    orders = visible_work_orders(user, WorkOrder.objects.all())
    if filters.unit:
        orders = orders.filter(unit__code=filters.unit)
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.case:
        orders = orders.filter(case__number=filters.case)
    live_late = Q(status__in=WorkOrder.LIVE, next_due_at__lt=now)
    if filters.overdue is True:
        orders = orders.filter(live_late)
    elif filters.overdue is False:
        orders = orders.exclude(live_late)
    rows = (
        orders.select_related("unit", "handler")
        .annotate(
            case_number=F("case__number"),
            case_status=F("case__status"),
            case_severity=F("case__severity"),
            case_category=F("case__category"),
        )
        .order_by(F("next_due_at").asc(nulls_last=True), "id")
    )
    return _paginate(rows, orders, page, page_size)


# ---------------------------------------------------------------- audit (SPEC §8)


@dataclass(frozen=True)
class AuditFilters:
    case: str = ""  # case number
    user: str = ""  # username
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class DataView:
    """One showing of unmasked personal data: an API answer or the console's "show"."""

    at: datetime
    user: str
    case: str
    fields: list[str]
    source: str
    address: str


def personal_data_views(f: AuditFilters, *, page: int = 1, page_size: int = 20) -> Page[DataView]:
    """Unmasked views of personal data, newest first, from the one log that the API and the
    console both write (``PersonalDataView``)."""
    views = PersonalDataView.objects.all()
    if f.case:
        views = views.filter(case__number=f.case)
    if f.user:
        views = views.filter(user__username=f.user)
    if f.since:
        views = views.filter(at__gte=f.since)
    if f.until:
        views = views.filter(at__lt=f.until)
    rows = views.select_related("user", "case").order_by("-at", "-id")
    found = _paginate(rows, views, page, page_size)
    items = [
        DataView(v.at, v.user.username, v.case.number, list(v.fields), v.source, v.address)
        for v in found.items
    ]
    return Page(items, found.count, found.count_exact, found.page, found.page_size)
