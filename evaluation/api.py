"""JSON API of the evaluation app: next task, rating submission, campaign aggregates, CSV export, tokens."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, parsers, permissions, renderers, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from recommender.models import IndexVersion
from songrec.lib.users import signed_in_user

from . import arms, selectors
from .assignment import next_task
from .errors import InvalidRating, NotYourTask
from .evaluators import is_evaluator
from .exports import csv_lines
from .models import MAX_COMMENT_LENGTH, MAX_SCORE, MIN_SCORE, Assignment, Campaign
from .ratings import RatingEntry, submit_ratings
from .serializers import (
    AggregatesSerializer,
    AnswerField,
    CampaignSerializer,
    EvaluationTaskSerializer,
    RatingInputSerializer,
    SubmitRatingsSerializer,
    SubmitResultSerializer,
)

ERROR = OpenApiResponse(inline_serializer("EvaluationError", {"detail": serializers.CharField()}))


class IsEvaluator(permissions.BasePermission):
    message = "Only evaluators can rate recommendations; ask an admin to add you to the evaluator group."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_evaluator(request.user)


def _task_payload(request: Request, assignment: Assignment) -> dict[str, Any]:
    seed, items = selectors.task_for_evaluator(assignment.task, signed_in_user(request))
    number, total = selectors.evaluator_position(signed_in_user(request), assignment)
    return EvaluationTaskSerializer({"assignment": assignment, "seed": seed, "items": items, "number": number,
                                     "total": total}, context={"request": request}).data


class NextTaskView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsEvaluator]

    @extend_schema(
        summary="Get my next task to rate",
        description="Hands back your unfinished task if you have one, else assigns the open task that most needs "
                    "ratings and that you haven't had. Lists are blind: no system, rank or score, items in a stored "
                    "random order. 204 when nothing needs your ratings.",
        parameters=[OpenApiParameter("campaign", OpenApiTypes.INT, description="only from this campaign")],
        request=None,
        responses={200: EvaluationTaskSerializer, 204: OpenApiResponse(description="nothing to rate"),
                   403: ERROR, 404: ERROR},
    )
    def post(self, request: Request) -> Response:
        campaign = None
        raw = request.query_params.get("campaign")
        if raw in (None, "") and hasattr(request.data, "get"):
            raw = request.data.get("campaign")
        if raw not in (None, ""):
            try:
                campaign = Campaign.objects.get(pk=int(raw))
            except (TypeError, ValueError):
                raise ValidationError({"campaign": ["must be a campaign id"]}) from None
            except Campaign.DoesNotExist:
                raise NotFound("No such campaign.") from None
        assignment = next_task(signed_in_user(request), campaign)
        if assignment is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(_task_payload(request, assignment))


def _my_assignment(request: Request, public_id: UUID) -> Assignment:
    assignment = selectors.assignment_for(signed_in_user(request), public_id)
    if assignment is None:
        raise NotYourTask("This task is not assigned to you.")
    return assignment


def _entries(assignment: Assignment, rows: list[dict[str, Any]]) -> list[RatingEntry]:
    """RatingEntries for rows that name items by their number in the task (never by primary key)."""
    item_ids = dict(assignment.task.items.values_list("display_position", "pk"))
    unknown = sorted({row["item"] for row in rows} - item_ids.keys())
    if unknown:
        raise InvalidRating(f"Items {unknown} are not in this task; its items are numbered 1 to {len(item_ids)}.")
    return [RatingEntry(item_ids[row["item"]], None, row.get("comment"), unrated=row["score"])
            if isinstance(row["score"], str) else RatingEntry(item_ids[row["item"]], row["score"], row.get("comment"))
            for row in rows]


class TaskDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsEvaluator]

    @extend_schema(summary="One of my tasks, with my ratings so far",
                   responses={200: EvaluationTaskSerializer, 403: ERROR})
    def get(self, request: Request, public_id: UUID) -> Response:
        return Response(_task_payload(request, _my_assignment(request, public_id)))


class SubmitRatingsView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsEvaluator]
    parser_classes = [parsers.JSONParser]  # a list of objects has no form encoding

    @extend_schema(
        summary="Rate items of my task (all at once or some)",
        description=f"Scores are whole numbers {MIN_SCORE}–{MAX_SCORE}, or instead `\"unknown\"` (you don't know "
                    "the track) or `\"unplayable\"` (you can't play it), counted apart from the scores. Comments "
                    f"up to {MAX_COMMENT_LENGTH} "
                    "characters (omit to keep an earlier comment). Rating an item again changes your rating and "
                    "keeps the old value in its history. The task counts as submitted once every item has an answer. "
                    "400 bad score or item, 403 not your task, 409 campaign closed.",
        request=SubmitRatingsSerializer,
        responses={200: SubmitResultSerializer, 400: ERROR, 403: ERROR, 409: ERROR},
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        serializer = SubmitRatingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _submit(request, public_id, serializer.validated_data["ratings"])


class ItemRatingView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsEvaluator]

    @extend_schema(
        summary="Rate one item of my task",
        parameters=[OpenApiParameter("item", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH,
                                     description="the item's number in the task's list, 1 to k")],
        description="Send a `score` 1–5, or instead `\"unknown\"` or `\"unplayable\"`.",
        request=inline_serializer("ItemRatingInput", {
            "score": AnswerField(),
            "comment": serializers.CharField(required=False, allow_blank=True, max_length=MAX_COMMENT_LENGTH)}),
        responses={200: SubmitResultSerializer, 400: ERROR, 403: ERROR, 409: ERROR},
    )
    def put(self, request: Request, public_id: UUID, item: int) -> Response:
        if not hasattr(request.data, "get"):
            raise ValidationError({"detail": "Send an object like {\"score\": 4, \"comment\": \"…\"}."})
        data = {"item": item, "score": request.data.get("score")}
        if "comment" in request.data:
            data["comment"] = request.data.get("comment")
        serializer = RatingInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        return _submit(request, public_id, [serializer.validated_data])


def _submit(request: Request, public_id: UUID, rows: list[dict[str, Any]]) -> Response:
    assignment = _my_assignment(request, public_id)
    result = submit_ratings(signed_in_user(request), assignment.task, _entries(assignment, rows))
    return Response(SubmitResultSerializer(result).data)


class CampaignListView(generics.ListAPIView):
    serializer_class = CampaignSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self) -> QuerySet[Campaign]:
        queryset = Campaign.objects.all() if self.request.user.is_staff else selectors.public_campaigns()
        return queryset.order_by("-created_at", "-pk")

    @extend_schema(summary="Evaluation campaigns (opened ones; staff also see drafts)")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CampaignDetailView(generics.RetrieveAPIView):
    serializer_class = CampaignSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self) -> QuerySet[Campaign]:
        return Campaign.objects.all() if self.request.user.is_staff else selectors.public_campaigns()

    @extend_schema(summary="One evaluation campaign with its progress")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CampaignAggregatesView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Per-system results of a campaign",
        description="For each system: mean human score with 95% CI, number of ratings, nDCG@k (mean score − 1 as "
                    "graded relevance, over fully rated lists), Krippendorff's alpha (ordinal, items with ≥ 2 "
                    "ratings), Spearman ρ between cosine similarity and mean human score, score distribution; "
                    "`unknown` and `unplayable` count the answers without a score, which enter no statistic. "
                    "Statistics without enough data are null. A campaign comparing index versions has one row per "
                    "arm (`system` like `cosine@12`), described in `arms` with the weights of its version.",
        responses={200: AggregatesSerializer, 403: ERROR, 404: ERROR},
    )
    def get(self, request: Request, pk: int) -> Response:
        queryset = Campaign.objects.all() if request.user.is_staff else selectors.public_campaigns()
        campaign = get_object_or_404(queryset, pk=pk)
        selectors.require_results_visible(campaign, request.user)
        aggregates = selectors.campaign_aggregates(campaign)
        return Response(AggregatesSerializer({"campaign": campaign.pk, "index_version": campaign.index_version_id,
                                              "k": campaign.k, "arms": arms.describe(campaign),
                                              **aggregates.as_dict()}).data)


class VersionAggregatesView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="Per-system results pooled over every campaign of an index version",
                   responses={200: AggregatesSerializer, 404: ERROR})
    def get(self, request: Request, version_id: int) -> Response:
        version = get_object_or_404(IndexVersion, pk=version_id)
        campaigns = selectors.version_campaigns(version, request.user)
        if not campaigns.exists():
            raise NotFound("No evaluation campaign with public results has evaluated this index version.")
        aggregates = selectors.version_aggregates(version, request.user)
        return Response(AggregatesSerializer({"campaign": None, "index_version": version.pk, "k": None, "arms": {},
                                              **aggregates.as_dict()}).data)


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Mapping[str, Any] | None = None) -> bytes:
        if isinstance(data, dict) and "detail" in data:
            return f"{data['detail']}\n".encode()
        return str(data).encode()


class RatingsExportView(APIView):
    permission_classes = [permissions.IsAdminUser]
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]  # errors in JSON unless only CSV is accepted

    @extend_schema(
        summary="Raw ratings as CSV (staff only)",
        description="One row per rating with campaign, task, system, seed, rank, system score, cosine similarity, "
                    "evaluator, score (empty for a \"don't know\" / \"can't play\" answer, whose reason is in "
                    "`unrated`), comment, times and how often it was changed. Streams.",
        responses={(200, "text/csv"): OpenApiTypes.STR, 403: ERROR, 404: ERROR},
    )
    def get(self, request: Request, pk: int | None = None) -> StreamingHttpResponse:
        campaign = get_object_or_404(Campaign, pk=pk) if pk is not None else None
        filename = f"songrec-ratings-campaign-{pk}.csv" if campaign else "songrec-ratings.csv"
        response = StreamingHttpResponse(csv_lines(campaign), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
