"""Who may sit on a round's council: council accounts of the round's province (the national council for a
central round), never anyone linked to a producer with a dossier in the round."""

import pytest
from django.contrib.auth import get_user_model

from ocop.accounts.models import Profile, Role
from ocop.core.errors import OcopError
from ocop.evaluation import services
from ocop.evaluation.models import Round, Seat, State

from .test_workflow import member, to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(lai_chau_officer):
    d1, d2 = services.legal_round_dates(2026, 2)
    return services.round_create(
        actor=lai_chau_officer,
        name="Đợt 2/2026",
        province=lai_chau_officer.profile.province,
        intake_deadline=d1,
        scoring_deadline=d2,
    )


@pytest.fixture
def central(national):
    d1, d2 = services.legal_round_dates(2026, 2, Round.Level.CENTRAL)
    return services.round_create(
        actor=national,
        name="Đợt Trung ương",
        level=Round.Level.CENTRAL,
        intake_deadline=d1,
        scoring_deadline=d2,
    )


def national_member(name):
    u = get_user_model().objects.create_user(name, password="mat-khau-thu-nghiem")
    Profile.objects.create(user=u, role=Role.COUNCIL)  # no province: the national council
    return u


def seat(actor, rnd, *users):
    """Seat a chair and a member of the province (created once) with the users."""
    User = get_user_model()
    chair, m2 = (User.objects.filter(username=n).first() or member(n) for n in ("ct", "tv2"))
    return services.council_set(actor=actor, rnd=rnd, members=[m2, *users], chair=chair)


def refused(code, actor, rnd, *users):
    with pytest.raises(OcopError) as e:
        seat(actor, rnd, *users)
    assert e.value.code == code, e.value.message
    assert not Seat.objects.filter(round=rnd).exists()
    for u in users:
        assert u.username in e.value.message


def test_only_council_accounts_of_the_province_sit(
    rnd, lai_chau_officer, producer_user, son_la_officer, national, inspector
):
    for u in (producer_user, son_la_officer, national, lai_chau_officer, inspector):
        refused("seat_not_council", lai_chau_officer, rnd, u)
    superuser = get_user_model().objects.create_superuser("goc", password="mat-khau-thu-nghiem")
    refused("seat_not_council", lai_chau_officer, rnd, superuser)
    refused("seat_wrong_province", lai_chau_officer, rnd, member("hdsonla", province=14))
    refused("seat_wrong_province", lai_chau_officer, rnd, national_member("hdtw"))
    seat(lai_chau_officer, rnd, member("tv3"))
    assert rnd.seats.count() == 3


def test_a_central_round_seats_the_national_council(central, national):
    tw1, tw2, tw3 = national_member("tw1"), national_member("tw2"), national_member("tw3")
    for chair, other in ((member("hdlaichau"), tw3), (tw1, member("hdsonla", province=14))):
        with pytest.raises(OcopError) as e:
            services.council_set(actor=national, rnd=central, members=[tw2, other], chair=chair)
        assert e.value.code == "seat_wrong_province" and "Hội đồng cấp trung ương" in e.value.message
    assert not central.seats.exists()
    services.council_set(actor=national, rnd=central, members=[tw2, tw3], chair=tw1)
    assert central.seats.count() == 3


def test_a_national_council_member_sees_only_what_they_sit_on(
    lai_chau_product, producer_user, commune_officer, lai_chau_officer, rnd
):
    from ocop.evaluation.models import Dossier
    from ocop.registry.models import Product

    tw = national_member("hdtw")
    to_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    assert not Dossier.objects.visible_to(tw).exists()
    assert not Product.objects.visible_to(tw).exists()


def test_nobody_linked_to_a_producer_in_the_round_sits(
    rnd, lai_chau_product, lai_chau_producer, producer_user, commune_officer, lai_chau_officer
):
    # A council member of the province who also speaks for the producer (director of the cooperative).
    linked = member("giamdoc")
    linked.profile.producer = lai_chau_producer
    linked.profile.save()
    d, _ = to_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    # Seated first, then the producer's dossier comes in: the assignment is refused.
    seat(lai_chau_officer, rnd, linked)
    with pytest.raises(OcopError) as e:
        services.round_assign(actor=lai_chau_officer, rnd=rnd, dossier=d)
    assert e.value.code == "seat_conflict" and "giamdoc" in e.value.message
    d.refresh_from_db()
    assert d.state == State.REVIEW and d.round_id is None
    # The dossier in the round first, then the council: the seat is refused.
    services.council_set(
        actor=lai_chau_officer, rnd=rnd, members=[member("a2"), member("a3")], chair=member("a1")
    )
    services.round_assign(actor=lai_chau_officer, rnd=rnd, dossier=d)
    with pytest.raises(OcopError) as e:
        services.council_set(
            actor=lai_chau_officer, rnd=rnd, members=[member("b2"), linked], chair=member("b1")
        )
    assert e.value.code == "seat_conflict" and "giamdoc" in e.value.message
    assert sorted(rnd.seats.values_list("user__username", flat=True)) == ["a1", "a2", "a3"]


def test_the_round_page_refuses_a_producer_who_would_score_its_own_product(
    client, rnd, lai_chau_product, producer_user, commune_officer, lai_chau_officer, national
):
    d, _ = to_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    services.round_assign(actor=lai_chau_officer, rnd=rnd, dossier=d)
    chair, m2, other = member("ct"), member("tv2"), member("hdsonla", province=14)
    client.force_login(lai_chau_officer)
    url = f"/quan-ly/danh-gia/dot/{rnd.public_id}/"
    for who, needle in (
        (producer_user, "không phải tài khoản thành viên hội đồng"),
        (national, "không phải tài khoản thành viên hội đồng"),
        (other, "không phải thành viên hội đồng của Tỉnh Lai Châu"),
    ):
        r = client.post(
            url,
            {"action": "council", "members": f"{m2.username} {who.username}", "chair": chair.username},
            follow=True,
        )
        page = r.content.decode()
        assert r.status_code == 200 and needle in page and who.username in page
        assert not rnd.seats.exists()
    r = client.post(
        url, {"action": "council", "members": "tv2 khongco", "chair": chair.username}, follow=True
    )
    assert "Không có tài khoản: khongco" in r.content.decode() and not rnd.seats.exists()
    # So the producer never gets a sheet for its own product.
    client.force_login(producer_user)
    assert client.get(f"/quan-ly/danh-gia/ho-so/{d.public_id}/cham/").status_code == 403
