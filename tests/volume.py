"""Many cases in one partnership: the demo's open cases copied over and over, for list tests and the list benchmark.

Copies keep the demo case's columns (sealed ones included, so rows are as wide as real ones; a copied token does
not decrypt in its new row, and no list decrypts anything). Each copy gets its own uuid and a five-digit
reference, and is older than every demo case, so the newest cases are the same however many copies there are.
Each copy also gets one information request to the police (awaiting sign-off, due in December 2025, so the
copies lead the police's inbox), and the inbox grows with the cases.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Max, Min

from cspr.accounts.models import User
from cspr.cases.models import Case, Child
from cspr.demo.partnerships import SHARED_POLICE
from cspr.domain.rules import is_closed
from cspr.partnerships.models import Organisation, Partnership
from cspr.returns.models import InformationRequest, RequestStatus

FIRST_SEQUENCE = 10000
BATCH = 500
_CASE_SKIP = {"id", "uuid", "reference", "sequence", "submitted_at"}
_CHILD_SKIP = {"id", "uuid", "case"}


def copy_demo_cases(*, partnership: Partnership, copies: int, business_unit_email: str) -> int:
    """Add ``copies`` copies of the partnership's demo cases (with their children and a request to the police, who
    are therefore involved).

    Returns how many were added. Call again to add more: sequences carry on from the last copy.
    """
    demo = Case.objects.filter(partnership=partnership, sequence__lt=FIRST_SEQUENCE).order_by("id")
    # Open cases only: a closed case's rows read differently (its requests are no longer overdue), so copies of
    # closed cases would make a page's rows differ in kind, not in number, as the copies grow.
    sources = [case for case in demo if not is_closed(case.stage)]
    children: dict[int, list[Child]] = {}
    for child in Child.objects.filter(case__in=sources).order_by("case_id", "position"):
        children.setdefault(child.case_id, []).append(child)
    police = Organisation.objects.get(name=SHARED_POLICE)
    sender = User.objects.get(email=business_unit_email)
    oldest = Case.objects.filter(partnership=partnership).aggregate(at=Min("submitted_at"))["at"]
    already = Case.objects.filter(partnership=partnership, sequence__gte=FIRST_SEQUENCE).count()
    start = (
        Case.objects.filter(partnership=partnership, sequence__gte=FIRST_SEQUENCE).aggregate(top=Max("sequence"))["top"]
        or FIRST_SEQUENCE - 1
    ) + 1
    base = oldest - timedelta(days=1) if already == 0 else oldest
    case_fields = [field for field in Case._meta.concrete_fields if field.name not in _CASE_SKIP]
    child_fields = [field for field in Child._meta.concrete_fields if field.name not in _CHILD_SKIP]
    added = 0
    while added < copies:
        batch = range(added, min(copies, added + BATCH))
        new_cases = []
        for number in batch:
            source = sources[number % len(sources)]
            sequence = start + number
            case = Case(**{field.attname: getattr(source, field.attname) for field in case_fields})
            case.sequence = sequence
            case.reference = f"{partnership.code}-{source.year}-{sequence:05d}"
            case.submitted_at = base - timedelta(minutes=number + 1)
            case._source_id = source.pk  # type: ignore[attr-defined]
            new_cases.append(case)
        Case.objects.bulk_create(new_cases)
        new_children = []
        requests = []
        for index, case in enumerate(new_cases):
            for child in children.get(case._source_id, []):  # type: ignore[attr-defined]
                copy = Child(**{field.attname: getattr(child, field.attname) for field in child_fields})
                copy.case_id = case.pk
                new_children.append(copy)
            requests.append(
                InformationRequest(
                    case_id=case.pk,
                    partnership_id=partnership.pk,
                    organisation_id=police.pk,
                    due_on=date(2025, 12, 1) + timedelta(days=index % 7),
                    status=RequestStatus.AWAITING_SIGN_OFF,
                    sent_by=sender,
                    sent_at=case.submitted_at,
                )
            )
        Child.objects.bulk_create(new_children)
        InformationRequest.objects.bulk_create(requests)
        # As the service does when it asks: an organisation asked for information is involved in the case, which is
        # how its contributors see the case (and so the request in their inbox) through cases_visible.
        involved = Case.involved_organisations.through
        involved.objects.bulk_create([involved(case_id=case.pk, organisation_id=police.pk) for case in new_cases])
        added += len(new_cases)
    return added
