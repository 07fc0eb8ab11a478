"""songrec settings: one module, driven by environment variables.

Local defaults give a zero-config demo (SQLite, eager Celery tasks, DEBUG on).
Production sets DATABASE_URL, CELERY_BROKER_URL/REDIS_URL, SECRET_KEY and DEBUG=0.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("SONGREC_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has none; SQLite can't create the folder itself

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-key-not-for-production"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "songrec.lib.outbox",
    "catalog",
    "catalog.playlists",
    "catalog.crawl",
    "catalog.explore",
    "catalog.covers",
    "recommender",
    "recommender.clusters",
    "recommender.together",
    "recommender.generation",
    "recommender.personal",
    "recommender.personal.spotify_account",
    "recommender.spotify_api",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "songrec.middleware.RejectMalformedRequestsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Domain errors a page lets through: the error page with their status and message.
    "songrec.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "songrec.urls"
WSGI_APPLICATION = "songrec.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "recommender.personal.context_processors.reactions",
                "catalog.playlists.context_processors.my_playlists",
                "recommender.context_processors.first_index",
            ],
            "builtins": ["songrec.lib.template_builtins"],
        },
    },
]

# Database: PostgreSQL via psycopg 3 in production and tests; a SQLite file for the demo.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'songrec.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The hot reads of songrec/sql.py are prepared after 5 runs on a connection (Django's own queries never are);
    # DATABASE_PREPARED_READS=0 behind a pooler that can't keep prepared statements (pgbouncer before 1.21 in
    # transaction mode).
    if env.bool("DATABASE_PREPARED_READS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` serves pages while a second process builds the index into the same file: in WAL mode readers
    # never wait for that writer, and a write takes the lock at BEGIN and waits up to 20 s for it rather than
    # failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis serves as Celery broker, result backend and shared cache when configured.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and env.str("PYTEST_XDIST_WORKER", default=""):
    # Tests in parallel (pytest-xdist's gw0, gw1, …): pytest-django gives each worker its own test database, and
    # this its own Redis database, the next ones after REDIS_URL's, so one worker's flush never reaches another's.
    _redis = urlsplit(REDIS_URL)
    _database = int(_redis.path.strip("/") or 0) + int(env.str("PYTEST_XDIST_WORKER").removeprefix("gw"))
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_database}"))
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
# Without a broker, tasks run in-process so the demo works with nothing else running.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A worker process killed mid-task (OOM, kill -9) gives the message back instead of acknowledging it as failed:
# every task is idempotent, so running it again is safe (see each app's tasks.py).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = env.str("TIME_ZONE", default="UTC")
# A broker that is down is noticed within CELERY_BROKER_TIMEOUT seconds instead of ~20 s of retries; what could
# not be sent waits in the outbox (songrec/lib/outbox/), which Beat and every starting worker dispatch.
CELERY_BROKER_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_TIMEOUT
# socket_timeout bounds each reply too: a broker that accepts the connection but never answers (a hung Redis, a
# half-open proxy) would otherwise block a publish forever, and the result backend's reads for 120 s. Redis answers
# in microseconds, and a worker's BRPOP waits 1 s, so the bound never cuts a healthy call short.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": CELERY_BROKER_TIMEOUT,
                                   "socket_timeout": CELERY_BROKER_TIMEOUT, "max_retries": 0}
# The result backend (the same Redis) is called first: apply_async subscribes to the task's result channel, and on
# an error reconnects once (an MGET) before giving up, so each of those two round trips gets half the budget.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_REDIS_SOCKET_TIMEOUT = CELERY_BROKER_TIMEOUT / 2
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0, "timeout": CELERY_BROKER_TIMEOUT}}
# An outbox row sent this long ago whose task never started was lost by the broker: it is sent again (at most
# OUTBOX_MAX_ATTEMPTS sends in all). Longer than the longest queue wait, as a re-send of a slow task runs it twice.
OUTBOX_RESEND_SECONDS = env.int("OUTBOX_RESEND_SECONDS", default=900)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
CELERY_BEAT_SCHEDULE = {
    "dispatch-outbox": {"task": "catalog.outbox.dispatch_pending", "schedule": 60.0},
    # Work whose worker died: a rebuild's version is failed and a fresh rebuild queued; an import is re-queued.
    "restart-dead-rebuild": {"task": "recommender.tasks.restart_dead_rebuild", "schedule": 60.0},
    "recover-stale-imports": {"task": "recommender.personal.tasks.recover_stale_imports", "schedule": 60.0},
    # Cover art for albums still without (resumable; a batch queues the next until none is left or Spotify says stop).
    "fetch-covers": {"task": "catalog.covers.fetch_covers", "schedule": 3600.0},
}

if REDIS_URL:
    # Redis down: answered as cache misses (songrec/cache.py); an unreachable Redis fails a call within seconds.
    CACHES = {"default": {"BACKEND": "songrec.lib.cache.ForgivingRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": CELERY_BROKER_TIMEOUT, "socket_timeout": 5}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Reverse proxies in front of the app that append to X-Forwarded-For (throttles and login lockouts trust only those).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
REST_FRAMEWORK = {
    # Token first: DRF answers 401 with `WWW-Authenticate: Token` only when the first class names a scheme.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Domain errors (songrec.lib.errors.DomainError) answer with their own status and message.
    "EXCEPTION_HANDLER": "songrec.lib.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # ?format= only as the schema documents it (an empty one is not the default where a view has several).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "songrec.lib.negotiation.SchemaFormatNegotiation",
    # Counted in the default cache (Redis when REDIS_URL is set), so every web process shares the counts.
    "DEFAULT_THROTTLE_CLASSES": [
        "songrec.lib.throttles.AnonymousRateThrottle",
        "songrec.lib.throttles.SignedInRateThrottle",
        "songrec.lib.throttles.ScopedThrottle",
    ],
    # Client address for throttling: REMOTE_ADDR unless TRUSTED_PROXY_COUNT proxies append X-Forwarded-For.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="300/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
        "evaluation-token": env.str("API_THROTTLE_TOKEN", default="10/minute"),
        # The Spotify-compatible API (recommender.spotify_api): per API client, and token requests per address.
        "spotify-api": env.str("API_THROTTLE_SPOTIFY", default="1200/minute"),
        "spotify-token": env.str("API_THROTTLE_SPOTIFY_TOKEN", default="60/minute"),
        "signup": env.str("SIGNUP_THROTTLE", default="10/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "songrec API",
    "DESCRIPTION": "Content-based music recommendations with human evaluation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Fields named "status" with other choice sets each get a name of their own; queued/running/done/failed is
    # shared by history imports and Spotify pushes.
    "ENUM_NAME_OVERRIDES": {
        "SpotifyConnectionStatusEnum": "recommender.personal.spotify_account.models.SpotifyConnection.Status",
        "WorkStatusEnum": "recommender.personal.spotify_account.models.WorkStatus"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "songrec.lib.schema.document_error_responses",
    ],
}

# Production hardening; all on whenever DEBUG is off (`manage.py check --deploy` passes).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # MLflow and its migrations narrate every run at INFO, drowning the commands' progress bars.
    "loggers": {name: {"level": "WARNING"} for name in ("mlflow", "alembic")},
}

# --- catalog -------------------------------------------------------------------------
# Where `import_tracks` keeps downloaded dataset files (verified by sha256).
SONGREC_DOWNLOAD_DIR = VAR_DIR / "downloads"
# Search queries longer than this are rejected with HTTP 400.
SEARCH_MAX_QUERY_LENGTH = 200

# --- recommender ---------------------------------------------------------------------
MLFLOW_TRACKING_URI = env.str("MLFLOW_TRACKING_URI", default=f"sqlite:///{VAR_DIR / 'mlflow.db'}")
MLFLOW_EXPERIMENT_NAME = env.str("MLFLOW_EXPERIMENT_NAME", default="songrec-index")
MLFLOW_ARTIFACT_ROOT = env.str("MLFLOW_ARTIFACT_ROOT", default=str(VAR_DIR / "mlartifacts"))
RECOMMENDER_INDEX_DIR = Path(env.str("RECOMMENDER_INDEX_DIR", default=str(VAR_DIR / "index")))
RECOMMENDER_DEFAULT_K = env.int("RECOMMENDER_DEFAULT_K", default=50)
# Built versions kept on disk and in the database (the active one included; at least 2 are always kept).
RECOMMENDER_KEEP_VERSIONS = env.int("RECOMMENDER_KEEP_VERSIONS", default=3)
# Relative weights of the feature blocks (each block is scaled to unit RMS norm before weighting).
RECOMMENDER_AUDIO_WEIGHT = env.float("RECOMMENDER_AUDIO_WEIGHT", default=1.0)
RECOMMENDER_GENRE_WEIGHT = env.float("RECOMMENDER_GENRE_WEIGHT", default=0.5)  # README: bench_weights.py
RECOMMENDER_POPULARITY_WEIGHT = env.float("RECOMMENDER_POPULARITY_WEIGHT", default=0.0)
# Per-feature weights inside the audio block; unnamed features weigh 1. Pitch class numbers are not ordinal
# and most tracks are in 4/4, so key and time signature count half.
RECOMMENDER_FEATURE_WEIGHTS = {"key": 0.5, "time_signature": 0.5}
RECOMMENDER_GENRE_MAX_TERMS = env.int("RECOMMENDER_GENRE_MAX_TERMS", default=256)
# Threads for the top-k computation (default: every core).
RECOMMENDER_INDEX_THREADS = env.int("RECOMMENDER_INDEX_THREADS", default=0)
# A "building" version whose heartbeat is older than this is treated as killed and marked failed.
RECOMMENDER_REBUILD_STALE_SECONDS = env.int("RECOMMENDER_REBUILD_STALE_SECONDS", default=600)
# Multi-seed target_* re-ranking: score penalty per standard deviation away from the target.
RECOMMENDER_TARGET_WEIGHT = env.float("RECOMMENDER_TARGET_WEIGHT", default=0.1)
# Lifetime of a /api/token bearer token for the Spotify-compatible API (recommender.spotify_api.auth).
SPOTIFY_API_TOKEN_SECONDS = env.int("SPOTIFY_API_TOKEN_SECONDS", default=3600)
# Nightly refresh (issue 14): incremental updates keep the fitted pipeline until it is this many days old or
# this share of the catalog changed since the fit; then the pipeline is refitted by a full rebuild.
RECOMMENDER_REFIT_DAYS = env.int("RECOMMENDER_REFIT_DAYS", default=7)
RECOMMENDER_REFIT_DRIFT = env.float("RECOMMENDER_REFIT_DRIFT", default=0.1)
# Row blocks per Celery shard of a distributed rebuild (rebuild_index --shards / recommender.tasks).
RECOMMENDER_SHARD_ROWS = env.int("RECOMMENDER_SHARD_ROWS", default=20_000)
# Approximate neighbour lists (rebuild_index --approximate; README "Scale"): off, the build is exact. k-means
# lists (0: one per ~256 tracks) and lists searched per track; the recall@k measured on a sample of this many
# tracks must reach the minimum, or the build is refused (the active version stays).
RECOMMENDER_APPROXIMATE = env.bool("RECOMMENDER_APPROXIMATE", default=False)
RECOMMENDER_APPROXIMATE_NLIST = env.int("RECOMMENDER_APPROXIMATE_NLIST", default=0)
RECOMMENDER_APPROXIMATE_NPROBE = env.int("RECOMMENDER_APPROXIMATE_NPROBE", default=48)
RECOMMENDER_APPROXIMATE_MIN_RECALL = env.float("RECOMMENDER_APPROXIMATE_MIN_RECALL", default=0.99)
RECOMMENDER_APPROXIMATE_RECALL_ROWS = env.int("RECOMMENDER_APPROXIMATE_RECALL_ROWS", default=1000)

# --- listeners (recommender.personal) ------------------------------------------------
# Uploads of Spotify account-data exports: the largest file accepted, and the zip limits (total uncompressed
# size, members, compression ratio) that refuse zip bombs. The size limit is enforced while the body streams in.
# Files up to PERSONAL_INLINE_IMPORT_BYTES are imported in the request for at most PERSONAL_INLINE_IMPORT_SECONDS,
# then handed to Celery; a running import whose heartbeat is older than PERSONAL_IMPORT_STALE_SECONDS lost its
# worker and is run again (at most PERSONAL_IMPORT_MAX_ATTEMPTS runs), or failed with a message.
PERSONAL_UPLOAD_MAX_BYTES = env.int("PERSONAL_UPLOAD_MAX_BYTES", default=512 * 1024 * 1024)
# Any multipart body is cut off (and refused) once it passes this, while it streams in (songrec/lib/uploads.py).
UPLOAD_MAX_BYTES = PERSONAL_UPLOAD_MAX_BYTES
FILE_UPLOAD_HANDLERS = ["songrec.lib.uploads.SizeLimitedUploadHandler",
                        "django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
PERSONAL_ZIP_MAX_UNCOMPRESSED_BYTES = env.int("PERSONAL_ZIP_MAX_UNCOMPRESSED_BYTES", default=2 * 1024 ** 3)
PERSONAL_ZIP_MAX_MEMBERS = env.int("PERSONAL_ZIP_MAX_MEMBERS", default=500)
PERSONAL_ZIP_MAX_RATIO = env.int("PERSONAL_ZIP_MAX_RATIO", default=100)
PERSONAL_INLINE_IMPORT_BYTES = env.int("PERSONAL_INLINE_IMPORT_BYTES", default=5 * 1024 * 1024)
PERSONAL_INLINE_IMPORT_SECONDS = env.float("PERSONAL_INLINE_IMPORT_SECONDS", default=3.0)
PERSONAL_IMPORT_STALE_SECONDS = env.int("PERSONAL_IMPORT_STALE_SECONDS", default=300)
PERSONAL_IMPORT_MAX_ATTEMPTS = env.int("PERSONAL_IMPORT_MAX_ATTEMPTS", default=3)
PERSONAL_UPLOAD_DIR = Path(env.str("PERSONAL_UPLOAD_DIR", default=str(VAR_DIR / "uploads")))
# Plays shorter than this don't count; artist + title matches below this fuzzy score stay unmatched.
PERSONAL_MIN_PLAY_MS = env.int("PERSONAL_MIN_PLAY_MS", default=30_000)
PERSONAL_MATCH_MIN_SCORE = env.float("PERSONAL_MATCH_MIN_SCORE", default=88.0)
# Recency: a play this many days old counts half.
PERSONAL_PLAY_HALF_LIFE_DAYS = env.float("PERSONAL_PLAY_HALF_LIFE_DAYS", default=180.0)
# A listener's computed "For you" ranking is cached until their signals change, and at most this long
# (play recency weights drift slowly; a day of it is a small fraction of the half-life).
PERSONAL_CACHE_SECONDS = env.int("PERSONAL_CACHE_SECONDS", default=86_400)
# The collaborative model (implicit ALS): used (blended) only with this many listeners in the trained model.
PERSONAL_MIN_LISTENERS = env.int("PERSONAL_MIN_LISTENERS", default=20)
PERSONAL_ALS_FACTORS = env.int("PERSONAL_ALS_FACTORS", default=64)
PERSONAL_ALS_ITERATIONS = env.int("PERSONAL_ALS_ITERATIONS", default=15)
PERSONAL_ALS_REGULARIZATION = env.float("PERSONAL_ALS_REGULARIZATION", default=0.05)
PERSONAL_ALS_THREADS = env.int("PERSONAL_ALS_THREADS", default=2)
PERSONAL_EVAL_MAX_LISTENERS = env.int("PERSONAL_EVAL_MAX_LISTENERS", default=500)
PERSONAL_MLFLOW_EXPERIMENT_NAME = env.str("PERSONAL_MLFLOW_EXPERIMENT_NAME", default="songrec-personal")
# The together model (recommender/together): tracks people put in one playlist or like together.
TOGETHER_MLFLOW_EXPERIMENT_NAME = env.str("TOGETHER_MLFLOW_EXPERIMENT_NAME", default="songrec-together")
TOGETHER_THREADS = env.int("TOGETHER_THREADS", default=2)
# bench/bench_playlists.py logs each run here; the results page reads the newest one.
PLAYLISTS_BENCH_MLFLOW_EXPERIMENT_NAME = env.str("PLAYLISTS_BENCH_MLFLOW_EXPERIMENT_NAME",
                                                 default="songrec-playlists-bench")

# --- listeners' Spotify accounts (recommender/personal/spotify_account) ------------------------------------
# The Fernet key that encrypts listeners' Spotify tokens at rest (44 url-safe base64 characters, e.g. from
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`); when unset it is
# derived from SECRET_KEY, so rotating SECRET_KEY then disconnects every listener's Spotify account.
SPOTIFY_TOKEN_KEY = env.str("SPOTIFY_TOKEN_KEY", default="")
# Where Spotify sends the listener back after authorizing (registered in the Spotify app's settings); empty:
# this site's /me/spotify/callback/ as the request reached it.
SPOTIFY_REDIRECT_URI = env.str("SPOTIFY_REDIRECT_URI", default="")
# A push or an import that meets a rate limit, a 5xx or an unreachable Spotify is retried this many times, waiting
# Retry-After (at most SPOTIFY_ACCOUNT_MAX_WAIT seconds) or a growing backoff in between.
SPOTIFY_ACCOUNT_MAX_RETRIES = env.int("SPOTIFY_ACCOUNT_MAX_RETRIES", default=6)
SPOTIFY_ACCOUNT_MAX_WAIT = env.int("SPOTIFY_ACCOUNT_MAX_WAIT", default=3600)
SPOTIFY_ACCOUNT_BACKOFF_SECONDS = env.int("SPOTIFY_ACCOUNT_BACKOFF_SECONDS", default=30)
# Saved tracks read per import (Spotify pages them 50 at a time).
SPOTIFY_IMPORT_MAX_SAVED_TRACKS = env.int("SPOTIFY_IMPORT_MAX_SAVED_TRACKS", default=10_000)

# --- evaluation ----------------------------------------------------------------------
EVALUATOR_GROUP_NAME = "evaluators"
# A task left unfinished this long gives its slot to another evaluator (its owner may still finish it).
EVALUATION_ASSIGNMENT_TIMEOUT_MINUTES = env.int("EVALUATION_ASSIGNMENT_TIMEOUT_MINUTES", default=120)

# --- spotify crawl -------------------------------------------------------------------
SPOTIFY_CLIENT_ID = env.str("SPOTIFY_CLIENT_ID", default="")
SPOTIFY_CLIENT_SECRET = env.str("SPOTIFY_CLIENT_SECRET", default="")
# Overridable so tests (and proxies) can point spotipy at another server.
SPOTIFY_API_PREFIX = env.str("SPOTIFY_API_PREFIX", default="https://api.spotify.com/v1/")
# Spotify's accounts service: listeners authorize songrec at <accounts>/authorize; tokens come from SPOTIFY_TOKEN_URL.
SPOTIFY_ACCOUNTS_URL = env.str("SPOTIFY_ACCOUNTS_URL", default="https://accounts.spotify.com").rstrip("/")
SPOTIFY_TOKEN_URL = env.str("SPOTIFY_TOKEN_URL", default=f"{SPOTIFY_ACCOUNTS_URL}/api/token")
# Seeds: search queries, playlist ids, and a slice of the catalog's own artists each run.
SPOTIFY_SEED_QUERIES = env.list("SPOTIFY_SEED_QUERIES", default=[
    "genre:pop", "genre:rock", "genre:hip-hop", "genre:electronic", "genre:jazz", "genre:k-pop",
    "genre:latin", "genre:classical", "genre:country", "genre:r-n-b"])
SPOTIFY_SEED_PLAYLISTS = env.list("SPOTIFY_SEED_PLAYLISTS", default=[])
SPOTIFY_SEED_CATALOG_ARTISTS = env.int("SPOTIFY_SEED_CATALOG_ARTISTS", default=20)  # per run; 0 turns it off
SPOTIFY_MARKET = env.str("SPOTIFY_MARKET", default="US")
# Page size of search and artist-album lists: development-mode apps may ask for at most 10 since Feb 2026.
SPOTIFY_PAGE_LIMIT = env.int("SPOTIFY_PAGE_LIMIT", default=10)
SPOTIFY_SEARCH_PAGES = env.int("SPOTIFY_SEARCH_PAGES", default=1)
SPOTIFY_ALBUMS_PER_ARTIST = env.int("SPOTIFY_ALBUMS_PER_ARTIST", default=10)
SPOTIFY_ALBUM_GROUPS = env.str("SPOTIFY_ALBUM_GROUPS", default="album,single")
# Audio features: "auto" tries Spotify, then ReccoBeats; or "spotify", "reccobeats", "none".
SPOTIFY_FEATURES_PROVIDER = env.str("SPOTIFY_FEATURES_PROVIDER", default="auto")
RECCOBEATS_API_URL = env.str("RECCOBEATS_API_URL", default="https://api.reccobeats.com/v1/")
RECCOBEATS_REQUESTS_PER_SECOND = env.float("RECCOBEATS_REQUESTS_PER_SECOND", default=2.0)
# ReccoBeats reports 11 of the 12 features (no time_signature); this value (4/4, the time signature of ~90% of
# the Spotify Tracks Dataset) completes them so the track can be indexed. Empty leaves it null (not indexed).
RECCOBEATS_DEFAULT_TIME_SIGNATURE = env.str("RECCOBEATS_DEFAULT_TIME_SIGNATURE", default="4")
# Politeness and failure handling.
SPOTIFY_REQUESTS_PER_SECOND = env.float("SPOTIFY_REQUESTS_PER_SECOND", default=3.0)
SPOTIFY_REQUEST_TIMEOUT = env.float("SPOTIFY_REQUEST_TIMEOUT", default=10.0)
SPOTIFY_MAX_RETRY_AFTER = env.int("SPOTIFY_MAX_RETRY_AFTER", default=60)  # longer 429 waits stop the run
SPOTIFY_MAX_RETRIES = env.int("SPOTIFY_MAX_RETRIES", default=4)  # for 5xx and timeouts
SPOTIFY_BACKOFF_SECONDS = env.float("SPOTIFY_BACKOFF_SECONDS", default=1.0)
SPOTIFY_MAX_CONSECUTIVE_FAILURES = env.int("SPOTIFY_MAX_CONSECUTIVE_FAILURES", default=5)
# Batch sizes (Spotify's own maxima) and the size of one run.
SPOTIFY_TRACK_BATCH_SIZE = env.int("SPOTIFY_TRACK_BATCH_SIZE", default=50)
SPOTIFY_ARTIST_BATCH_SIZE = env.int("SPOTIFY_ARTIST_BATCH_SIZE", default=50)
SPOTIFY_FEATURES_BATCH_SIZE = env.int("SPOTIFY_FEATURES_BATCH_SIZE", default=100)
RECCOBEATS_BATCH_SIZE = env.int("RECCOBEATS_BATCH_SIZE", default=40)
SPOTIFY_CRAWL_TIME_BUDGET = env.int("SPOTIFY_CRAWL_TIME_BUDGET", default=30 * 60)  # seconds per run
SPOTIFY_CRAWL_MAX_ALBUMS = env.int("SPOTIFY_CRAWL_MAX_ALBUMS", default=200)  # per run
SPOTIFY_CRAWL_MAX_SEEDS = env.int("SPOTIFY_CRAWL_MAX_SEEDS", default=50)  # per run
SPOTIFY_FEATURE_BACKFILL = env.int("SPOTIFY_FEATURE_BACKFILL", default=500)  # tracks missing features, per run
SPOTIFY_ARTIST_DETAILS = env.int("SPOTIFY_ARTIST_DETAILS", default=200)  # artists without details, per run
SPOTIFY_STALE_AFTER_DAYS = env.int("SPOTIFY_STALE_AFTER_DAYS", default=30)  # then tracks/albums are re-fetched
SPOTIFY_FEATURES_RETRY_DAYS = env.int("SPOTIFY_FEATURES_RETRY_DAYS", default=7)  # ask providers again after
# The nightly schedule created by migration / `setup_schedule` (cron fields, in TIME_ZONE); editable in admin.
SPOTIFY_CRAWL_CRON = env.str("SPOTIFY_CRAWL_CRON", default="30 3 * * *")
# Optional Korean chart seeds ("bugs" or "melon"); off by default — enable only where the site's terms allow.
SPOTIFY_CHART_SOURCE = env.str("SPOTIFY_CHART_SOURCE", default="")
SPOTIFY_CHART_URL = env.str("SPOTIFY_CHART_URL", default="")
SPOTIFY_CHART_LIMIT = env.int("SPOTIFY_CHART_LIMIT", default=50)
# spotipy logs every non-2xx at ERROR, including the 403s the crawler expects and handles. At DEBUG it would log
# each request with its bearer token and each token request with its body (listeners' refresh tokens, PKCE
# verifiers): whatever SPOTIPY_LOG_LEVEL says, it never goes below INFO, so no token reaches a log.
_SPOTIPY_LOG_LEVEL = env.str("SPOTIPY_LOG_LEVEL", default="CRITICAL").upper()
LOGGING.setdefault("loggers", {})["spotipy"] = {
    "level": "INFO" if _SPOTIPY_LOG_LEVEL in ("DEBUG", "NOTSET") else _SPOTIPY_LOG_LEVEL}

# --- playlist import and export (catalog.playlists) -----------------------------------
# A playlist file larger than this is refused while it streams in (songrec/lib/uploads.py's per-path limits).
PLAYLIST_IMPORT_MAX_BYTES = env.int("PLAYLIST_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# An imported entry without a known Spotify id matches a track by name when both its title and its artists score
# at least this (rapidfuzz, 0-100); at most PLAYLIST_IMPORT_MAX_SEARCHES entries of one import are searched.
PLAYLIST_MATCH_MIN_SCORE = env.float("PLAYLIST_MATCH_MIN_SCORE", default=85.0)
PLAYLIST_IMPORT_MAX_SEARCHES = env.int("PLAYLIST_IMPORT_MAX_SEARCHES", default=1000)
# Reading a Spotify playlist link: the longest Retry-After waited for, and the whole read's time budget (seconds).
PLAYLIST_IMPORT_SPOTIFY_MAX_WAIT = env.int("PLAYLIST_IMPORT_SPOTIFY_MAX_WAIT", default=5)
PLAYLIST_IMPORT_SPOTIFY_BUDGET = env.int("PLAYLIST_IMPORT_SPOTIFY_BUDGET", default=20)

# --- web: malformed requests, brute force, content security policy -------------------
# JSON bodies nested deeper than this are refused with 400 (songrec/middleware.py) before any parser recurses.
SONGREC_MAX_JSON_DEPTH = env.int("SONGREC_MAX_JSON_DEPTH", default=32)
# django-axes: lock a username (from any address) and an address (for any username) after this many failed
# logins, on /accounts/login/, /admin/login/ and POST /api/evaluation/token/ alike; `manage.py axes_reset` unlocks.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Locked per username (however many addresses guess it), and per address *and* username: one address's bad
# attempts on one name never lock other users out (an address alone would lock out a whole office, or everyone
# behind a proxy whose TRUSTED_PROXY_COUNT is wrong).
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_LOCKOUT_CALLABLE = "songrec.lockout.lockout_response"
# --- cover art (catalog.covers) --------------------------------------------------------
# 0 turns cover art off: nothing is fetched, pages show no images or placeholders, the CSP allows no image host.
COVER_ART = env.bool("COVER_ART", default=True)
# Spotify's public oEmbed endpoint: a track's thumbnail (its album's cover, 300 px) without credentials.
SPOTIFY_OEMBED_URL = env.str("SPOTIFY_OEMBED_URL", default="https://open.spotify.com/oembed")
COVER_ART_REQUESTS_PER_SECOND = env.float("COVER_ART_REQUESTS_PER_SECOND", default=5.0)  # 0: no throttle (tests)
COVER_ART_BATCH = env.int("COVER_ART_BATCH", default=1000)  # albums per background task; it queues the next batch
# Where Spotify serves album images (crawl: i.scdn.co; oEmbed thumbnails: image-cdn-*.spotifycdn.com).
COVER_ART_IMAGE_HOSTS = env.list("COVER_ART_IMAGE_HOSTS", default=[
    "https://i.scdn.co", "https://image-cdn-ak.spotifycdn.com", "https://image-cdn-fa.spotifycdn.com"])

# Content-Security-Policy (django-csp): every script and style is a file under /static/; the only third parties are
# the Spotify embed player (loaded on demand into an iframe) and, with COVER_ART, Spotify's image hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *(COVER_ART_IMAGE_HOSTS if COVER_ART else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["https://open.spotify.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- explore (catalog profile, drift per crawl) and clusters ------------------------
# A crawl run is flagged when the Population Stability Index of any feature of its new tracks reaches this.
EXPLORE_DRIFT_PSI_THRESHOLD = env.float("EXPLORE_DRIFT_PSI_THRESHOLD", default=0.2)
EXPLORE_DRIFT_MIN_TRACKS = env.int("EXPLORE_DRIFT_MIN_TRACKS", default=30)  # fewer new tracks: no drift figures
EXPLORE_DRIFT_EXPERIMENT = env.str("EXPLORE_DRIFT_EXPERIMENT", default="songrec-drift")
CLUSTERS_EXPERIMENT = env.str("CLUSTERS_EXPERIMENT", default="songrec-clusters")
CLUSTERS_K_VALUES = [int(k) for k in env.list("CLUSTERS_K_VALUES", default=["8", "12", "16", "24", "32"])]
CLUSTERS_PCA_COMPONENTS = env.int("CLUSTERS_PCA_COMPONENTS", default=16)
CLUSTERS_SAMPLE = env.int("CLUSTERS_SAMPLE", default=5000)  # silhouette and the HDBSCAN fit use this many tracks
CLUSTERS_MAP_SAMPLE = env.int("CLUSTERS_MAP_SAMPLE", default=15000)  # dots drawn on the catalog map
