import click
from flask.cli import with_appcontext

from commission.errors import RuleBroken
from commission.extensions import db


@click.command("demo")
@click.option("--reset", is_flag=True, help="Throw away everything in the database and build the demo again.")
@click.option("--to", "to_stage", default="open", show_default=True,
              help="Bring the demo round to this stage, honestly: time passes, no guard is skipped.")
@with_appcontext
def demo(reset: bool, to_stage: str):
    """Build a realistic demo round: an older people's programme giving £1.7m to local projects."""
    from commission.demo import builder

    try:
        people = builder.build(reset=reset, to_stage=to_stage)
    except RuleBroken as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from None
    sheet = builder.sign_in_sheet(people)
    db.session.commit()
    click.echo(sheet)
