import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")
application = get_wsgi_application()

from .checks import log_deploy_warnings  # noqa: E402 (needs the settings configured above)
from .startup import require_collected_static_files, warm_up  # noqa: E402

require_collected_static_files()
log_deploy_warnings()
warm_up()
