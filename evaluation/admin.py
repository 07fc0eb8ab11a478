import secrets

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.html import format_html

from recommender.models import IndexVersion
from songrec.lib.outbox import enqueue

from . import selectors
from .assignment import release_stale_assignments
from .campaigns import build_campaign, close_campaign, create_campaign, known_systems, open_campaign, populate_campaign
from .errors import CampaignError, EvaluationError
from .models import Assignment, Campaign, EvaluatorProgress, Rating, RatingChange, RatingTask, TaskItem
from .tracking import log_campaign

FROZEN_FIELDS = ["index_version", "systems", "arm_weights", "seed_count", "k", "random_seed"]


class CampaignForm(forms.ModelForm):
    systems = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple,
                                        help_text="Lists of every chosen system are frozen for each seed.")
    random_seed = forms.IntegerField(required=False, help_text="Leave empty for a random one (it is stored).")
    compared_versions = forms.ModelMultipleChoiceField(
        queryset=IndexVersion.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="To compare weightings: other index versions (e.g. built with rebuild_index --no-activate "
                  "--genre-weight 1). Each chosen system is then rated blind on every version, as one arm each.")

    class Meta:
        model = Campaign
        fields = ["name", "description", "index_version", "compared_versions", "systems", "seed_count", "k",
                  "ratings_per_item", "tasks_per_evaluator", "random_seed", "evaluators", "live_results_public"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "systems" in self.fields:
            self.fields["systems"].choices = [(system, system) for system in known_systems()]
        if "index_version" in self.fields and not self.instance.pk:
            self.fields["index_version"].required = True
            self.fields["index_version"].queryset = IndexVersion.objects.filter(
                status__in=[IndexVersion.Status.ACTIVE, IndexVersion.Status.READY])
            self.fields["compared_versions"].queryset = self.fields["index_version"].queryset
            active = IndexVersion.objects.filter(status=IndexVersion.Status.ACTIVE).first()
            if active:
                self.fields["index_version"].initial = active.pk
        if "evaluators" in self.fields:
            self.fields["evaluators"].queryset = self.fields["evaluators"].queryset.filter(
                groups__name=settings.EVALUATOR_GROUP_NAME)

    def clean_random_seed(self):
        value = self.cleaned_data.get("random_seed")
        return secrets.randbelow(2**31) if value is None else value

    def campaign_fields(self):
        """The cleaned fields as ``create_campaign`` takes them."""
        data = self.cleaned_data
        return {"name": data.get("name"), "description": data.get("description", ""),
                "index_version": data.get("index_version"), "systems": data.get("systems") or [],
                "seed_count": data.get("seed_count"), "k": data.get("k"),
                "ratings_per_item": data.get("ratings_per_item"), "random_seed": data.get("random_seed"),
                "tasks_per_evaluator": data.get("tasks_per_evaluator"),
                "compared_versions": list(data.get("compared_versions") or ())}

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not self.errors:
            # A new campaign passes the same checks as the command and the API (k ≤ the version's k, …).
            try:
                build_campaign(**self.campaign_fields())
            except CampaignError as error:
                raise forms.ValidationError(error.message) from None
        return cleaned


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ["name", "status", "index_version", "system_list", "seed_count", "k", "ratings_per_item",
                    "task_progress", "results_link", "created_at"]
    list_filter = ["status", "index_version"]
    search_fields = ["name", "description"]
    filter_horizontal = ["evaluators"]
    actions = ["fill_campaigns", "open_campaigns", "close_campaigns", "log_to_mlflow", "release_stale"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["status", "created_by", "created_at", "opened_at", "closed_at", "mlflow_run_id",
                    "mlflow_logged_at", "results_link"]
        if obj is not None:
            # Frozen once created: changing them would make the stored lists lie about how they were made.
            readonly = FROZEN_FIELDS + readonly
        return readonly

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("index_version").annotate(
            task_total=Count("tasks", distinct=True))

    @admin.display(description="Systems")
    def system_list(self, campaign):
        return ", ".join(campaign.systems)

    @admin.display(description="Tasks (lists rated / wanted)")
    def task_progress(self, campaign):
        progress = selectors.campaign_progress(campaign)
        filled = "" if progress.tasks >= campaign.expected_task_count else f" · filling {progress.tasks}/" \
                                                                           f"{campaign.expected_task_count}"
        return f"{progress.lists_submitted}/{progress.lists_needed}{filled}"

    @admin.display(description="Results")
    def results_link(self, campaign):
        if not campaign.pk:
            return "—"
        return format_html('<a href="{}">results</a>', reverse("evaluation:results", args=[campaign.pk]))

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        campaign = create_campaign(**form.campaign_fields(), evaluators=form.cleaned_data.get("evaluators") or (),
                                   created_by=request.user)
        # The admin goes on with ``obj`` (its many-to-many, the log entry, the redirect): make it the stored row.
        obj.__dict__.update(campaign.__dict__)
        # Recorded with the campaign: a broker that is down delays the filling, it can't lose it.
        enqueue("evaluation.tasks.populate_campaign", [obj.pk], dedupe_key=f"campaign-{obj.pk}-fill",
                on_broker_down=lambda error: self.message_user(request, str(error), messages.WARNING))
        self.message_user(request, f"The recommendation lists of “{obj.name}” are frozen in the background; "
                                   f"open it once filled.", messages.INFO)

    def _each(self, request, queryset, action, done):
        for campaign in queryset:
            try:
                action(campaign)
            except EvaluationError as error:
                self.message_user(request, f"{campaign}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{campaign}: {done}", messages.SUCCESS)

    @admin.action(description="Fill: freeze missing recommendation lists")
    def fill_campaigns(self, request, queryset):
        self._each(request, queryset, populate_campaign, "lists frozen.")

    @admin.action(description="Open to evaluators")
    def open_campaigns(self, request, queryset):
        self._each(request, queryset, open_campaign, "open.")

    @admin.action(description="Close (stop ratings, log results to MLflow)")
    def close_campaigns(self, request, queryset):
        def close(campaign):
            return close_campaign(campaign, on_broker_down=lambda error: self.message_user(
                request, f"{campaign}: {error}", messages.WARNING))

        self._each(request, queryset, close, "closed; results are being logged to MLflow.")

    @admin.action(description="Log results to MLflow now")
    def log_to_mlflow(self, request, queryset):
        self._each(request, queryset, log_campaign, "logged to MLflow.")

    @admin.action(description="Release tasks abandoned by evaluators")
    def release_stale(self, request, queryset):
        released = sum(release_stale_assignments(campaign=campaign) for campaign in queryset)
        self.message_user(request, f"Released {released} abandoned task{'s' if released != 1 else ''}.")


class TaskItemInline(admin.TabularInline):
    model = TaskItem
    extra = 0
    can_delete = False
    fields = ["rank", "track", "system_score", "cosine_similarity", "display_position"]
    readonly_fields = fields
    ordering = ["rank"]

    def has_add_permission(self, request, obj=None):
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    fields = ["evaluator", "status", "assigned_at", "submitted_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RatingTask)
class RatingTaskAdmin(admin.ModelAdmin):
    list_display = ["pk", "campaign", "system", "seed_track", "assigned_count", "submitted_count"]
    list_filter = ["campaign", "system"]
    search_fields = ["seed_track__name", "seed_track__spotify_id"]
    readonly_fields = ["campaign", "seed_track", "system", "priority", "assigned_count", "submitted_count",
                       "created_at"]
    inlines = [TaskItemInline, AssignmentInline]
    list_select_related = ["campaign", "seed_track"]

    def has_add_permission(self, request):
        return False  # tasks are frozen by filling a campaign


class RatingChangeInline(admin.TabularInline):
    model = RatingChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "previous_score", "previous_unrated", "score", "unrated", "previous_comment", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["pk", "evaluator", "score", "unrated", "campaign", "system", "item", "change_count", "updated_at"]
    list_filter = ["score", "unrated", "item__task__campaign", "item__task__system"]
    search_fields = ["evaluator__username", "comment", "item__track__name"]
    readonly_fields = ["item", "evaluator", "score", "unrated", "comment", "created_at", "updated_at"]
    inlines = [RatingChangeInline]

    def get_queryset(self, request):
        return (super().get_queryset(request).select_related("evaluator", "item__task__campaign")
                .annotate(changes_total=Count("changes")))

    def has_add_permission(self, request):
        return False  # ratings come from evaluators only

    @admin.display(description="Campaign", ordering="item__task__campaign")
    def campaign(self, rating):
        return rating.item.task.campaign

    @admin.display(description="System", ordering="item__task__system")
    def system(self, rating):
        return rating.item.task.system

    @admin.display(description="Changes", ordering="changes_total")
    def change_count(self, rating):
        return rating.changes_total


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "evaluator", "status", "assigned_at", "submitted_at"]
    list_filter = ["status", "task__campaign"]
    search_fields = ["evaluator__username"]
    readonly_fields = ["task", "evaluator", "status", "assigned_at", "submitted_at", "released_at"]
    list_select_related = ["task__campaign", "evaluator"]

    def has_add_permission(self, request):
        return False


@admin.register(EvaluatorProgress)
class EvaluatorProgressAdmin(admin.ModelAdmin):
    """Each evaluator's tasks submitted and in progress, ratings given and last activity."""

    list_display = ["username", "email", "is_active", "tasks_submitted", "tasks_in_progress", "ratings_given",
                    "last_rated"]
    search_fields = ["username", "email"]
    list_filter = ["is_active"]
    fields = ["username", "email", "is_active", "tasks_submitted", "tasks_in_progress", "ratings_given",
              "last_rated"]
    readonly_fields = fields

    def get_queryset(self, request):
        submitted = Q(evaluation_assignments__status=Assignment.Status.SUBMITTED)
        active = Q(evaluation_assignments__status=Assignment.Status.ACTIVE)
        return (super().get_queryset(request).filter(groups__name=settings.EVALUATOR_GROUP_NAME)
                .annotate(submitted_total=Count("evaluation_assignments", filter=submitted, distinct=True),
                          active_total=Count("evaluation_assignments", filter=active, distinct=True),
                          ratings_total=Count("evaluation_ratings", distinct=True),
                          last_rating=Max("evaluation_ratings__updated_at")))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Tasks submitted", ordering="submitted_total")
    def tasks_submitted(self, user):
        return user.submitted_total

    @admin.display(description="In progress", ordering="active_total")
    def tasks_in_progress(self, user):
        return user.active_total

    @admin.display(description="Ratings", ordering="ratings_total")
    def ratings_given(self, user):
        return user.ratings_total

    @admin.display(description="Last rated", ordering="last_rating")
    def last_rated(self, user):
        return user.last_rating
