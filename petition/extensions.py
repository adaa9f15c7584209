"""Extension objects, created unbound and attached to the app in create_app()."""

from flask_babel import Babel
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from petition.core.network import rate_limit_key

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
cache = Cache()
csrf = CSRFProtect()
login_manager = LoginManager()
# Compresses pages, JSON, CSS, JS and SVG in the application itself, so that `python app.py`
# with no proxy in front sends small answers too.
compress = Compress()
# Every per-client limit (signing, comments, reports, login per IP) counts an IPv6 client by its /64.
limiter = Limiter(key_func=rate_limit_key, default_limits=[], headers_enabled=True)
