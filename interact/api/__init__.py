"""JSON API (``/api/v1``) for 政务新媒体 clients; documented at ``/api/v1/openapi.json``."""
from interact.api.spec import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="政务新媒体公开接口")
