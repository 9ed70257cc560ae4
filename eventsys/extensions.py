"""Extension objects, created unbound and initialised by ``create_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
migrate = Migrate(render_as_batch=True, compare_type=True)
#: rate limits; stored in Redis when REDIS_URL is set (so every process counts together).
#: Use as ``@limiter.limit("10/minute")`` under the route decorator.
limiter = Limiter(key_func=get_remote_address)
