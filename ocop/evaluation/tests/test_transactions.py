"""Transactions and locks of the evaluation services: each write is all or nothing, decides on rows it has
locked, and follows the workflow table (models.STEPS). The races run on PostgreSQL (SQLite serialises
writers)."""

import datetime
import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from ocop.accounts.models import Profile, Role
from ocop.core.errors import OcopError
from ocop.evaluation import services
from ocop.evaluation.models import DECIDED, STEPS, TRANSITIONS, Certificate, Dossier, Round, ScoreSheet, State
from ocop.evaluation.rubric import load_sheet
from ocop.testing import meet_after, run_at_once

pytestmark = pytest.mark.django_db

REPORT = {"raw_materials": "Chè Shan tuyết", "labour": "35 lao", "idea": "Truyền thống", "identity": "Dao"}
# The races need writers that really run at once: SQLite serialises them. Skipped before any fixture, so
# that no transactional test empties the SQLite test database for nothing.
on_postgresql = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="a race: run on PostgreSQL"
)


def _member(name):
    u = get_user_model().objects.create_user(name, password="mat-khau-thu-nghiem")
    Profile.objects.create(user=u, role=Role.COUNCIL, province_id=12)
    return u


def _best(sheet):
    return {c.code: c.max for c in sheet.criteria}


def _in_review(product, producer_user, commune_officer, officer):
    d = services.dossier_create(actor=producer_user, product=product)
    services.self_assessment_save(actor=producer_user, dossier=d, answers=_best(load_sheet(d.set_number)))
    services.dossier_submit(actor=producer_user, dossier=d, today=datetime.date(2026, 11, 23))
    services.commune_screen(actor=commune_officer, dossier=d, forward=True, report=REPORT)
    services.province_intake(actor=officer, dossier=d)
    return d


@pytest.fixture
def four_seats(lai_chau_officer):
    """A Lai Châu round with a council of four: three sheets (with the chair's) make the quorum."""
    chair, *others = (_member(n) for n in ("chutich", "tv2", "tv3", "tv4"))
    d1, d2 = services.legal_round_dates(2026, 2)
    rnd = services.round_create(
        actor=lai_chau_officer,
        name="Đợt 2/2026",
        province=lai_chau_officer.profile.province,
        intake_deadline=d1,
        scoring_deadline=d2,
    )
    services.council_set(actor=lai_chau_officer, rnd=rnd, members=others, chair=chair)
    return rnd, [chair, *others]


# --- the workflow table ------------------------------------------------------------------------------


def test_the_workflow_table_covers_every_state_and_ends_in_the_decided_ones():
    assert set(TRANSITIONS) == set(State.values)
    assert {s for s, nexts in TRANSITIONS.items() if not nexts} == set(DECIDED)
    assert all(to in State.values and starts <= set(State.values) for starts, to in STEPS.values())


def test_a_step_from_another_state_is_refused_by_the_table(
    lai_chau_product, producer_user, commune_officer, lai_chau_officer
):
    d = _in_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    services.advisory_request(actor=lai_chau_officer, dossier=d, text="Bổ sung phiếu kiểm nghiệm")
    # MORE_EVIDENCE leads back to REVIEW only by the producer's resubmission, not by a second intake.
    with pytest.raises(OcopError) as e:
        services.province_intake(actor=lai_chau_officer, dossier=d)
    assert e.value.code == "wrong_state"
    with pytest.raises(OcopError) as e:
        services._move(d, None, "scored")
    assert e.value.code == "wrong_state"
    assert Dossier.objects.get(pk=d.pk).state == State.MORE_EVIDENCE


# --- one open dossier per product ----------------------------------------------------------------------


def test_the_database_holds_one_open_dossier_per_product(lai_chau_product, producer_user):
    d = services.dossier_create(actor=producer_user, product=lai_chau_product)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.create(product=lai_chau_product, set_number=d.set_number)
    Dossier.objects.filter(pk=d.pk).update(state=State.NOT_RECOGNISED)  # decided: a new one may open
    assert services.dossier_create(actor=producer_user, product=lai_chau_product).state == State.DRAFT


def test_the_constraint_answers_with_the_dossier_open_error(lai_chau_product, producer_user, monkeypatch):
    services.dossier_create(actor=producer_user, product=lai_chau_product)
    monkeypatch.setattr(services, "_has_open_dossier", lambda product: False)  # as if the check were raced
    with pytest.raises(OcopError) as e:
        services.dossier_create(actor=producer_user, product=lai_chau_product)
    assert e.value.code == "dossier_open"
    assert Dossier.objects.filter(product=lai_chau_product).count() == 1


@on_postgresql
def test_a_double_submit_opens_one_dossier(committed, lai_chau_product, producer_user, monkeypatch):
    # Both requests pass the checks before either inserts, unless the product's lock makes one wait.
    meet_after(monkeypatch, services, "check_kind")
    errors = []

    def go():
        try:
            services.dossier_create(actor=producer_user, product=lai_chau_product)
        except OcopError as e:
            errors.append(e.code)

    run_at_once(go, go)
    assert Dossier.objects.filter(product=lai_chau_product).count() == 1
    assert errors == ["dossier_open"]


