"""POST /api/v1/score (the CLI contract) and POST /api/v1/score/advice (upgrade advisor)."""

from typing import Annotated

from ninja import Field, Router, Schema
from pydantic import StringConstraints

from ocop.evaluation.advisor import advise
from ocop.evaluation.rubric import CURRENT, load_sheet
from ocop.evaluation.scoring import score as score_members

router = Router(tags=["Chấm điểm"])


# Bounded like the models (Dossier.rubric, Evidence.criterion): a criterion code is short, an answer a number;
# a long string would only come back in the error message.
Code = Annotated[str, StringConstraints(max_length=20)]
Answer = float | int | bool | Annotated[str, StringConstraints(max_length=40)] | None


class ScoreIn(Schema):
    set: int
    rubric: str = Field(CURRENT, max_length=20)
    answers: list[dict[Code, Answer]]


class AdviceIn(Schema):
    set: int
    rubric: str = Field(CURRENT, max_length=20)
    answers: dict[Code, Answer]


@router.post("/score", auth=None, summary="Chấm điểm một hoặc nhiều phiếu (như `ocop score --json`)")
def score(request, payload: ScoreIn):
    sheet = load_sheet(payload.set, payload.rubric)
    return score_members(sheet, payload.answers).as_dict()


@router.post("/score/advice", auth=None, summary="Gợi ý cải thiện ít tiêu chí nhất để lên hạng sao kế tiếp")
def advice(request, payload: AdviceIn):
    sheet = load_sheet(payload.set, payload.rubric)
    return advise(sheet, payload.answers).as_dict()
