"""Entry point: `python app.py` serves the site on http://127.0.0.1:5000 with the embedded defaults."""

import os

from petition import create_app

app = create_app()

if __name__ == "__main__":
    from petition.mail.service import start_background_sender
    from petition.transparency.service import start_background_checkpoints

    if app.config["MAIL_BACKGROUND_SENDER"]:
        start_background_sender(app)
    if app.config["TRANSPARENCY_BACKGROUND"]:
        start_background_checkpoints(app)
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f" * KLEEMA petition: {app.config['BASE_URL']}/", flush=True)
    app.run(host=host, port=port, threaded=True)
