"""The KLEEMA support-committee site."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from petition import config as settings
from petition.core.edge import EdgeCache
from petition.core.sessions import SessionInterface
from petition.extensions import babel, compress, csrf, db, limiter, migrate


class Site(Flask):
    """Flask, minus two costs every request paid for nothing."""

    session_interface = SessionInterface()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync: dict = {}

    def ensure_sync(self, func):
        # Flask asks `inspect` whether each hook and view is a coroutine, on every request;
        # the answer for a given function never changes.
        try:
            return self._sync[func]
        except KeyError:
            wrapped = self._sync[func] = super().ensure_sync(func)
            return wrapped
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)


def create_app(test_config: dict | None = None) -> Flask:
    app = Site(
        __name__,
        instance_path=str(settings.INSTANCE),
        template_folder=str(settings.ROOT / "templates"),
        static_folder=str(settings.ROOT / "static"),
    )
    app.config.update(
        BABEL_DEFAULT_LOCALE="fr",
        BABEL_TRANSLATION_DIRECTORIES=str(settings.ROOT / "petition" / "translations"),
    )
    app.config.update(settings.from_environment(settings.INSTANCE))
    if test_config:
        app.config.update(test_config)
    if app.config["TRUSTED_HOSTS"] is None:
        app.config["TRUSTED_HOSTS"] = settings.trusted_hosts(app.config)
    settings.check_production(app.config)
    settings.make_local_directories(app.config)

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    _register_blueprints(app)
    app.wsgi_app = EdgeCache(app, app.wsgi_app)

    from petition import cli, errors

    errors.register(app)
    cli.register(app)

    if app.config["AUTO_SETUP"]:
        with app.app_context():
            cli.setup_database()
    return app


def _init_extensions(app: Flask) -> None:
    from petition import assets, database, i18n, security
    from petition.accounts.access import setup_login

    db.init_app(app)
    with app.app_context():
        database.configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(settings.ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    compress.init_app(app)
    assets.init_app(app)
    limiter.init_app(app)
    setup_login(app)
    app.after_request(i18n.remember_choice)
    app.after_request(security.add_headers)
    app.jinja_env.globals.update(
        LANGUAGES=i18n.LANGUAGES,
        RTL=i18n.RTL,
        direction=i18n.direction,
        language_url=i18n.language_url,
        page_addresses=i18n.page_addresses,
        language_attrs=i18n.language_attrs,
        plural_examples=i18n.plural_examples,
        organiser_name=i18n.organiser_name,
    )

    from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale

    from petition.core import countries, text

    app.jinja_env.filters.update(
        paragraphs=text.paragraphs,
        isolate=i18n.isolate,
        format_decimal=format_decimal,
        format_percent=format_percent,
        format_date=format_date,
        format_datetime=format_datetime,
    )
    app.jinja_env.globals.update(country_name=countries.name, get_locale=get_locale)


def _register_blueprints(app: Flask) -> None:
    from petition.accounts.views import bp as accounts
    from petition.api.views import bp as api
    from petition.audit.views import bp as audit
    from petition.comments.views import bp as comments
    from petition.contact.views import bp as contact
    from petition.health.views import bp as health
    from petition.mail.views import bp as mail
    from petition.moderation.views import bp as moderation
    from petition.petitions.views import bp as petitions
    from petition.sharing.views import bp as sharing
    from petition.signing.views import bp as signing

    for blueprint in (
        petitions,
        signing,
        sharing,
        comments,
        api,
        accounts,
        audit,
        moderation,
        contact,
        health,
        mail,
    ):
        app.register_blueprint(blueprint)

    import petition.models  # noqa: F401  (every model known to Alembic and create_all)
