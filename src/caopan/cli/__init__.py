"""The `caopan` command: a thin translation of arguments into App calls.

Errors go to stderr with a non-zero exit; stdout carries only results (JSON with `--json`).
Exit codes: 0 done; 1 refused (a caopan error: bad input, missing thing); 2 usage;
3 done, but some lines were rejected or conflicting (they are in quarantine).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from caopan.cli import commission as commission_cmd
from caopan.cli import contract as contract_cmd
from caopan.cli import diagnose as diagnose_cmd
from caopan.cli import imports as imports_cmd
from caopan.cli import reconcile as reconcile_cmd
from caopan.cli import review as review_cmd
from caopan.cli import serve as serve_cmd
from caopan.cli import settle as settle_cmd
from caopan.cli.common import EXIT_REFUSED, State, err
from caopan.cli.ingest import ingest_app, quarantine_app
from caopan.cli.simulate import simulate_app
from caopan.cli.store import db_app, merchant_app, provider_app
from caopan.domain.errors import CaopanError

app = typer.Typer(
    name="caopan",
    help="操盘 caopan — operator system for live-commerce service providers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(provider_app, name="provider")
app.add_typer(merchant_app, name="merchant")
app.add_typer(ingest_app, name="ingest")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(simulate_app, name="simulate")
app.add_typer(serve_cmd.token_app, name="token")
app.add_typer(commission_cmd.commission_app, name="commission")
app.add_typer(contract_cmd.contract_app, name="contract")
app.command("serve")(serve_cmd.serve)
app.command("import")(imports_cmd.import_files)
app.command("reconcile")(reconcile_cmd.reconcile)
app.command("review")(review_cmd.review)
app.command("metrics")(review_cmd.metrics)
app.command("settle")(settle_cmd.settle)
app.command("earnings")(settle_cmd.earnings)
app.command("diagnose")(diagnose_cmd.diagnose)
app.add_typer(diagnose_cmd.stages_app, name="stages")


@app.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="CAOPAN_DB",
            help="Store URL or path: duckdb:///file.duckdb (default ./caopan.duckdb), "
            "pyspark://local, or any Ibis URL.",
        ),
    ] = None,
) -> None:
    State.db = db


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, translating caopan errors into a message on stderr and exit code 1."""
    try:
        app(args=argv)
    except CaopanError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(EXIT_REFUSED)
