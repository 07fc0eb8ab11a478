"""Fit the similar lists' blend (audio / genre / together) to a closed campaign's scores or the dev playlists."""

from django.core.management.base import BaseCommand, CommandError

from evaluation.campaigns import create_campaign
from evaluation.errors import CampaignError
from evaluation.models import Campaign
from evaluation.weights import fit_weights
from recommender import services
from recommender.errors import RecommenderError
from recommender.index.params import IndexParams
from recommender.selectors import active_version
from recommender.together.active import active_model
from recommender.together.training import set_blends
from recommender.together.weight_fitting import NotEnoughJudgements


class Command(BaseCommand):
    help = ("Learn the similar lists' weighting (audio, genre and together similarity; pairwise logistic fit) "
            "from a closed campaign's 1–5 scores or from the development playlists, log it to MLflow, and "
            "optionally apply it or open a campaign putting it against the current weighting.")

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--campaign", type=int, help="a closed campaign's id")
        source.add_argument("--playlists", choices=["dev"], help="the development half of the curated playlists")
        parser.add_argument("--apply", action="store_true",
                            help="set the active together model's similar_blend to the learned together share")
        parser.add_argument("--open-campaign", metavar="NAME",
                            help="build an index version with the learned audio/genre weights (not activated) and "
                                 "create a draft campaign comparing blend and cosine on it and on the active one")
        parser.add_argument("--seeds", type=int, default=30, help="seed tracks of that campaign (default 30)")
        parser.add_argument("--no-mlflow", action="store_true")

    def handle(self, *args, campaign=None, playlists=None, apply=False, open_campaign=None, seeds=30,
               no_mlflow=False, **options):
        found = None
        if campaign is not None:
            found = Campaign.objects.select_related("index_version").filter(pk=campaign).first()
            if found is None:
                raise CommandError(f"campaign {campaign} does not exist")
        if apply and active_model() is None:
            raise CommandError("--apply needs an active together model: run manage.py train_together_model first")
        if open_campaign and Campaign.objects.filter(name=open_campaign.strip()).exists():
            raise CommandError(f"a campaign named “{open_campaign.strip()}” already exists")
        try:
            fitted, run_id = fit_weights(campaign=found, playlists=playlists, log_to_mlflow=not no_mlflow)
        except NotEnoughJudgements as error:
            raise CommandError(f"not enough judgements to fit: {error}; nothing changed") from None
        except CampaignError as error:
            raise CommandError(f"{error.message}; nothing changed") from None
        audio_weight, genre_weight = fitted.index_weights()
        shares = ", ".join(f"{name} {value:.3f}" for name, value in fitted.weights.items())
        self.stdout.write(f"Learned shares: {shares} from {fitted.pairs} judged pairs ({fitted.agreement:.1%} ordered "
                          f"as judged); index weights audio {audio_weight:g}, genre {genre_weight:.3f}; similar "
                          f"blend {fitted.similar_blend:.3f}" + (f"; MLflow run {run_id}" if run_id else "") + ".")
        if apply:
            model = set_blends(active_model(), {"similar_blend": round(fitted.similar_blend, 4)})
            self.stdout.write(f"Together model {model.pk}: similar_blend is now {model.similar_blend:g}.")
        if open_campaign:
            self._open(open_campaign.strip(), audio_weight, genre_weight, seeds)

    def _open(self, name, audio_weight, genre_weight, seeds):
        current = active_version()
        try:
            params = IndexParams.from_settings(audio_weight=audio_weight, genre_weight=genre_weight)
            learned = services.rebuild_index(params, activate=False).version
            made = create_campaign(name=name, index_version=current, systems=["blend", "cosine"], seed_count=seeds,
                                   k=10, compared_versions=[learned],
                                   description="The learned audio / genre weighting (fit_weights) against the "
                                               "current one.")
        except (RecommenderError, CampaignError, ValueError) as error:
            raise CommandError(f"the weights were fitted but no campaign was opened: {error}") from None
        self.stdout.write(f"Index version {learned.pk} built with the learned weights (not active); draft campaign "
                          f"{made.pk} “{made.name}” compares {', '.join(made.systems)}: fill and open it in the "
                          f"admin.")
