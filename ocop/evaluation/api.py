"""POST /api/v1/score (the CLI contract) and POST /api/v1/score/advice (upgrade advisor)."""

from ninja import Router, Schema

from ocop.evaluation.advisor import advise
from ocop.evaluation.rubric import CURRENT, load_sheet
from ocop.evaluation.scoring import score as score_members

router = Router(tags=["Chấm điểm"])


class ScoreIn(Schema):
    set: int
    rubric: str = CURRENT
    answers: list[dict[str, float | int | bool | str | None]]


class AdviceIn(Schema):
    set: int
    rubric: str = CURRENT
    answers: dict[str, float | int | bool | str | None]


@router.post("/score", auth=None, summary="Chấm điểm một hoặc nhiều phiếu (như `ocop score --json`)")
def score(request, payload: ScoreIn):
    sheet = load_sheet(payload.set, payload.rubric)
    return score_members(sheet, payload.answers).as_dict()


@router.post("/score/advice", auth=None, summary="Gợi ý cải thiện ít tiêu chí nhất để lên hạng sao kế tiếp")
def advice(request, payload: AdviceIn):
    sheet = load_sheet(payload.set, payload.rubric)
    return advise(sheet, payload.answers).as_dict()
