"""The scoring engine's refusals carry a stable code and params, and are translated where they are read: the
API answers an English user in English, the CLI too; Vietnamese stays the default."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import trans_real

from ocop.evaluation import rubric, scoring
from ocop.evaluation.rubric import load_sheet

SHEET = load_sheet(4)
POINTS_INVALID = scoring._MESSAGES["points_invalid"][0]
ENGLISH = "Criterion «%(criterion)s» (%(name)s): %(given)s points is not an option; allowed: %(allowed)s."


@pytest.fixture
def english(monkeypatch):
    """The English catalogue with these msgids translated (the coordinator writes the real ones)."""
    catalog = trans_real.translation("en")._catalog._catalogs[0]
    monkeypatch.setitem(catalog, POINTS_INVALID, ENGLISH)
    monkeypatch.setitem(catalog, scoring._MESSAGES["points_invalid"][1], "Member %(member)s: " + ENGLISH)
    set_unknown = "Bộ sản phẩm số %(set)s không có trong bộ tiêu chí %(rubric)s (cần số 1–26)."
    monkeypatch.setitem(catalog, set_unknown, "Product set %(set)s is not in rubric %(rubric)s (1–26).")


def _answers(**override):
    return {**{c.code: c.max for c in SHEET.criteria}, **override}


def test_the_engine_raises_a_code_and_params_not_a_sentence():
    with pytest.raises(scoring.AnswerError) as e:
        scoring.validate(SHEET, _answers(**{"1.1": 2.5}))
    c = SHEET.criterion("1.1")
    allowed = ", ".join(f"{p:g}" for p in c.allowed)
    assert e.value.code == "points_invalid" and e.value.field == "1.1"
    assert e.value.params == {"criterion": "1.1", "name": c.name, "given": "2.5", "allowed": allowed}
    with pytest.raises(scoring.AnswerError) as e:
        scoring.score(SHEET, [_answers(), _answers(**{"1.1": 2.5})])
    assert e.value.params["member"] == 2
    with pytest.raises(rubric.OcopError) as e:
        load_sheet(27)
    assert e.value.code == "set_unknown" and e.value.params == {"set": 27, "rubric": rubric.CURRENT}


@pytest.mark.django_db
def test_the_api_answers_in_the_users_language(client, english):
    bad = {"set": 4, "answers": [_answers(**{"1.1": 2.5})]}
    vi = client.post("/api/v1/score", bad, content_type="application/json")
    assert vi.status_code == 422 and vi.json()["code"] == "points_invalid"
    assert vi.json()["message"].startswith("Tiêu chí «1.1»")

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.post("/api/v1/score", bad, content_type="application/json")
    assert en.status_code == 422 and en.json()["code"] == "points_invalid" and en.json()["field"] == "1.1"
    with translation.override("en"):
        c = SHEET.criterion("1.1")
        expected = translation.gettext(POINTS_INVALID) % {
            "criterion": "1.1",
            "name": c.name,
            "given": "2.5",
            "allowed": ", ".join(f"{p:g}" for p in c.allowed),
        }
    assert en.json()["message"] == expected and expected.startswith("Criterion «1.1»")
    advice = {"set": 4, "answers": bad["answers"][0]}
    advice = client.post("/api/v1/score/advice", advice, content_type="application/json")
    assert advice.status_code == 422 and advice.json()["message"] == expected
    unknown = client.post("/api/v1/score", {**bad, "set": 27}, content_type="application/json")
    assert unknown.json() == {
        "code": "set_unknown",
        "message": "Product set 27 is not in rubric 26/2026 (1–26).",
        "field": "set",
    }


def test_the_cli_says_it_in_the_active_language_with_exit_status_2(tmp_path, english):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(_answers(**{"1.1": 2.5})), encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError) as e:
        call_command("score", "--set", "4", "--answers", str(f), "--answers", str(f))
    assert e.value.returncode == 2 and str(e.value).startswith("Member 1: Criterion «1.1»")
    with pytest.raises(CommandError) as e:
        call_command("score", "--set", "4", "--answers", str(f))
    assert e.value.returncode == 2 and str(e.value).startswith("Tiêu chí «1.1»")
