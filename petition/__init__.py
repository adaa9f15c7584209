"""The KLEEMA support-committee site."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from petition import config as settings
from petition.extensions import babel, cache, compress, csrf, db, limiter, migrate


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
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

    from petition import caching

    app.after_request(caching.public_answers_do_not_vary)
    _init_extensions(app)
    _register_blueprints(app)

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
    cache.init_app(app)
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
    from petition.exports.views import bp as exports
    from petition.fraud.views import bp as fraud
    from petition.health.views import bp as health
    from petition.mail.views import bp as mail
    from petition.mailings.views import bp as mailings
    from petition.moderation.views import bp as moderation
    from petition.pages.views import bp as pages
    from petition.petitions.views import bp as petitions_admin
    from petition.privacy.views import bp as privacy
    from petition.sharing.views import bp as sharing
    from petition.signing.views import bp as signing
    from petition.stats.views import bp as stats
    from petition.transparency.views import bp as transparency
    from petition.updates.views import bp as updates
    from petition.volunteers.views import bp as volunteers

    for blueprint in (
        pages,
        signing,
        sharing,
        comments,
        api,
        accounts,
        audit,
        moderation,
        contact,
        fraud,
        health,
        mail,
        updates,
        transparency,
        petitions_admin,
        stats,
        volunteers,
        exports,
        mailings,
        privacy,
    ):
        app.register_blueprint(blueprint)

    import petition.models  # noqa: F401  (every model known to Alembic and create_all)