# --- closing a round -----------------------------------------------------------------------------------


@on_postgresql
def test_a_sheet_racing_the_close_is_in_the_result_or_refused(
    committed, lai_chau_product, producer_user, commune_officer, lai_chau_officer, four_seats, monkeypatch
):
    rnd, members = four_seats
    d = _in_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    services.round_assign(actor=lai_chau_officer, rnd=rnd, dossier=d)
    sheet = load_sheet(d.set_number)
    for who in members[:3]:
        services.sheet_submit(actor=who, dossier=d, answers=_best(sheet))
    # The close reads the sheets, then the fourth member submits before the results are stored.
    read, submitted = threading.Event(), threading.Event()
    results = services.round_results

    def read_then_wait(r):
        rows = results(r)
        read.set()
        submitted.wait(timeout=2)  # with the round locked, the submit waits for the close instead
        return rows

    monkeypatch.setattr(services, "round_results", read_then_wait)
    errors = []

    def close():
        try:
            services.round_close(actor=lai_chau_officer, rnd=rnd)
        finally:
            read.set()
            connection.close()

    def submit():
        read.wait(timeout=5)
        try:
            services.sheet_submit(actor=members[3], dossier=d, answers=_best(sheet))
        except OcopError as e:
            errors.append(e.code)
        finally:
            submitted.set()
            connection.close()

    threads = [threading.Thread(target=close), threading.Thread(target=submit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    d.refresh_from_db()
    sheets = ScoreSheet.objects.filter(dossier=d).count()
    assert d.state == State.SCORED and Round.objects.get(pk=rnd.pk).status == Round.Status.CLOSED
    assert d.result["members"] == sheets  # never a sheet stored but left out of the result
    assert (sheets, errors) in [(4, []), (3, ["wrong_state"])]


def test_a_sheet_after_the_close_is_refused(
    lai_chau_product, producer_user, commune_officer, lai_chau_officer, four_seats
):
    rnd, members = four_seats
    d = _in_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    services.round_assign(actor=lai_chau_officer, rnd=rnd, dossier=d)
    for who in members[:3]:
        services.sheet_submit(actor=who, dossier=d, answers=_best(load_sheet(d.set_number)))
    services.round_close(actor=lai_chau_officer, rnd=rnd)
    assert rnd.status == Round.Status.CLOSED  # the caller's round is read again, not left stale
    with pytest.raises(OcopError) as e:
        services.sheet_submit(actor=members[3], dossier=d, answers=_best(load_sheet(d.set_number)))
    assert e.value.code == "wrong_state"
    with pytest.raises(OcopError) as e:
        services.round_close(actor=lai_chau_officer, rnd=rnd)
    assert e.value.code == "round_closed"


# --- all or nothing ------------------------------------------------------------------------------------


def _failing_audit(*args, **kwargs):
    raise RuntimeError("the audit log is unavailable")


def _certificate(product):
    return services.certificate_record(
        actor=None,
        product=product,
        number="GCN-TX-1",
        star=4,
        decision_number="1/QĐ-UBND",
        decision_date=datetime.date(2022, 1, 10),  # expired: a first dossier may open
    )


def test_writes_are_undone_when_their_audit_entry_fails(
    lai_chau_product, producer_user, lai_chau_officer, monkeypatch
):
    cert = _certificate(lai_chau_product)
    monkeypatch.setattr(services, "audit_entry", _failing_audit)
    d1, d2 = services.legal_round_dates(2026, 2)
    calls = [
        lambda: services.dossier_create(actor=producer_user, product=lai_chau_product),
        lambda: services.round_create(
            actor=lai_chau_officer,
            name="Đợt 2/2026",
            province=lai_chau_officer.profile.province,
            intake_deadline=d1,
            scoring_deadline=d2,
        ),
        lambda: services.certificate_revoke(
            actor=lai_chau_officer, certificate=cert, ground="b", decision="9/QĐ-UBND", date=d1
        ),
    ]
    for call in calls:
        with pytest.raises(RuntimeError):
            call()
    assert not Dossier.objects.exists() and not Round.objects.exists()
    assert Certificate.objects.get(pk=cert.pk).revoked_on is None


def test_a_revocation_decides_on_the_certificate_as_stored(lai_chau_product, lai_chau_officer):
    cert = _certificate(lai_chau_product)
    seen_before = Certificate.objects.get(pk=cert.pk)  # another officer's page, opened before
    june = datetime.date(2026, 6, 1)
    services.certificate_revoke(
        actor=lai_chau_officer, certificate=cert, ground="b", decision="9/QĐ", date=june
    )
    with pytest.raises(OcopError) as e:
        services.certificate_revoke(
            actor=lai_chau_officer,
            certificate=seen_before,
            ground="e",
            decision="10/QĐ-UBND",
            date=datetime.date(2026, 6, 2),
        )
    assert e.value.code == "already_revoked"
    stored = Certificate.objects.get(pk=cert.pk)
    assert (stored.revocation_ground, stored.revocation_decision) == ("b", "9/QĐ")
