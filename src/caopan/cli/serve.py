"""`caopan serve` and `caopan token`: the web server and the intake tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from caopan.cli.common import err, open_app

token_app = typer.Typer(help="Intake tokens (one per provider).", no_args_is_help=True)


@token_app.command("create")
def token_create(
    provider: Annotated[str, typer.Option("--provider", help="The provider it belongs to.")],
) -> None:
    """Create an intake token; it is printed once on stdout and only its hash is kept."""
    with open_app() as app:
        token = app.create_token(provider)
    print(token)
    err.print(
        f"token for provider {provider} created (keep it: it is not shown again)", highlight=False
    )


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    idle_minutes: Annotated[
        float,
        typer.Option(
            "--idle-minutes",
            min=0.05,
            help="Drop a live session from memory after this long unwatched and without "
            "events (it is rebuilt from the store when asked for again).",
        ),
    ] = 30.0,
) -> None:
    """Run the web server: intake, snapshots, the big screen (store from --db)."""
    import uvicorn

    from caopan.web.app import create_app

    api = create_app(open_app(), live_idle_minutes=idle_minutes)
    err.print(f"caopan serving {open_app().url} on http://{host}:{port}", highlight=False)
    uvicorn.run(api, host=host, port=port, log_level="warning", access_log=False)
